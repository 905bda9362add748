/**
 * `kapacitor list tasks|templates [ID or pattern]...`: Kapacitor's tables, sorted by ID,
 * the ID column as wide as the longest ID plus one.
 */
import type { ApiTask, ApiTemplate, ListOptions } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { dbrpList, padRight } from './format.js'

export const LIST_USAGE = `Usage: kapacitor list (tasks|templates) [ID or pattern]...

	List tasks or templates and their current state.

	If no ID or pattern is given then all items will be listed.
`

const PAGE = 100

async function pages<T>(fetchPage: (o: ListOptions) => Promise<T[]>, pattern: string, fields: readonly string[]): Promise<T[]> {
  const out: T[] = []
  for (let offset = 0; ; offset += PAGE) {
    const page = await fetchPage({ pattern, fields, offset, limit: PAGE })
    out.push(...page)
    if (page.length < PAGE) return out
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function idWidth(items: readonly { id: string }[]): number {
  return Math.max(2, ...items.map((i) => i.id.length)) + 1
}

export function formatTaskList(tasks: readonly ApiTask[]): string {
  const sorted = [...tasks].sort(byId)
  const w = idWidth(sorted)
  const row = (id: string, type: string, status: string, executing: string, dbrps: string): string =>
    `${padRight(id, w)}${padRight(type, 10)}${padRight(status, 10)}${padRight(executing, 10)}${dbrps}\n`
  let out = row('ID', 'Type', 'Status', 'Executing', 'Databases and Retention Policies')
  for (const t of sorted) out += row(t.id, t.type ?? '', t.status ?? '', String(t.executing ?? false), dbrpList(t.dbrps))
  return out
}

export function formatTemplateList(templates: readonly ApiTemplate[]): string {
  const sorted = [...templates].sort(byId)
  const w = idWidth(sorted)
  const row = (id: string, type: string, vars: string): string => `${padRight(id, w)}${padRight(type, 10)}${padRight(vars, 40)}\n`
  let out = row('ID', 'Type', 'Vars')
  for (const t of sorted) out += row(t.id, t.type ?? '', Object.keys(t.vars ?? {}).sort().join(','))
  return out
}

async function collect<T>(patterns: readonly string[], fetchPage: (o: ListOptions) => Promise<T[]>, fields: readonly string[]): Promise<T[]> {
  const all: T[] = []
  for (const p of patterns.length > 0 ? patterns : ['']) all.push(...(await pages(fetchPage, p, fields)))
  return all
}

export async function list(ctx: CliContext, kind: string | undefined, patterns: readonly string[]): Promise<void> {
  const { client, io } = ctx
  switch (kind) {
    case 'tasks':
      io.out(formatTaskList(await collect(patterns, (o) => client.listTasks(o), ['type', 'status', 'executing', 'dbrps'])))
      return
    case 'templates':
      io.out(formatTemplateList(await collect(patterns, (o) => client.listTemplates(o), ['type', 'vars'])))
      return
    case undefined:
      throw new UsageError("Must specify 'tasks' or 'templates'", 'list')
    default:
      throw new Error(`cannot list '${kind}' did you mean 'tasks' or 'templates'?`)
  }
}
