/**
 * Kapacitor's `models.Result` JSON (what httpOut serves and httpPost sends):
 * `{"series":[{"name","tags","columns","values"}]}`, `"series":null` when there is none,
 * `tags` left out when empty. Times are RFC3339Nano UTC strings; integers are written
 * exactly (bigint), floats as Go's encoding/json writes them (the same shortest form as
 * JavaScript's), NaN/±Inf (which Go cannot encode) as null.
 */
import { formatRFC3339Nano } from '../model/rfc3339.js'
import type { FieldValue, Tags } from '../model/point.js'
import type { BatchMessage, BatchPoint, PointMessage } from './messages.js'

export type Cell = FieldValue | null

export interface Row {
  readonly name: string
  readonly tags: Tags
  readonly columns: readonly string[]
  /** first cell of each row is the time (ns) */
  readonly values: ReadonlyArray<readonly [bigint, ...Cell[]]>
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** A point: one row, tags = all its tags, columns = time + sorted field names. */
export function pointRow(p: PointMessage | BatchPoint): Row {
  const keys = Object.keys(p.fields).sort(byName)
  const row: [bigint, ...Cell[]] = [p.time]
  for (const k of keys) row.push(p.fields[k]!)
  return { name: p.name, tags: p.tags, columns: ['time', ...keys], values: [row] }
}

/**
 * A batch: tags = the batch (group) tags; columns = time + sorted(fields of the first point
 * + tags of the first point that are not group tags); one row per point.
 */
export function batchRow(b: BatchMessage): Row {
  const first = b.points[0]
  // Kapacitor's BatchToRow: an empty batch has neither columns nor values
  if (first === undefined) return { name: b.name, tags: b.tags, columns: [], values: [] }
  const columns = Object.keys(first.fields)
  for (const k of Object.keys(first.tags)) if (!(k in b.tags)) columns.push(k)
  columns.sort(byName)
  const values: Array<[bigint, ...Cell[]]> = []
  for (const p of b.points) {
    const row: [bigint, ...Cell[]] = [p.time]
    for (const c of columns) row.push(p.fields[c] ?? p.tags[c] ?? null)
    values.push(row)
  }
  return { name: b.name, tags: b.tags, columns: ['time', ...columns], values }
}

export function cellJSON(v: Cell): string {
  switch (typeof v) {
    case 'bigint': return v.toString()
    case 'number': return Number.isFinite(v) ? JSON.stringify(v) : 'null'
    case 'string': return JSON.stringify(v)
    case 'boolean': return v ? 'true' : 'false'
    default: return 'null'
  }
}

export function rowJSON(r: Row): string {
  let out = `{"name":${JSON.stringify(r.name)}`
  if (Object.keys(r.tags).length > 0) out += `,"tags":${JSON.stringify(sortedTags(r.tags))}`
  if (r.columns.length > 0) out += `,"columns":${JSON.stringify(r.columns)}`
  if (r.values.length > 0) {
    out += ',"values":['
    for (let i = 0; i < r.values.length; i++) {
      const row = r.values[i]!
      out += (i === 0 ? '[' : ',[') + JSON.stringify(formatRFC3339Nano(row[0]))
      for (let j = 1; j < row.length; j++) out += ',' + cellJSON(row[j] as Cell)
      out += ']'
    }
    out += ']'
  }
  return out + '}'
}

/** `{"series":[…]}` or `{"series":null}`. */
export function resultJSON(rows: readonly Row[]): string {
  if (rows.length === 0) return '{"series":null}'
  return `{"series":[${rows.map(rowJSON).join(',')}]}`
}

function sortedTags(tags: Tags): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of Object.keys(tags).sort(byName)) out[k] = tags[k]!
  return out
}
