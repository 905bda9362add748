/**
 * Differential harness: our line-protocol parser against a real influxd 1.x.
 *
 * A *trial* is one `/write` request (a body and a `precision` parameter). A *batch* is a
 * list of trials sent, in order and one at a time, to one fresh database; afterwards the
 * whole database is read back exactly (MessagePack: int64 as bigint, float bits, ns time).
 *
 * For every trial we compare
 *  - the verdict: influxd's status and error text against what our parser's result
 *    implies (no errors → 204; errors → 400 with `unable to parse '<line>': <reason>`
 *    entries joined by `\n`, prefixed `partial write: ` and suffixed ` dropped=0` when
 *    some lines were good). This is an exact string comparison, so every rejected
 *    line's echoed text and reason must match, in order;
 *  - the values: the database's content must equal the fold of our points over the
 *    batch (influxd merges points of the same series and time field by field, later
 *    wins). Lines without a timestamp get influxd's receive time: we find the lines
 *    whose time depends on `now` (by parsing twice with two different `now`s), find
 *    the instant influxd stored for them (within the request's wall-clock window,
 *    truncated to the precision), and parse again with exactly that `now`;
 *  - the encoder: for every point influxd accepted, parse(encodePoint(p)) === p.
 *
 * influxd behaviours that are NOT parsing (wire-compat.md §a.3) are classified, never
 * silently ignored: a storage-layer refusal (field type conflict, field or tag named
 * `time`) or a 5xx (the exactly-100-tags panic, a non-UTF-8 measurement) gives the
 * trial a `storage` class; the caller decides whether that class was expected. A field
 * named `time` next to other fields is dropped silently by influxd's storage, so the
 * fold drops it too.
 */
import type { Point, FieldValue } from '../../src/model/point.js'
import { nanosPerUnit, parsePrecision, truncateToPrecision, type Precision } from '../../src/model/time.js'
import type { Influxd, StoredPoint } from '../fixtures/influxd.js'

// ---------------------------------------------------------------------------------------
// The parser's interface (src/ingest/line-protocol-parser.ts, src/ingest/line-protocol-encoder.ts).

export interface LineError { readonly line: number; readonly text: string; readonly reason: string }
export interface ParseOptions { db: string; rp: string; precision: Precision; now: bigint }
export interface ParseResult { points: Point[]; errors: LineError[] }
export interface ParserApi {
  parseLineProtocol(body: Buffer | Uint8Array, opts: ParseOptions): ParseResult
  formatLineError(e: LineError): string
  encodePoint?: (p: Point) => string
}

/** Loads our parser (and encoder) from the build; an Error when they are not there yet. */
export async function loadParser(): Promise<{ api?: ParserApi; missing: string[] }> {
  const missing: string[] = []
  let parser: any
  let encoder: any
  try {
    parser = await import(new URL('../../src/ingest/line-protocol-parser.js', import.meta.url).href)
  } catch (e) { missing.push(`src/ingest/line-protocol-parser.ts (${(e as Error).message.split('\n')[0]})`) }
  try {
    encoder = await import(new URL('../../src/ingest/line-protocol-encoder.js', import.meta.url).href)
  } catch (e) { missing.push(`src/ingest/line-protocol-encoder.ts (${(e as Error).message.split('\n')[0]})`) }
  if (!parser || typeof parser.parseLineProtocol !== 'function' || typeof parser.formatLineError !== 'function') {
    if (parser) missing.push('parseLineProtocol/formatLineError not exported')
    return { missing }
  }
  return {
    missing,
    api: {
      parseLineProtocol: parser.parseLineProtocol,
      formatLineError: parser.formatLineError,
      encodePoint: typeof encoder?.encodePoint === 'function' ? encoder.encodePoint : undefined,
    },
  }
}

// ---------------------------------------------------------------------------------------
// influxd's answer

