/**
 * Kapacitor's batch recording file, `.brpl`: a zip archive with one entry per query node
 * of the task (`0`, `1`, … in query-node order), each a sequence of JSON batches as
 * Kapacitor's edge.BufferedBatchMessage writes them:
 *
 *     {"name":"cpu","tmax":"2015-10-30T17:14:20Z","tags":{"cpu":"cpu0"},
 *      "points":[{"fields":{"mean":90.38},"tags":{"cpu":"cpu0"},"time":"2015-10-30T17:14:12Z"}]}
 *
 * Kapacitor reads every JSON number as a float (Go's float64). To give integers back
 * exactly, each point we write lists its integer fields under `"integers"` (a key
 * Kapacitor ignores); a number of a field listed there is read as an exact integer, any
 * other number as a float. A point without `tags` gets the batch's tags, as Kapacitor.
 * Its integration tests keep the same JSON uncompressed (`<Test>.<n>.brpl`): that plain
 * form is read as source 0 (or the batch's own `"source"` index when it has one).
 */
import { unzipSync, zipSync } from 'fflate'
import type { FieldValue } from '../model/point.js'
import { formatRFC3339Nano, parseRFC3339Nano } from '../model/rfc3339.js'
import { JsonNumber, JsonSyntaxError, parseJsonExact, type JsonValue } from './json-exact.js'
import type { RecordedBatch, RecordedBatchPoint } from './types.js'
import { RecordingFormatError } from './srpl.js'

/** Go's zero time.Time, which Kapacitor writes as the `tmax` of a batch without one. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z'

function encodeValue(v: FieldValue): string | undefined {
  switch (typeof v) {
    case 'number': return Number.isFinite(v) ? JSON.stringify(v) : undefined
    case 'bigint': return v.toString()
    case 'string': return JSON.stringify(v)
    default: return v ? 'true' : 'false'
  }
}

function encodeTags(tags: Readonly<Record<string, string>>): string {
  return JSON.stringify(tags)
}

function encodePoint(p: RecordedBatchPoint): string {
  let fields = ''
  let ints = ''
  for (const k of Object.keys(p.fields)) {
    const v = p.fields[k]!
    const text = encodeValue(v)
    if (text === undefined) continue
    fields += `${fields === '' ? '' : ','}${JSON.stringify(k)}:${text}`
    if (typeof v === 'bigint') ints += `${ints === '' ? '' : ','}${JSON.stringify(k)}`
  }
  return `{"fields":{${fields}},"tags":${encodeTags(p.tags)},"time":"${formatRFC3339Nano(p.time)}"${ints === '' ? '' : `,"integers":[${ints}]`}}`
}

/** One batch as a JSON line (with its `\n`); `source` is not part of it (it is the zip entry). */
export function encodeBatchLine(b: Omit<RecordedBatch, 'source'>): string {
  const tmax = b.tmax !== undefined ? formatRFC3339Nano(b.tmax) : GO_ZERO_TIME
  const parts = [`"name":${JSON.stringify(b.name)}`, `"tmax":"${tmax}"`]
  if (Object.keys(b.tags).length > 0) parts.push(`"tags":${encodeTags(b.tags)}`)
  if (b.points.length > 0) parts.push(`"points":[${b.points.map(encodePoint).join(',')}]`)
  return `{${parts.join(',')}}\n`
}

function isObject(v: JsonValue | undefined): v is { [k: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber)
}

function tagsOf(v: JsonValue | undefined, where: string): Record<string, string> {
  if (v === undefined || v === null) return {}
  if (!isObject(v)) throw new RecordingFormatError(`${where}: tags must be an object`)
  const out: Record<string, string> = {}
  for (const [k, t] of Object.entries(v)) {
    if (typeof t !== 'string') throw new RecordingFormatError(`${where}: tag ${k} must be a string`)
    out[k] = t
  }
  return out
}

function timeOf(v: JsonValue | undefined, where: string): bigint {
  const t = typeof v === 'string' ? parseRFC3339Nano(v) : undefined
  if (t === undefined) throw new RecordingFormatError(`${where}: time must be an RFC3339 time, got ${v instanceof JsonNumber ? v.raw : JSON.stringify(v)}`)
  return t
}

function fieldValue(v: JsonValue, integer: boolean, where: string): FieldValue | undefined {
  if (v === null) return undefined
  if (typeof v === 'string' || typeof v === 'boolean') return v
  if (v instanceof JsonNumber) {
    if (integer) {
      if (!v.isInteger) throw new RecordingFormatError(`${where}: ${v.raw} is listed as an integer`)
      return BigInt(v.raw)
    }
    return Number(v.raw)
  }
  throw new RecordingFormatError(`${where}: a field value must be a number, string or boolean`)
}

