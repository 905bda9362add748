/**
 * `kapacitor list tasks|templates [ID or pattern]...`: Kapacitor's tables, sorted by ID,
 * the ID column as wide as the longest ID plus one.
 */
import type { ApiRecording, ApiReplay, ApiTask, ApiTemplate, ListOptions } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { dbrpList, humanBytes, padRight, rfc822Local } from './format.js'
import { listAll } from './select.js'

export const LIST_USAGE = `Usage: kapacitor list (tasks|templates|recordings|replays) [ID or pattern]...

	List tasks, templates, recordings or replays and their current state.

	If no ID or pattern is given then all items will be listed.
`

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** Column width: the longest value (at least the header's length) plus one space. */
function width(values: readonly string[], header: string): number {
  return Math.max(header.length, ...values.map((v) => v.length)) + 1
}

function idWidth(items: readonly { id: string }[]): number {
  return width(items.map((i) => i.id), 'ID')
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

/** Recordings come from the server in its order (newest first in Kapacitor); not sorted here. */
export function formatRecordingList(recordings: readonly ApiRecording[]): string {
  const w = idWidth(recordings)
  const row = (id: string, type: string, status: string, size: string, date: string): string =>
    `${padRight(id, w)}${padRight(type, 8)}${padRight(status, 10)}${padRight(size, 10)}${padRight(date, 23)}\n`
  let out = row('ID', 'Type', 'Status', 'Size', 'Date')
  for (const r of recordings) out += row(r.id, r.type ?? '', r.status ?? '', humanBytes(r.size ?? 0), rfc822Local(r.date))
  return out
}

export function formatReplayList(replays: readonly ApiReplay[]): string {
  const wid = idWidth(replays)
  const wtask = width(replays.map((r) => r.task ?? ''), 'Task')
  const wrec = width(replays.map((r) => r.recording ?? ''), 'Recording')
  const row = (id: string, task: string, rec: string, status: string, clock: string, date: string): string =>
    `${padRight(id, wid)}${padRight(task, wtask)}${padRight(rec, wrec)}${padRight(status, 9)}${padRight(clock, 8)}${padRight(date, 23)}\n`
  let out = row('ID', 'Task', 'Recording', 'Status', 'Clock', 'Date')
  for (const r of replays) out += row(r.id, r.task ?? '', r.recording ?? '', r.status ?? '', r.clock ?? '', rfc822Local(r.date))
  return out
}

async function collect<T>(patterns: readonly string[], fetchPage: (o: ListOptions) => Promise<T[]>, fields: readonly string[]): Promise<T[]> {
  const all: T[] = []
  for (const p of patterns.length > 0 ? patterns : ['']) all.push(...(await listAll(fetchPage, p, fields)))
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
    case 'recordings':
      io.out(formatRecordingList(await collect(patterns, (o) => client.listRecordings(o), ['type', 'size', 'date', 'status'])))
      return
    case 'replays':
      io.out(formatReplayList(await collect(patterns, (o) => client.listReplays(o), ['task', 'recording', 'status', 'clock', 'date'])))
      return
    case undefined:
      throw new UsageError("Must specify 'tasks', 'templates', 'recordings' or 'replays'", 'list')
    default:
      throw new Error(`cannot list '${kind}' did you mean 'tasks', 'templates', 'recordings' or 'replays'?`)
  }
}
