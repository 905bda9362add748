/**
 * Points → line protocol that influxd 1.6.7 (and our parser) reads back to the same
 * points: `measurement[,tag=value…] field=value[,…] <ns timestamp>`.
 *
 *  - measurement: `,` `space` `=` `"` are backslash-escaped (influxd's measurement
 *    unescaping drops a backslash before any of them; escaping `=` and `"` too keeps
 *    influxd's line splitter from ever seeing them);
 *  - tags sorted by their escaped key bytes (influxd's order), `,` `space` `=` escaped in
 *    keys and values; a tag with an empty value is left out (influxd drops it too);
 *  - field keys: `,` `space` `=` `"` escaped; floats in JavaScript's shortest round-trip
 *    form (`1`, `0.5`, `1e+21`, `-0`), which influxd accepts; integers with `i`; strings
 *    double-quoted with `\` and `"` escaped; booleans `true`/`false`;
 *  - the timestamp always, in nanoseconds.
 *
 * Limits (values no line can carry, or that influxd itself cannot write back):
 *  - a float field that is NaN or ±Infinity is left out (as Telegraf does); a point left
 *    without fields encodes to '' and encodePoints skips it;
 *  - a name, tag or field key ending in a backslash, or a field key with a backslash right
 *    before `,` `space` or `=`, cannot always be written so that it reads back the same
 *    (influxd's scanner and its unescaping disagree there). For such field keys the line is
 *    read back with our exact parser and, when it differs, variants that escape fewer bytes
 *    are tried (`t\\=t,f=false` is how influxd reads the key `t\=t,f`); if none reads
 *    back the same, the usual form is returned. A raw newline can only appear in
 *    a string value or right after a backslash. These are written best-effort.
 *  - an empty field key, which influxd stores from `m \t=1`, is written that way (first,
 *    after a tab), and a field key starting with a tab or NUL is never written first (the
 *    parser would skip it as whitespace).
 */
import type { FieldValue, Fields, Point, Tags } from '../model/point.js'
import { LineProtocolParser } from './line-protocol-parser.js'