export type StorageClass =
  | 'time-tag' | 'time-field' | 'type-conflict' | 'panic-500' | 'non-utf8-measurement' | 'engine-500' | 'other-storage'
  /** influxd's process died answering the request (see InfluxdCrashed); table cases only. */
  | 'influxd-crash'

export type Answer =
  | { kind: 'ok' }
  | { kind: 'parse'; partial: boolean; entries: string }
  | { kind: 'storage'; cls: StorageClass; status: number; text: string }
  | { kind: 'unexpected'; status: number; text: string }

export function classifyAnswer(status: number, body: string): Answer {
  if (status === 204) return { kind: 'ok' }
  let text = body
  try { text = JSON.parse(body).error ?? body } catch { /* not JSON */ }
  if (status === 400) {
    const partial = /^partial write: ([\s\S]*) dropped=(\d+)$/.exec(text)
    if (partial && partial[2] === '0' && partial[1]!.startsWith('unable to parse ')) {
      return { kind: 'parse', partial: true, entries: partial[1]! }
    }
    if (!partial && text.startsWith('unable to parse ')) return { kind: 'parse', partial: false, entries: text }
    if (text.includes('invalid tag key: input tag "time"')) return { kind: 'storage', cls: 'time-tag', status, text }
    if (text.includes('invalid field name: input field "time"')) return { kind: 'storage', cls: 'time-field', status, text }
    if (text.includes('field type conflict')) return { kind: 'storage', cls: 'type-conflict', status, text }
    return { kind: 'storage', cls: 'other-storage', status, text }
  }
  if (status >= 500) {
    if (text.includes('contains invalid UTF-8')) return { kind: 'storage', cls: 'non-utf8-measurement', status, text }
    // Its scanner accepted the line, its engine cannot decode a value (`m a\\="x=y"`).
    if (text.startsWith('engine: unable to parse')) return { kind: 'storage', cls: 'engine-500', status, text }
    if (/Internal Server Error/.test(text)) return { kind: 'storage', cls: 'panic-500', status, text }
  }
  return { kind: 'unexpected', status, text }
}

/** The answer influxd would give if our parser were influxd's (storage aside). */
export function expectedAnswer(api: ParserApi, r: ParseResult): Answer {
  if (r.errors.length === 0) return { kind: 'ok' }
  return { kind: 'parse', partial: r.points.length > 0, entries: r.errors.map((e) => api.formatLineError(e)).join('\n') }
}

export function answerText(a: Answer): string {
  switch (a.kind) {
    case 'ok': return '204'
    case 'parse': return `400 ${JSON.stringify(a.partial ? `partial write: ${a.entries} dropped=0` : a.entries)}`
    case 'storage': return `${a.status} [${a.cls}] ${JSON.stringify(a.text)}`
    case 'unexpected': return `${a.status} [unexpected] ${JSON.stringify(a.text)}`
  }
}

// ---------------------------------------------------------------------------------------
// Values

export function showValue(v: FieldValue | undefined): string {
  switch (typeof v) {
    case 'undefined': return '(absent)'
    case 'bigint': return `${v}i`
    case 'number': return Object.is(v, -0) ? '-0 (float)' : `${v} (float)`
    case 'string': return JSON.stringify(v)
    default: return String(v)
  }
}

export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (typeof a !== typeof b) return false
  return typeof a === 'number' ? Object.is(a, b) : a === b
}

function tagsKey(tags: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(tags).sort().map((k) => [k, tags[k]]))
}

function seriesTimeKey(name: string, tags: Readonly<Record<string, string>>, time: bigint): string {
  return `${JSON.stringify(name)} ${tagsKey(tags)} ${time}`
}

