/**
 * What the service handlers share: reading their config section (single table or array
 * of tables), reading options, Go-style JSON bodies and one HTTP POST attempt.
 */
import { resultJSON } from '../../pipeline/result-json.js'
import type { HandlerInstance, TickValue } from '../../nodes/define-node.js'
import { propCalls, propValue } from '../../pipeline/props.js'
import type { AlertEvent, HandlerOptions } from '../types.js'
import { compileGoTemplate, GoDuration, GoTime, goStringMap, goStruct, type GoTemplate } from '../template/index.js'
import type { HandlerContext } from './definition.js'
import { UndeliverableError } from '../delivery.js'

export type Section = Readonly<Record<string, unknown>>

function isTable(v: unknown): v is Section {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * A single-table section (`[smtp]`). Like Kapacitor, a service is off unless its section
 * says `enabled = true`.
 */
export function enabledSection(ctx: HandlerContext, kind: string, name = kind): Section {
  const raw = ctx.sections[name]
  const s = Array.isArray(raw) ? raw.find(isTable) : raw
  if (!isTable(s)) throw new Error(`${kind}: no [${name}] section in the configuration`)
  if (s['enabled'] !== true) throw new Error(`${kind}: service is not enabled ([${name}] enabled = true)`)
  return s
}

/**
 * One table of an array-of-tables section (`[[slack]]`) chosen by `key` (slack's
 * `workspace`, mqtt's `name`): the named one; without a name the only one, else the one
 * with `default = true` (Kapacitor's default workspace/broker).
 */
export function enabledEntry(ctx: HandlerContext, kind: string, key: string, wanted: string, name = kind): Section {
  const raw = ctx.sections[name]
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(isTable)
  if (list.length === 0) throw new Error(`${kind}: no [[${name}]] section in the configuration`)
  let s: Section | undefined
  if (wanted !== '') {
    s = list.find((e) => str(e, key) === wanted)
    if (!s) throw new Error(`${kind}: no [[${name}]] with ${key} = ${JSON.stringify(wanted)}`)
  } else {
    s = list.length === 1 ? list[0] : list.find((e) => e['default'] === true)
    if (!s) throw new Error(`${kind}: several [[${name}]] sections and none has default = true; name one with ${key}`)
  }
  if (s['enabled'] !== true) {
    const which = wanted === '' ? '' : ` ${key} = ${JSON.stringify(wanted)}`
    throw new Error(`${kind}: service is not enabled ([[${name}]]${which} enabled = true)`)
  }
  return s
}

export function str(o: Section, key: string, def = ''): string {
  const v = o[key]
  return typeof v === 'string' ? v : def
}

export function bool(o: Section, key: string): boolean {
  return o[key] === true
}

export function strList(o: Section, key: string): string[] {
  const v = o[key]
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string')
  return typeof v === 'string' && v !== '' ? [v] : []
}

export function num(o: Section, key: string, def: number): number {
  const v = o[key]
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  return def
}

export function required(kind: string, value: string, what: string): string {
  if (value === '') throw new Error(`${kind}: no ${what} configured`)
  return value
}

// --- TICKscript → options

export function tickStr(h: HandlerInstance, prop: string): string | undefined {
  const v = propValue(h, prop)
  return v?.type === 'string' ? v.value : undefined
}

export function tickStrings(values: readonly TickValue[]): string[] {
  return values.flatMap((v) => (v.type === 'string' ? [v.value] : []))
}

/** `{k: v}` without the undefined entries (options hold only what the script set). */
export function compact(o: Record<string, unknown>): HandlerOptions {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out
}

// --- Go-like JSON

/** A JSON fragment inserted verbatim (Kapacitor's models.Result with exact integers). */
export class RawJSON {
  constructor(readonly text: string) {}
}

export function resultOf(e: AlertEvent): RawJSON {
  return new RawJSON(resultJSON(e.data))
}

/**
 * JSON as Go's encoding/json writes it: keys in the given order (build objects in the
 * struct's field order, or sorted for Go maps), `<`, `>`, `&` escaped.
 */
export function goJSON(v: unknown): string {
  const raws: string[] = []
  const text = JSON.stringify(v, (_k, x: unknown) => {
    if (!(x instanceof RawJSON)) return x
    raws.push(x.text)
    return `\u0000RAW${raws.length - 1}\u0000`
  })
  return text
    .replace(/"\\u0000RAW(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]!)
    .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Go maps marshal with sorted keys. */
export function sortedMap<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {}
  for (const k of Object.keys(o).sort()) out[k] = o[k]!
  return out
}

/** What json.Encoder writes: the value and a newline. */
export function goJSONLine(v: unknown): string {
  return goJSON(v) + '\n'
}

// --- HTTP

export interface PostOptions {
  readonly headers?: Readonly<Record<string, string>>
  /** statuses that count as delivered (default 200) */
  readonly ok?: readonly number[]
  readonly contentType?: string
}

/** One POST attempt; throws with the service's name, the status and the body on an unexpected status. */
/** A handler's required URL: the clear error when it is missing or not a URL. */
export function requireUrl(kind: string, url: string, what = 'url', where = `[${kind}] ${what}`): string {
  if (url === '') throw new Error(`${kind}: no ${what} configured (${where})`)
  try {
    new URL(url)
  } catch {
    throw new Error(`${kind}: invalid ${what} ${JSON.stringify(url)}`)
  }
  return url
}

export async function post(kind: string, url: string, body: string, signal: AbortSignal, opts: PostOptions = {}): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    body,
    signal,
    headers: { 'Content-Type': opts.contentType ?? 'application/json', ...opts.headers },
  })
  const text = await res.text()
  if (!(opts.ok ?? [200]).includes(res.status)) {
    throw new Error(`${kind}: ${url} answered ${res.status}: ${text.slice(0, 500)}`)
  }
}

