/** `kapacitor stats general|ingress`: summaries of `GET /kapacitor/v1/debug/vars`, in Kapacitor's layout. */
import { UsageError, type CliContext } from './context.js'
import { padLeft, padRight } from './format.js'

export const STATS_USAGE = `Usage: kapacitor stats <general|ingress>

	Print stats about a certain aspect of Kapacitor.

	general - Display summary stats about Kapacitor.
	ingress - Display stats about the data Kapacitor is receiving by database, retention policy and measurement.
`

type Vars = Record<string, unknown>

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v)
}

function int(v: unknown): string {
  return typeof v === 'number' ? String(Math.trunc(v)) : typeof v === 'string' && /^-?\d+$/.test(v) ? v : '0'
}

export function formatGeneral(vars: Vars): string {
  const s = (label: string, value: string): string => `${padRight(label, 30)}${padRight(value, 30)}\n`
  return s('ClusterID:', str(vars['cluster_id'])) +
    s('ServerID:', str(vars['server_id'])) +
    s('Host:', str(vars['host'])) +
    s('Tasks:', int(vars['num_tasks'])) +
    s('Enabled Tasks:', int(vars['num_enabled_tasks'])) +
    s('Subscriptions:', int(vars['num_subscriptions'])) +
    s('Platform:', str(vars['platform'])) +
    s('Version:', str(vars['version']))
}

interface Stat { name?: string; tags?: Record<string, string>; values?: Record<string, unknown> }

interface Ingress { db: string; rp: string; measurement: string; points: string }

/** The `ingress` statistics of the main task master, sorted by database, retention policy, measurement. */
export function formatIngress(vars: Vars): string {
  const stats = (vars['kapacitor'] ?? {}) as Record<string, Stat>
  const rows: Ingress[] = []
  for (const st of Object.values(stats)) {
    if (st.name !== 'ingress' || st.tags?.['task_master'] !== 'main') continue
    rows.push({
      db: st.tags['database'] ?? '',
      rp: st.tags['retention_policy'] ?? '',
      measurement: st.tags['measurement'] ?? '',
      points: int(st.values?.['points_received']),
    })
  }
  rows.sort((a, b) => cmp(a.db, b.db) || cmp(a.rp, b.rp) || cmp(a.measurement, b.measurement))
  const wdb = Math.max(8, ...rows.map((r) => r.db.length)) + 1
  const wrp = Math.max(16, ...rows.map((r) => r.rp.length)) + 1
  const wm = Math.max(11, ...rows.map((r) => r.measurement.length)) + 1
  let out = `${padRight('Database', wdb)}${padRight('Retention Policy', wrp)}${padRight('Measurement', wm)}Points Received\n`
  for (const r of rows) out += `${padRight(r.db, wdb)}${padRight(r.rp, wrp)}${padRight(r.measurement, wm)}${padLeft(r.points, 15)}\n`
  return out
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export async function stats(ctx: CliContext, args: readonly string[]): Promise<void> {
  if (args.length !== 1) throw new UsageError('must provide a stats category', 'stats')
  const category = args[0]!
  if (category !== 'general' && category !== 'ingress') throw new UsageError(`unknown stats category ${JSON.stringify(category)}: general or ingress`, 'stats')
  const vars = await ctx.client.debugVars()
  ctx.io.out(category === 'general' ? formatGeneral(vars) : formatIngress(vars))
}