/** Why two points differ, or undefined when identical (db, rp, name, tags, field types and values, time). */
export function diffPoints(a: Point, b: Point): string | undefined {
  const out: string[] = []
  if (a.db !== b.db) out.push(`db ${JSON.stringify(a.db)} vs ${JSON.stringify(b.db)}`)
  if (a.rp !== b.rp) out.push(`rp ${JSON.stringify(a.rp)} vs ${JSON.stringify(b.rp)}`)
  if (a.name !== b.name) out.push(`name ${JSON.stringify(a.name)} vs ${JSON.stringify(b.name)}`)
  if (tagsKey(a.tags) !== tagsKey(b.tags)) out.push(`tags ${tagsKey(a.tags)} vs ${tagsKey(b.tags)}`)
  const fd = diffFields(a.fields, b.fields)
  if (fd) out.push(fd)
  if (a.time !== b.time) out.push(`time ${a.time} vs ${b.time}`)
  return out.length ? out.join('; ') : undefined
}

function diffFields(a: Readonly<Record<string, FieldValue>>, b: Readonly<Record<string, FieldValue>>): string | undefined {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
  const out: string[] = []
  for (const k of keys) {
    if (!sameValue(a[k], b[k])) out.push(`${JSON.stringify(k)}: ${showValue(a[k])} vs ${showValue(b[k])}`)
  }
  return out.length ? `fields {${out.join(', ')}}` : undefined
}

export function showPoint(p: { name: string; tags: Readonly<Record<string, string>>; fields: Readonly<Record<string, FieldValue>>; time: bigint }): string {
  const f = Object.keys(p.fields).map((k) => `${JSON.stringify(k)}=${showValue(p.fields[k])}`).join(', ')
  return `${JSON.stringify(p.name)} ${tagsKey(p.tags)} {${f}} @${p.time}`
}

// ---------------------------------------------------------------------------------------
// Running a batch

export interface TrialInput {
  /** A label for reports (case name, or seed/iteration). */
  id: string
  body: Buffer
  /** The raw `precision` parameter; undefined = absent. */
  precision?: string
}

export interface TrialReport {
  input: TrialInput
  influx: Answer
  /** Our parse (with influxd's receive time when lines had no timestamp); undefined if the parser threw. */
  ours?: ParseResult
  oursAnswer?: Answer
  /** True when influxd's verdict (status and full error text) equals ours. */
  verdictAgrees: boolean
  /** Value differences between the database and the fold of our points, attributed to this trial. */
  valueProblems: string[]
  /** Encoder round-trip problems. */
  encoderProblems: string[]
  /** Other harness-level problems (parser threw, no receive time found, …). */
  notes: string[]
  /** Points of this trial compared against storage (0 when skipped). */
  comparedPoints: number
  /** Points of this trial whose encodePoint round trip was checked. */
  encoderChecked: number
  /** Why the values of this trial were not compared, when they were not. */
  valuesSkipped?: string
  /**
   * A documented, deliberate difference recognised in this trial: `invalid-utf8` = we
   * refuse a line whose text is not UTF-8 where influxd stores the raw bytes.
   */
  deviation?: 'invalid-utf8'
}

export interface BatchOptions {
  /** Lines whose storage class is expected; others still produce the class in the report. */
  rp?: string
}

const INVALID_UTF8 = /^invalid UTF-8 in /

function hasReplacementChar(p: StoredPoint): boolean {
  if (p.name.includes('\ufffd')) return true
  for (const [k, v] of Object.entries(p.tags)) if (k.includes('\ufffd') || v.includes('\ufffd')) return true
  for (const [k, v] of Object.entries(p.fields)) if (k.includes('\ufffd') || (typeof v === 'string' && v.includes('\ufffd'))) return true
  return false
}

/** The start of `valuesSkipped` for influxd's unreadable measurements (see runBatch). */
export const UNREADABLE = 'measurement unreadable in influxd'

/**
 * How influxd's index names a measurement whose name still holds escape pairs after
 * parsing: it unescapes it once more, with the generic codes (`\,` `\"` `\ ` `\=`).
 */
export function unescapeMeasurement(name: string): string {
  if (!name.includes('\\')) return name
  for (const ch of [',', '"', ' ', '=']) name = name.split('\\' + ch).join(ch)
  return name
}