const NEEDS_MEASUREMENT_ESCAPE = /[, ="]/
const NEEDS_TAG_ESCAPE = /[, =]/
const NEEDS_FIELD_KEY_ESCAPE = /[, ="]/
const NEEDS_STRING_ESCAPE = /["\\]/

function escapeMeasurement(s: string): string {
  return NEEDS_MEASUREMENT_ESCAPE.test(s) ? s.replace(/[, ="]/g, '\\$&') : s
}

function escapeTag(s: string): string {
  return NEEDS_TAG_ESCAPE.test(s) ? s.replace(/[, =]/g, '\\$&') : s
}

function escapeFieldKey(s: string, escaped: RegExp | undefined): string {
  if (escaped !== undefined) return s.replace(escaped, '\\$&')
  return NEEDS_FIELD_KEY_ESCAPE.test(s) ? s.replace(/[, ="]/g, '\\$&') : s
}

/** Escape sets tried, in order, for a risky field key whose usual form does not read back. */
const FIELD_KEY_VARIANTS = [/[ ="]/g, /[ ,"]/g, /[ "]/g, / /g, /=/g, /(?!)/g]

/** A field key whose backslash stands before a byte the key escapes, or at its end. */
const RISKY_FIELD_KEY = /\\(?:[, ="]|$)/

function quoteString(s: string): string {
  return NEEDS_STRING_ESCAPE.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : `"${s}"`
}

/** Orders strings by their UTF-8 bytes (= code points), as influxd's bytes.Compare does. */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) {
      // UTF-16 order differs from code point order only between a surrogate (U+10000 and
      // up) and a unit in U+E000–U+FFFF.
      const xs = x >= 0xd800 && x <= 0xdfff
      const ys = y >= 0xd800 && y <= 0xdfff
      if (xs !== ys && (xs ? y >= 0xe000 : x >= 0xe000)) return xs ? 1 : -1
      return x - y
    }
  }
  return a.length - b.length
}

/** The `,k=v…` text of a tag set. Tag objects from the parser are shared per series, so this is cached. */
const tagTexts = new WeakMap<Tags, string>()

function encodeTags(tags: Tags): string {
  const cached = tagTexts.get(tags)
  if (cached !== undefined) return cached
  const entries: [string, string][] = []
  for (const k of Object.keys(tags)) {
    const v = tags[k]!
    if (v !== '') entries.push([escapeTag(k), escapeTag(v)])
  }
  entries.sort((a, b) => compareUtf8(a[0], b[0]))
  let out = ''
  for (const [k, v] of entries) out += `,${k}=${v}`
  if (Object.isFrozen(tags)) tagTexts.set(tags, out)
  return out
}

function encodeValue(v: FieldValue): string | undefined {
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) return undefined
      return Object.is(v, -0) ? '-0' : String(v)
    case 'bigint': return `${v}i`
    case 'string': return quoteString(v)
    default: return v ? 'true' : 'false'
  }
}

function encodeFields(fields: Fields, variant?: RegExp): string {
  let out = ''
  let empty = ''
  let deferred = ''
  for (const k of Object.keys(fields)) {
    const value = encodeValue(fields[k]!)
    if (value === undefined) continue
    if (k === '') {
      // Only the first field can have an empty key: `m \t=1`.
      empty = `\t=${value}`
      continue
    }
    const text = `${escapeFieldKey(k, variant !== undefined && RISKY_FIELD_KEY.test(k) ? variant : undefined)}=${value}`
    const c = k.charCodeAt(0)
    if (c === 0x09 || c === 0) deferred += `,${text}`
    else out += `,${text}`
  }
  out += deferred
  return empty !== '' ? empty + out : out.slice(1)
}

/**
 * One canonical line (measurement, tags sorted by key, fields, ns timestamp), no trailing
 * newline; '' when the point has no field that can be written.
 */
export function encodePoint(p: Point): string {
  const fields = encodeFields(p.fields)
  if (fields === '') return ''
  const line = `${escapeMeasurement(p.name)}${encodeTags(p.tags)} ${fields} ${p.time}`
  if (!Object.keys(p.fields).some((k) => RISKY_FIELD_KEY.test(k)) || readsBack(line, p)) return line
  for (const variant of FIELD_KEY_VARIANTS) {
    const other = `${escapeMeasurement(p.name)}${encodeTags(p.tags)} ${encodeFields(p.fields, variant)} ${p.time}`
    if (readsBack(other, p)) return other
  }
  return line
}

let verifier: LineProtocolParser | undefined

/** Whether our exact parser reads `line` back as p (name, tags, fields with their types, time). */
function readsBack(line: string, p: Point): boolean {
  verifier ??= new LineProtocolParser({ fastPath: false })
  const r = verifier.parse(Buffer.from(line), { db: p.db, rp: p.rp, precision: 'ns', now: 0n })
  if (r.errors.length !== 0 || r.points.length !== 1) return false
  const q = r.points[0]!
  if (q.name !== p.name || q.time !== p.time) return false
  const tags = Object.keys(p.tags).filter((k) => p.tags[k] !== '')
  if (Object.keys(q.tags).length !== tags.length || tags.some((k) => q.tags[k] !== p.tags[k])) return false
  const fields = Object.keys(p.fields).filter((k) => encodeValue(p.fields[k]!) !== undefined)
  if (Object.keys(q.fields).length !== fields.length) return false
  return fields.every((k) => Object.hasOwn(q.fields, k) && sameValue(q.fields[k]!, p.fields[k]!))
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  return typeof a === typeof b && (typeof a === 'number' ? Object.is(a, b) : a === b)
}

/** '\n'-terminated lines, one per point (points without a writable field are skipped). */
export function encodePoints(points: readonly Point[]): string {
  const lines: string[] = []
  for (const p of points) {
    const line = encodePoint(p)
    if (line !== '') lines.push(line)
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}
