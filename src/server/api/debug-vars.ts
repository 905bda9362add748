/**
 * `GET /kapacitor/v1/debug/vars` (also `/debug/vars`): expvar-style JSON with Kapacitor's
 * top-level keys (`cluster_id`, `server_id`, `host`, `product`, `version`, `num_tasks`,
 * `num_enabled_tasks`, `num_subscriptions`, `uptime`, `cmdline`, `memstats`, and the
 * `kapacitor` map of `{name, tags, values}` statistics that Telegraf's
 * `inputs.kapacitor` reads) plus our `ingest` object (counters documented in
 * src/ingest/stats.ts).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { IngestSnapshot, IngestStats } from '../../ingest/stats.js'
import { KAPACITOR_COMPAT_VERSION, PRODUCT } from '../version.js'

export interface DebugVarsOptions {
  readonly stats: IngestStats
  readonly hostname: string
  readonly clusterId: string
  readonly serverId: string
  /** `performance.now()`-style milliseconds at start, for `uptime`. */
  readonly startedAtMs: number
  readonly httpBind: string
  /** task counts for num_tasks / num_enabled_tasks */
  readonly taskCounts?: () => Promise<{ tasks: number; enabled: number }>
  /** InfluxDB subscriptions of ours that exist (Kapacitor's `num_subscriptions`) */
  readonly subscriptionCount?: () => number
}

interface Stat { name: string; tags: Record<string, string>; values: Record<string, number> }

function kapacitorStats(s: IngestSnapshot, opts: DebugVarsOptions): Record<string, Stat> {
  const out: Record<string, Stat> = {}
  const h = s.http
  out[`httpd:bind=${opts.httpBind}`] = {
    name: 'httpd',
    tags: { bind: opts.httpBind },
    values: {
      write_req: h['requests']!,
      write_req_bytes: h['bytes_received']!,
      points_written_ok: h['points_received']!,
      points_parse_fail: h['lines_rejected']!,
      client_error: h['requests_rejected']! + h['partial_writes']!,
      server_error: h['write_errors']!,
    },
  }
  for (const u of s.udp) {
    out[`udp:bind=${u.bind}`] = {
      name: 'udp',
      tags: { bind: u.bind },
      values: {
        points_rx: u.points_received,
        bytes_rx: u.bytes_received,
        points_parse_fail: u.lines_rejected,
        read_fail: u.read_errors,
        points_tx: u.points_received,
        tx_fail: u.write_errors,
        drops: u.kernel_drops + u.datagrams_dropped,
      },
    }
  }
  return out
}

const schema = {
  response: { 200: { type: 'object', additionalProperties: true } },
} as const

export const debugVarsRoutes: FastifyPluginAsync<DebugVarsOptions> = async (app, opts) => {
  const handler = async (): Promise<Record<string, unknown>> => {
    const ingest = await opts.stats.snapshot()
    const mem = process.memoryUsage()
    const counts = opts.taskCounts ? await opts.taskCounts() : { tasks: 0, enabled: 0 }
    return {
      cluster_id: opts.clusterId,
      server_id: opts.serverId,
      host: opts.hostname,
      product: PRODUCT,
      platform: 'OSS',
      version: KAPACITOR_COMPAT_VERSION,
      num_tasks: counts.tasks,
      num_enabled_tasks: counts.enabled,
      num_subscriptions: opts.subscriptionCount?.() ?? 0,
      uptime: Math.floor((performance.now() - opts.startedAtMs) / 1000),
      cmdline: process.argv,
      memstats: {
        alloc_bytes: mem.heapUsed,
        heap_alloc_bytes: mem.heapUsed,
        heap_sys_bytes: mem.heapTotal,
        sys_bytes: mem.rss,
        external_bytes: mem.external,
      },
      kapacitor: kapacitorStats(ingest, opts),
      ingest,
    }
  }
  app.get('/kapacitor/v1/debug/vars', { schema }, handler)
  app.get('/debug/vars', { schema }, handler)
}