const SENTINEL_A = 1_234_567_890_123_456_789n
const SENTINEL_B = SENTINEL_A + 3n * 86_400_000_000_000n + 7_654_321n

function wallNs(): bigint { return BigInt(Date.now()) * 1_000_000n }

function tryParse(api: ParserApi, body: Buffer, opts: ParseOptions): ParseResult | Error {
  try {
    return api.parseLineProtocol(body, opts)
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e))
  }
}

/** Sends the trials in order to a fresh database `db`, reads it back and compares with our parser. */
/**
 * influxd died while answering a write: 1.6.7 panics outside the HTTP handler on some
 * lines (e.g. `m z\\="s=" 1`, models.(*point).StringValue slice bounds out of range)
 * and the whole process exits. `trial` is the index of the request that was in flight
 * (unambiguous only when nothing else was writing to that influxd).
 */
export class InfluxdCrashed extends Error {
  readonly panic: string
  constructor(readonly trial: number, log: string) {
    const panic = /panic: [^\n]*/.exec(log)?.[0] ?? '(no panic line in its log)'
    super(`influxd crashed while answering trial ${trial}: ${panic}`)
    this.panic = panic
  }
}

export interface BatchResult {
  reports: TrialReport[]
  /** Stored points in measurements none of our points has (e.g. our parser unescaped a name differently). */
  unexplained: string[]
}