// --- templates (discord's embed title, sensu's source, pagerduty2's links, alerta's fields)

/** A handler option template, compiled when the handler is created; a bad one is a clear error then. */
export function handlerTemplate(kind: string, what: string, text: string): GoTemplate {
  try {
    return compileGoTemplate(text, { name: what })
  } catch (err) {
    throw new Error(`${kind}: bad ${what} template: ${(err as Error).message}`)
  }
}

/** Kapacitor's group id from the alert's group tags: `k=v,k2=v2` (sorted), `nil` without tags. */
export function groupIdOf(e: AlertEvent): string {
  const keys = Object.keys(e.tags).sort()
  return keys.length === 0 ? 'nil' : keys.map((k) => `${k}=${e.tags[k]!}`).join(',')
}

/** The event's fields: its own, or (an event made by a topic) its first data row's. */
export function eventFields(e: AlertEvent): Record<string, unknown> {
  if (e.fields) return { ...e.fields }
  const out: Record<string, unknown> = {}
  const row = e.data[0]
  const values = row?.values[0]
  if (row && values) for (let i = 1; i < row.columns.length; i++) out[row.columns[i]!] = values[i]
  return out
}

/** Go's `text[:max]`: the first `max` bytes of the UTF-8 text (a cut character becomes U+FFFD, as Go's encoder writes it). */
export function cutBytes(text: string, max: number): string {
  const b = Buffer.from(text, 'utf8')
  return b.length <= max ? text : b.subarray(0, max).toString('utf8')
}

/** A Basic auth header, when both parts are set. */
export function basicAuth(username: string, password: string): Record<string, string> {
  if (username === '' || password === '') return {}
  return { Authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` }
}

/**
 * Kapacitor's alert.Event.TemplateData(): what handler templates see — `.Name .TaskName
 * .Group .Tags .ID .Fields .Level .Time .Duration .Message .Details`, from the event's own
 * name, group and fields; an event without them (made by a topic) falls back to its first
 * data row and its tags.
 */
export function eventTemplateData(e: AlertEvent): object {
  const row = e.data[0]
  const fields = eventFields(e)
  return goStruct({
    Name: e.name ?? row?.name ?? '', TaskName: e.taskName, Group: e.group ?? groupIdOf(e), Tags: goStringMap({ ...e.tags }),
    ID: e.id, Fields: fields, Level: e.level, Time: new GoTime(e.time), Duration: new GoDuration(e.duration),
    Message: e.message, Details: e.details,
  })
}

/** A TICKscript property called as `.name('key', 'value')` any number of times, as a key → value map. */
export function tickStringPairs(h: HandlerInstance, prop: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of propCalls(h, prop)) if (k?.type === 'string' && v?.type === 'string') out[k.value] = v.value
  return out
}

/** An option's key → value map whose string values are templates (compiled once); other values pass as they are. */
export interface TemplateMap {
  readonly size: number
  render(data: object): Record<string, unknown>
}

export function templateMap(kind: string, what: string, raw: unknown): TemplateMap {
  const entries: Array<[string, GoTemplate | undefined, unknown]> = []
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      entries.push([k, typeof v === 'string' ? handlerTemplate(kind, `${what}.${k}`, v) : undefined, v])
    }
  }
  return {
    size: entries.length,
    render(data) {
      const out: Record<string, unknown> = {}
      for (const [k, t, v] of entries) out[k] = t ? t.execute(data) : v
      return out
    },
  }
}

/**
 * An event this handler can never send (a template that fails on it, a name the service
 * rejects): Kapacitor logs and drops it; delivery does the same with an
 * UndeliverableError instead of retrying it in front of the others.
 */
export function undeliverable(kind: string, err: unknown): UndeliverableError {
  return new UndeliverableError(`${kind}: ${(err as Error).message}`)
}