function batchOf(v: JsonValue, where: string): Omit<RecordedBatch, 'source'> {
  if (!isObject(v)) throw new RecordingFormatError(`${where}: a batch must be a JSON object`)
  const name = v['name'] === undefined || v['name'] === null ? '' : v['name']
  if (typeof name !== 'string') throw new RecordingFormatError(`${where}: name must be a string`)
  const tags = tagsOf(v['tags'], where)
  const rawPoints = v['points'] ?? []
  if (!Array.isArray(rawPoints)) throw new RecordingFormatError(`${where}: points must be an array`)
  const points: RecordedBatchPoint[] = rawPoints.map((p, i) => {
    const at = `${where} point ${i + 1}`
    if (!isObject(p)) throw new RecordingFormatError(`${at}: a point must be a JSON object`)
    const ints = new Set<string>()
    const listed = p['integers']
    if (Array.isArray(listed)) for (const k of listed) if (typeof k === 'string') ints.add(k)
    const fields: Record<string, FieldValue> = {}
    const rawFields = p['fields'] ?? {}
    if (!isObject(rawFields)) throw new RecordingFormatError(`${at}: fields must be an object`)
    for (const [k, fv] of Object.entries(rawFields)) {
      const value = fieldValue(fv, ints.has(k), `${at} field ${k}`)
      if (value !== undefined) Object.defineProperty(fields, k, { value, enumerable: true, writable: true, configurable: true })
    }
    const ptags = tagsOf(p['tags'], at)
    return { time: timeOf(p['time'], at), tags: Object.keys(ptags).length > 0 ? ptags : tags, fields }
  })
  const tmaxText = v['tmax']
  const tmax = typeof tmaxText === 'string' && tmaxText !== GO_ZERO_TIME ? timeOf(tmaxText, `${where} tmax`) : undefined
  return { name, tags, points, ...(tmax !== undefined ? { tmax } : {}) }
}

/**
 * The batches of one entry (a sequence of JSON values, usually one per line). Batches
 * without points are dropped, as Kapacitor's replay skips them.
 */
export function parseBatchEntry(text: string, source: number, perBatchSource = false): RecordedBatch[] {
  const out: RecordedBatch[] = []
  let i = 0
  let n = 0
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++
    if (i >= text.length) return out
    n++
    const where = `source ${source} batch ${n}`
    let parsed: { value: JsonValue; end: number }
    try {
      parsed = parseJsonExact(text, i)
    } catch (err) {
      if (err instanceof JsonSyntaxError) {
        const line = text.slice(0, err.offset).split('\n').length
        throw new RecordingFormatError(`${where} (line ${line}): ${err.message}`)
      }
      throw err
    }
    i = parsed.end
    const b = batchOf(parsed.value, where)
    const own = perBatchSource && isObject(parsed.value) ? parsed.value['source'] : undefined
    const src = own instanceof JsonNumber && own.isInteger && Number(own.raw) >= 0 ? Number(own.raw) : source
    if (b.points.length > 0) out.push({ source: src, ...b })
  }
}

export function isZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04
}

/**
 * A `.brpl` file: a zip (entries in archive order are the sources 0, 1, … as Kapacitor
 * reads them) or the plain JSON of Kapacitor's integration tests (source `plainSource`).
 */
export function parseBrpl(data: Uint8Array, plainSource = 0): RecordedBatch[] {
  if (!isZip(data)) return parseBatchEntry(Buffer.from(data).toString('utf8'), plainSource, true)
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(data)
  } catch (err) {
    throw new RecordingFormatError(`not a readable zip archive: ${err instanceof Error ? err.message : String(err)}`)
  }
  const names = Object.keys(entries).filter((n) => !n.endsWith('/'))
  const out: RecordedBatch[] = []
  names.forEach((name, index) => {
    out.push(...parseBatchEntry(Buffer.from(entries[name]!).toString('utf8'), index))
  })
  return out
}

/** A `.brpl` zip from each source's JSON lines (entries `0` … `max source`, empty ones included so indexes stay). */
export function buildBrpl(linesBySource: ReadonlyMap<number, string>): Uint8Array {
  const max = Math.max(0, ...linesBySource.keys())
  const files: Record<string, Uint8Array> = {}
  for (let s = 0; s <= max; s++) files[String(s)] = Buffer.from(linesBySource.get(s) ?? '')
  return zipSync(files, { level: 6 })
}