export async function runBatch(influx: Influxd, db: string, trials: TrialInput[], api: ParserApi | undefined): Promise<BatchResult> {
  const rp = 'autogen'
  await influx.createDatabase(db)
  const sent: { answer: Answer; before: bigint; after: bigint }[] = []
  for (const tr of trials) {
    const params: Record<string, string> = { db }
    if (tr.precision !== undefined) params.precision = tr.precision
    const before = wallNs() - 2_000_000n
    let res: Awaited<ReturnType<Influxd['write']>>
    try {
      res = await influx.write(tr.body, params)
    } catch (e) {
      if (!(await influx.alive())) throw new InfluxdCrashed(trials.indexOf(tr), influx.log())
      throw new Error(`write of trial ${tr.id} (body ${clip(JSON.stringify(tr.body.toString('utf8')))}, precision ${tr.precision}) failed: ${(e as Error).message}\ninfluxd log tail:\n${influx.log().slice(-3000)}`)
    }
    const after = wallNs() + 2_000_000n
    sent.push({ answer: classifyAnswer(res.status, res.body), before, after })
  }
  const stored = await influx.readAll(db)
  const fieldKeys = await influx.fieldKeys(db)
  const listed = await influx.measurements(db)
  await influx.dropDatabase(db)

  const reports: TrialReport[] = trials.map((input, i) => ({
    input, influx: sent[i]!.answer, verdictAgrees: false, valueProblems: [], encoderProblems: [], notes: [], comparedPoints: 0, encoderChecked: 0,
  }))
  const unexplained: string[] = []
  if (!api) return { reports, unexplained }

  const storedByName = new Map<string, StoredPoint[]>()
  for (const p of stored) {
    let l = storedByName.get(p.name)
    if (!l) storedByName.set(p.name, l = [])
    l.push(p)
  }
  // Measurements whose content we cannot predict.
  const uncertain = new Map<string, string>()
  for (const [name, keys] of fieldKeys) {
    const seen = new Map<string, string>()
    for (const k of keys) {
      const prev = seen.get(k.name)
      if (prev !== undefined && prev !== k.type) uncertain.set(name, `field ${JSON.stringify(k.name)} has types ${prev} and ${k.type} in different shards`)
      seen.set(k.name, k.type)
    }
  }
  let orphans = false // influxd stored points of a trial whose points we do not know
  const nowUnresolved = new Map<number, string>() // a note, unless the trial's values turn out not comparable

  const folded = new Map<string, { name: string; tags: Readonly<Record<string, string>>; time: bigint; fields: Record<string, FieldValue>; trials: Set<number> }>()
  const trialsByName = new Map<string, Set<number>>()
  const noteName = (name: string, i: number): void => {
    let s = trialsByName.get(name)
    if (!s) trialsByName.set(name, s = new Set())
    s.add(i)
  }

  for (let i = 0; i < trials.length; i++) {
    const rep = reports[i]!
    const { before, after } = sent[i]!
    const precision = parsePrecision(trials[i]!.precision)
    const optsFor = (now: bigint): ParseOptions => ({ db, rp, precision, now })
    const a = tryParse(api, trials[i]!.body, optsFor(SENTINEL_A))
    const b = tryParse(api, trials[i]!.body, optsFor(SENTINEL_B))
    if (a instanceof Error || b instanceof Error) {
      const e = (a instanceof Error ? a : b) as Error
      rep.notes.push(`our parser threw: ${e.stack ?? e.message}`)
      if (rep.influx.kind === 'ok' || (rep.influx.kind === 'parse' && rep.influx.partial)) orphans = true
      continue
    }
    let ours = a
    const nowDependent: number[] = []
    if (a.points.length !== b.points.length) rep.notes.push(`our parser gives ${a.points.length} points with one 'now' and ${b.points.length} with another`)
    for (let k = 0; k < Math.min(a.points.length, b.points.length); k++) {
      if (a.points[k]!.time !== b.points[k]!.time) nowDependent.push(k)
    }
    const influxStored = rep.influx.kind === 'ok' || (rep.influx.kind === 'parse' && rep.influx.partial)
    if (nowDependent.length > 0) {
      // Find the instant influxd used: stored times of these measurements within the request window.
      const lo = truncateToPrecision(before, precision)
      const names = new Set(nowDependent.map((k) => a.points[k]!.name))
      const cands = new Set<bigint>()
      for (const n of names) for (const p of storedByName.get(n) ?? []) if (p.time >= lo && p.time <= after) cands.add(p.time)
      let best: ParseResult | undefined
      let bestScore = -1
      for (const T of cands) {
        // influxd's receive time was somewhere in [T, T + unit); give our parser the last
        // instant of that range, so that a missing truncation shows.
        const r = tryParse(api, trials[i]!.body, optsFor(T + nanosPerUnit(precision) - 1n))
        if (r instanceof Error) continue
        let score = 0
        for (const k of nowDependent) {
          const p = r.points[k]
          if (p && (storedByName.get(p.name) ?? []).some((s) => s.time === p.time && tagsKey(s.tags) === tagsKey(p.tags))) score++
        }
        if (score > bestScore) { best = r; bestScore = score }
      }
      if (best) ours = best
      else {
        const r = tryParse(api, trials[i]!.body, optsFor(before))
        if (!(r instanceof Error)) ours = r
        if (influxStored) nowUnresolved.set(i, `no stored point with influxd's receive time was found for the lines without timestamp (window ${lo}..${after})`)
      }
    }
    rep.ours = ours
    rep.oursAnswer = expectedAnswer(api, ours)
    rep.verdictAgrees = answerText(rep.oursAnswer) === answerText(rep.influx)
    if (!rep.verdictAgrees && ours.errors.some((e) => INVALID_UTF8.test(e.reason))) {
      // Our documented deviation: we refuse text that is not UTF-8, influxd stores the raw
      // bytes (a string cut inside a multi-byte character, e.g. `m s="a"晴`). Recognised
      // only when it is exactly that: influxd's answer equals ours with those lines
      // accepted, and influxd did store text that is not UTF-8 (read back with U+FFFD).
      const rest = ours.errors.filter((e) => !INVALID_UTF8.test(e.reason))
      const asIfAccepted: Answer = rest.length === 0 ? { kind: 'ok' }
        : { kind: 'parse', partial: true, entries: rest.map((e) => api.formatLineError(e)).join('\n') }
      const bodyHasFFFD = trials[i]!.body.includes(Buffer.from('\ufffd', 'utf8')) // a literal U+FFFD proves nothing
      if (answerText(asIfAccepted) === answerText(rep.influx) && !bodyHasFFFD && stored.some(hasReplacementChar)) {
        rep.deviation = 'invalid-utf8'
      }
    }
    // Line numbers: 1-based, increasing.
    let last = 0
    for (const e of ours.errors) {
      if (!(Number.isInteger(e.line) && e.line > last)) rep.notes.push(`error line numbers not increasing/1-based: ${ours.errors.map((x) => x.line).join(',')}`)
      last = e.line
    }

    if (rep.influx.kind === 'storage') {
      for (const p of ours.points) uncertain.set(p.name, `trial ${rep.input.id} got a storage-layer answer (${rep.influx.cls})`)
      rep.valuesSkipped = `storage-layer answer (${rep.influx.cls})`
      continue
    }
    if (!influxStored) {
      // influxd stored nothing; if we have points, the verdict already disagrees.
      for (const p of ours.points) uncertain.set(p.name, `trial ${rep.input.id}: verdicts disagree`)
      continue
    }
    if (!rep.verdictAgrees) {
      orphans = true
      for (const p of ours.points) uncertain.set(p.name, `trial ${rep.input.id}: verdicts disagree`)
      rep.valuesSkipped = 'verdicts disagree'
      continue
    }
    for (const p of ours.points) {
      noteName(p.name, i)
      const fields: Record<string, FieldValue> = { ...p.fields }
      // influxd's storage silently drops a field named `time` when the point has others.
      if ('time' in fields && Object.keys(fields).length > 1) delete fields.time
      const key = seriesTimeKey(p.name, p.tags, p.time)
      const f = folded.get(key)
      if (f) { Object.assign(f.fields, fields); f.trials.add(i) } else folded.set(key, { name: p.name, tags: p.tags, time: p.time, fields, trials: new Set([i]) })
      rep.comparedPoints++
    }
    // Encoder round trip.
    if (api.encodePoint) {
      for (const p of ours.points) {
        rep.encoderChecked++
        let line: string
        try { line = api.encodePoint(p) } catch (e) { rep.encoderProblems.push(`encodePoint threw on ${showPoint(p)}: ${(e as Error).message}`); continue }
        const r = tryParse(api, Buffer.from(line, 'utf8'), { db, rp, precision: 'ns', now: SENTINEL_B })
        if (r instanceof Error) { rep.encoderProblems.push(`encoded ${JSON.stringify(line)}: parser threw ${r.message}`); continue }
        if (r.errors.length || r.points.length !== 1) {
          rep.encoderProblems.push(`encoded ${JSON.stringify(line)} parses to ${r.points.length} points, errors ${JSON.stringify(r.errors.map((e) => api.formatLineError(e)))}`)
          continue
        }
        const d = diffPoints(p, r.points[0]!)
        if (d) rep.encoderProblems.push(`encoded ${JSON.stringify(line)} parses back differently: ${d}`)
      }
    }
  }

  // Measurements influxd lists but returns no data and no field keys for.
  const ghosts = new Set(listed.filter((n) => !storedByName.has(n) && !fieldKeys.has(n)))
  // Compare the database with the fold, measurement by measurement.
  const names = new Set<string>([...storedByName.keys(), ...trialsByName.keys()])
  const expectedByName = new Map<string, typeof folded extends Map<string, infer V> ? V[] : never>()
  for (const f of folded.values()) {
    let l = expectedByName.get(f.name)
    if (!l) expectedByName.set(f.name, l = [])
    l.push(f)
  }
  for (const name of names) {
    const why = uncertain.get(name)
    const ts = trialsByName.get(name)
    if (why !== undefined) {
      for (const i of ts ?? []) reports[i]!.valuesSkipped ??= `measurement ${JSON.stringify(name)} not comparable: ${why}`
      continue
    }
    const exp = expectedByName.get(name) ?? []
    const got = storedByName.get(name) ?? []
    if (exp.length > 0 && got.length === 0) {
      // influxd defect: the index unescapes a measurement (`\,` `\ ` `\=`) a second time, so
      // `cpu\\,t=1 v=1` (measurement `cpu\,t=1`) is listed as `cpu,t=1` and no query
      // finds its points. Recognised precisely, never assumed.
      const twice = unescapeMeasurement(name)
      if (twice !== name && ghosts.has(twice)) {
        for (const i of ts ?? []) reports[i]!.valuesSkipped ??= `${UNREADABLE}: influxd lists it as ${JSON.stringify(twice)}, whose points no query returns`
        continue
      }
    }
    if (exp.length === 0) {
      if (!orphans && got.length > 0) unexplained.push(...got.map((p) => `influxd stored ${showPoint(p)} which none of our points explains`))
      continue
    }
    const gotByKey = new Map(got.map((p) => [seriesTimeKey(p.name, p.tags, p.time), p]))
    const expKeys = new Set<string>()
    for (const e of exp) {
      const key = seriesTimeKey(e.name, e.tags, e.time)
      expKeys.add(key)
      const g = gotByKey.get(key)
      const problem = !g
        ? `influxd has no point at ${showPoint(e)} (ours); influxd has ${got.length ? got.map(showPoint).join(' | ') : 'nothing'} in that measurement`
        : diffFields(g.fields, e.fields) !== undefined
          ? `at ${JSON.stringify(e.name)} ${tagsKey(e.tags)} @${e.time}: influxd vs ours ${diffFields(g.fields, e.fields)}`
          : undefined
      if (problem) for (const i of e.trials) reports[i]!.valueProblems.push(problem)
    }
    for (const [key, g] of gotByKey) {
      if (!expKeys.has(key)) {
        const problem = `influxd stored ${showPoint(g)} which our points do not explain`
        for (const i of ts ?? []) reports[i]!.valueProblems.push(problem)
      }
    }
  }
  for (const [i, note] of nowUnresolved) if (reports[i]!.valuesSkipped === undefined) reports[i]!.notes.push(note)
  // With one trial, whatever is unexplained is its own.
  if (trials.length === 1 && unexplained.length) reports[0]!.valueProblems.push(...unexplained.splice(0))
  return { reports, unexplained }
}

