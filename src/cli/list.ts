/**
 * `kapacitor list tasks|templates|recordings|replays|topics [ID or pattern]...` and
 * `kapacitor list topic-handlers [topic pattern] [handler pattern]...`: Kapacitor's
 * tables, the ID column as wide as the longest ID plus one.
 */
import type { ApiRecording, ApiReplay, ApiTask, ApiTemplate, ApiTopic, KapacitorClient, ListOptions } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { dbrpList, humanBytes, padLeft, padRight, rfc822Local } from './format.js'
import { listAll } from './select.js'

export const LIST_USAGE = `Usage: kapacitor list (tasks|templates|recordings|replays|topics|topic-handlers) [ID or pattern]...

	List tasks, templates, recordings, replays, topics or handlers and their current state.

	If no ID or pattern is given then all items will be listed.

	Listing handlers requires that the topic ID or pattern be specified before the handler patterns.

		$ kapacitor list topic-handlers [topicID or pattern] [ID or pattern]

	For example list all handlers in the system topic

		$ kapacitor list topic-handlers system

	For example list all email* handlers in the system topic

		$ kapacitor list topic-handlers system email*
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

/** Topics in the server's order (by id); the Level column at least 9 wide and Collected right-aligned in 10, as Kapacitor's. */
export function formatTopicList(topics: readonly ApiTopic[]): string {
  const wid = idWidth(topics)
  const wlevel = Math.max(8, ...topics.map((t) => (t.level ?? '').length)) + 1
  const row = (id: string, level: string, collected: string): string => `${padRight(id, wid)}${padRight(level, wlevel)}${padLeft(collected, 10)}\n`
  let out = row('ID', 'Level', 'Collected')
  for (const t of topics) out += row(t.id, t.level ?? '', String(t.collected ?? 0))
  return out
}

export interface TopicHandlerRow {
  topic: string
  id: string
  kind: string
}

/** Every column at least 11 wide, as Kapacitor's. */
export function formatTopicHandlerList(rows: readonly TopicHandlerRow[]): string {
  const w = (values: readonly string[]): number => Math.max(10, ...values.map((v) => v.length)) + 1
  const wtopic = w(rows.map((r) => r.topic))
  const wid = w(rows.map((r) => r.id))
  const wkind = w(rows.map((r) => r.kind))
  const row = (topic: string, id: string, kind: string): string => `${padRight(topic, wtopic)}${padRight(id, wid)}${padRight(kind, wkind)}\n`
  let out = row('Topic', 'ID', 'Kind')
  for (const r of rows) out += row(r.topic, r.id, r.kind)
  return out
}

/** The handlers of the topics matching `patterns[0]` whose ids match any of the other patterns (all when none). */
async function topicHandlerRows(client: KapacitorClient, patterns: readonly string[]): Promise<TopicHandlerRow[]> {
  const [topicPattern = '', ...handlerPatterns] = patterns
  const rows: TopicHandlerRow[] = []
  for (const topic of await client.listTopics(topicPattern)) {
    for (const p of handlerPatterns.length > 0 ? handlerPatterns : ['']) {
      for (const h of await client.listTopicHandlers(topic.id, p)) rows.push({ topic: topic.id, id: h.id, kind: h.kind ?? '' })
    }
  }
  return rows
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
    case 'topics': {
      const topics: ApiTopic[] = []
      for (const p of patterns.length > 0 ? patterns : ['']) topics.push(...(await client.listTopics(p)))
      io.out(formatTopicList(topics))
      return
    }
    case 'topic-handlers':
      io.out(formatTopicHandlerList(await topicHandlerRows(client, patterns)))
      return
    case undefined:
      throw new UsageError("Must specify 'tasks', 'templates', 'recordings', 'replays', 'topics' or 'topic-handlers'", 'list')
    default:
      throw new Error(`cannot list '${kind}' did you mean 'tasks', 'templates', 'recordings', 'replays', 'topics' or 'topic-handlers'?`)
  }
}