/** Shortens very long texts (70 kB lines) for messages: `head…(N chars)…tail`. */
export function clip(s: string, max = 600): string {
  return s.length <= max ? s : `${s.slice(0, max / 2)}…(${s.length - max} more chars)…${s.slice(-max / 2)}`
}

/** A one-paragraph account of a trial for failure messages and the disagreement list. */
export function describeTrial(r: TrialReport): string {
  const lines = [
    ...(r.deviation ? [`(documented deviation: ${r.deviation})`] : []),
    `[${r.input.id}] body=${clip(JSON.stringify(r.input.body.toString('utf8')))} precision=${r.input.precision === undefined ? '(absent)' : JSON.stringify(r.input.precision)}`,
    `  influxd: ${clip(answerText(r.influx))}`,
    `  ours:    ${r.oursAnswer ? clip(answerText(r.oursAnswer)) : '(no result)'}`,
  ]
  if (r.ours && r.ours.points.length) lines.push(`  our points: ${clip(r.ours.points.map(showPoint).join(' | '))}`)
  for (const v of r.valueProblems) lines.push(`  value: ${clip(v)}`)
  for (const v of r.encoderProblems) lines.push(`  encoder: ${clip(v)}`)
  for (const v of r.notes) lines.push(`  note: ${clip(v, 2000)}`)
  return lines.join('\n')
}

/** All problems of a trial (empty = the trial agrees), storage classes aside. */
export function problemsOf(r: TrialReport): string[] {
  const out: string[] = []
  if (r.influx.kind !== 'storage' && !r.verdictAgrees && !r.deviation) out.push('verdict')
  if (r.valueProblems.length) out.push('value')
  if (r.encoderProblems.length) out.push('encoder')
  if (r.notes.length) out.push('note')
  return out
}
