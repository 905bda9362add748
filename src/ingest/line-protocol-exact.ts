/**
 * The exact path of the line-protocol parser: a step-by-step re-statement of what influxd
 * 1.6.7 does with one line (models.scanLine, parsePoint → scanKey, scanFields, walkFields,
 * scanTime, then point.Name(), Tags() and the FieldIterator that storage uses), including
 * its odd corners, which differ between the validating scan and the extracting walk:
 *
 *  - while validating, a backslash hides the byte after it (`a\\=1` has a key ending at
 *    `=`); while extracting, a byte is "escaped" when the byte before it is a backslash
 *    (so the same `=` does not end the key, and influxd answers
 *    `invalid value: field-key=a\\=1`);
 *  - a string value is everything from its opening quote to the next unquoted comma, minus
 *    its first and last byte (`a="x"y,…` stores `x"y`);
 *  - tag keys may not start with `=` but tag values may (`t==x` is the tag t = "=x");
 *  - tabs and NUL bytes count as leading whitespace of a line, of the fields and of the
 *    timestamp (so `m \t=1` is a field with an empty key);
 *  - a newline inside a quoted field value, or right after a backslash, does not end the
 *    line; neither does one inside quotes in a comment line.
 *
 * The fast path (line-protocol-parser.ts) handles the common shapes of lines itself and
 * hands every other line, and every line that is in error, to this file, so this is the
 * single source of influxd's behaviour and of its error texts. It favours clarity over
 * speed, but stays linear in the size of the line.
 */
import type { FieldValue } from '../model/point.js'
import {
  BACKSLASH, COMMA, EQUALS, FIELD_KEY_ESCAPES, MEASUREMENT_ESCAPES, NEWLINE, QUOTE, SPACE, STRING_ESCAPES, TAB, TAG_ESCAPES,
  decodeLossy, defineOwn, latin1, unescapeStrict,
} from './line-protocol-bytes.js'

/** influxd's MaxKeyLength: measurement plus tags, escaped, in bytes. */
export const MAX_KEY_LENGTH = 65535
/** models.MinNanoTime and MaxNanoTime (int64 min + 2 and max − 1). */
export const MIN_NANO_TIME = -9223372036854775806n
export const MAX_NANO_TIME = 9223372036854775806n
export const TIME_OUT_OF_RANGE = `time outside range ${MIN_NANO_TIME} - ${MAX_NANO_TIME}`
const INT64_MIN = -9223372036854775808n
const INT64_MAX = 9223372036854775807n

export function isWhitespace(c: number): boolean {
  return c === SPACE || c === TAB || c === 0
}

function skipWhitespace(buf: Uint8Array, i: number, end: number): number {
  while (i < end && isWhitespace(buf[i]!)) i++
  return i
}

/**
 * models.scanLine: the end of the line that starts at `i` — the index of the newline that
 * ends it, or `len`. A backslash hides the next byte (when two more bytes follow it), and
 * after the first space a double quote opens or closes a quoted region whenever more `=`
 * than `,` have been seen; newlines inside that region do not end the line.
 */
export function scanLine(buf: Uint8Array, i: number, len: number): number {
  let quoted = false
  let fields = false
  let equals = 0
  let commas = 0
  while (i < len) {
    const c = buf[i]!
    if (c === BACKSLASH && i + 2 < len) { i += 2; continue }
    if (c === SPACE) fields = true
    if (fields) {
      if (!quoted && c === EQUALS) { i++; equals++; continue }
      if (!quoted && c === COMMA) { i++; commas++; continue }
      if (c === QUOTE && equals > commas) { i++; quoted = !quoted; continue }
    }
    if (c === NEWLINE && !quoted) break
    i++
  }
  return i
}

// ---------------------------------------------------------------------------------------
// The key: measurement and tags

/** A validated key: where its parts are (absolute offsets). */
export interface KeyLayout {
  start: number
  /** Index of the space that ends the key. */
  end: number
  /** End of the measurement. */
  nameEnd: number
  /** For tag n: marks[3n] = start of its key, marks[3n+1] = its '=', marks[3n+2] = end of its value. */
  marks: number[]
  /** Tag numbers in influxd's order (by escaped key bytes). */
  order: number[]
}

/** A key as points carry it. */
export interface DecodedKey {
  name: string
  /** Tags in influxd's order (sorted by escaped key bytes), frozen. */
  tags: Readonly<Record<string, string>>
}

/** The key that starts at `start` (a non-whitespace byte), or influxd's reason for refusing it. */
export function scanKey(buf: Buffer, start: number, end: number): KeyLayout | string {
  // scanMeasurement
  let i = start
  if (i >= end || buf[i] === COMMA) return 'missing measurement'
  let inTags = false
  for (;;) {
    i++
    if (i >= end) return 'missing fields'
    if (buf[i - 1] === BACKSLASH) continue
    if (buf[i] === COMMA) { inTags = true; break }
    if (buf[i] === SPACE) break
  }
  const nameEnd = i
  // scanTags
  const marks: number[] = []
  if (inTags) {
    i++
    for (;;) {
      // scanTagsKey
      const keyStart = i
      if (i >= end || buf[i] === SPACE || buf[i] === COMMA || buf[i] === EQUALS) return 'missing tag key'
      for (;;) {
        i++
        if (i >= end || ((buf[i] === SPACE || buf[i] === COMMA) && buf[i - 1] !== BACKSLASH)) return 'missing tag value'
        if (buf[i] === EQUALS && buf[i - 1] !== BACKSLASH) break
      }
      const eq = i
      i++
      // scanTagsValue
      if (i >= end || buf[i] === COMMA || buf[i] === SPACE) return 'missing tag value'
      let last = false
      for (;;) {
        i++
        if (i >= end) return 'missing fields'
        if (buf[i] === EQUALS && buf[i - 1] !== BACKSLASH) return 'invalid tag format'
        if (buf[i] === COMMA && buf[i - 1] !== BACKSLASH) break
        if (buf[i] === SPACE && buf[i - 1] !== BACKSLASH) { last = true; break }
      }
      marks.push(keyStart, eq, i)
      if (last) break
      i++
    }
  }
  const keyEnd = i
  // Duplicates and order: by the escaped key bytes. influxd compares neighbours, sorts when
  // they are out of order and compares neighbours again, so any two equal keys are refused.
  const count = marks.length / 3
  const order: number[] = []
  for (let n = 0; n < count; n++) order.push(n)
  order.sort((a, b) => compareBytes(buf, marks[3 * a]!, marks[3 * a + 1]!, marks[3 * b]!, marks[3 * b + 1]!) || a - b)
  for (let n = 1; n < count; n++) {
    const a = order[n - 1]!
    const b = order[n]!
    if (compareBytes(buf, marks[3 * a]!, marks[3 * a + 1]!, marks[3 * b]!, marks[3 * b + 1]!) === 0) return 'duplicate tags'
  }
  if (keyEnd - start > MAX_KEY_LENGTH) return `max key length exceeded: ${keyEnd - start} > ${MAX_KEY_LENGTH}`
  return { start, end: keyEnd, nameEnd, marks, order }
}

/** The measurement and tags of a validated key, unescaped; a reason when they are not UTF-8. */
export function decodeKey(buf: Buffer, key: KeyLayout): DecodedKey | string {
  const name = unescapeStrict(buf, key.start, key.nameEnd, MEASUREMENT_ESCAPES)
  if (name === undefined) return 'invalid UTF-8 in measurement'
  const { marks } = key
  const tags: Record<string, string> = {}
  for (const n of key.order) {
    const k = unescapeStrict(buf, marks[3 * n]!, marks[3 * n + 1]!, TAG_ESCAPES)
    if (k === undefined) return 'invalid UTF-8 in tag key'
    const v = unescapeStrict(buf, marks[3 * n + 1]! + 1, marks[3 * n + 2]!, TAG_ESCAPES)
    if (v === undefined) return 'invalid UTF-8 in tag value'
    if (k === '__proto__') defineOwn(tags, k, v)
    else tags[k] = v
  }
  return { name, tags: Object.freeze(tags) }
}

/** bytes.Compare of [a0, a1) and [b0, b1). */
export function compareBytes(buf: Uint8Array, a0: number, a1: number, b0: number, b1: number): number {
  const n = Math.min(a1 - a0, b1 - b0)
  for (let k = 0; k < n; k++) {
    const d = buf[a0 + k]! - buf[b0 + k]!
    if (d !== 0) return d
  }
  return (a1 - a0) - (b1 - b0)
}

// ---------------------------------------------------------------------------------------
// Field values as influxd's scanner checks them

function isNumeric(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e
}

/** models.scanNumber from i: the end of the number, or an error reason (as `-reason`, via `numberError`). */
let numberError = ''
function scanNumber(buf: Buffer, i: number, end: number): number {
  const start = i
  let isInt = false
  let isUnsigned = false
  if (i < end && buf[i] === 0x2d) {
    i++
    if (i === end) { numberError = 'invalid number'; return -1 }
  }
  let decimal = false
  let scientific = false
  for (;;) {
    if (i >= end) break
    const c = buf[i]!
    if (c === COMMA || c === SPACE) break
    if (c === 0x69 /* i */ && i > start && !(isInt || isUnsigned)) { isInt = true; i++; continue }
    if (c === 0x75 /* u */ && i > start && !(isInt || isUnsigned)) { isUnsigned = true; i++; continue }
    if (c === 0x2e) {
      if (decimal) { numberError = 'invalid number'; return -1 }
      decimal = true
    }
    if (i > start && (c === 0x65 || c === 0x45)) { scientific = true; i++; continue }
    if ((c === 0x2b || c === 0x2d) && (buf[i - 1] === 0x65 || buf[i - 1] === 0x45)) { i++; continue }
    if (!isNumeric(c)) { numberError = 'invalid number'; return -1 }
    i++
  }
  if ((isInt || isUnsigned) && (decimal || scientific)) { numberError = 'invalid number'; return -1 }
  let digits = i - start
  if (isInt) digits--
  if (decimal) digits--
  if (buf[start] === 0x2d) digits--
  if (digits === 0) { numberError = 'invalid number'; return -1 }
  if (isInt) {
    if (buf[i - 1] !== 0x69) { numberError = 'invalid number'; return -1 }
    if (i - 1 - start >= 19) {
      const text = latin1(buf, start, i - 1)
      const v = BigInt(text)
      if (v < INT64_MIN || v > INT64_MAX) {
        numberError = `unable to parse integer ${text}: strconv.ParseInt: parsing "${text}": value out of range`
        return -1
      }
    }
  } else if (isUnsigned) {
    // influxd 1.6.7 does not enable unsigned integers: `1u` is refused.
    numberError = 'invalid number'
    return -1
  } else if (scientific || i - start >= 25) {
    if (goParseFloat(latin1(buf, start, i)) === undefined) { numberError = 'invalid float'; return -1 }
  }
  return i
}

/** models.scanBoolean from i: the end of the value, or -1 ('invalid boolean'). */
function scanBoolean(buf: Uint8Array, i: number, end: number): number {
  const start = i
  const c0 = buf[i]
  if (i < end && c0 !== 0x74 && c0 !== 0x66 && c0 !== 0x54 && c0 !== 0x46) return -1
  i++
  while (i < end && buf[i] !== COMMA && buf[i] !== SPACE) i++
  return boolValue(buf, start, i) === undefined ? -1 : i
}

/** t T true True TRUE → true, f F false False FALSE → false (what influxd's scanner accepts). */
export function boolValue(buf: Uint8Array, start: number, end: number): boolean | undefined {
  const n = end - start
  const c = buf[start]
  if (n === 1) return c === 0x74 || c === 0x54 ? true : c === 0x66 || c === 0x46 ? false : undefined
  if (n === 4) {
    const w = String.fromCharCode(buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!)
    return w === 'true' || w === 'True' || w === 'TRUE' ? true : undefined
  }
  if (n === 5) {
    const w = String.fromCharCode(buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!, buf[start + 4]!)
    return w === 'false' || w === 'False' || w === 'FALSE' ? false : undefined
  }
  return undefined
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/
const SPECIAL_FLOAT = /^[+-]?(?:inf|infinity|nan)$/i

/**
 * Go's strconv.ParseFloat(s, 64) for the decimal syntax (and inf/nan): the value, or
 * undefined when Go refuses it (bad syntax, or out of range → ErrRange). Both Go and V8
 * round correctly, so Number() gives Go's value. Hexadecimal floats and underscores never
 * reach here (influxd's scanner refuses `x`, `p` and `_`).
 */
export function goParseFloat(s: string): number | undefined {
  if (DECIMAL_FLOAT.test(s)) {
    const v = Number(s)
    return Number.isFinite(v) ? v : undefined
  }
  if (SPECIAL_FLOAT.test(s)) return Number(s.replace(/inf(inity)?/i, 'Infinity').replace(/nan/i, 'NaN'))
  return undefined
}

// ---------------------------------------------------------------------------------------
// One line

/** A line influxd accepts, as its storage sees it. `time` undefined = no timestamp (the request's time). */
export interface ExactPoint {
  name: string
  tags: Readonly<Record<string, string>>
  fields: Record<string, FieldValue>
  time: bigint | undefined
}

/**
 * models.parsePoint on the block [start, end) (leading whitespace already skipped, the
 * trailing newline removed), followed by the extraction storage performs. Returns the
 * point or influxd's reason for refusing the line.
 */
export function parseLineExact(buf: Buffer, start: number, end: number, multiplier: bigint): ExactPoint | string {
  const key = scanKey(buf, start, end)
  if (typeof key === 'string') return key
  const keyLength = key.end - start

  // scanFields
  const fieldsStart = skipWhitespace(buf, key.end, end)
  let i = fieldsStart
  let quoted = false
  let equals = 0
  let commas = 0
  for (;;) {
    if (i >= end) break
    const c = buf[i]!
    if (c === BACKSLASH && i + 1 < end) { i += 2; continue }
    if (c === QUOTE && equals > commas) { quoted = !quoted; i++; continue }
    if (c === EQUALS && !quoted) {
      equals++
      if (buf[i - 1] === SPACE && buf[i - 2] !== BACKSLASH) return 'missing field key'
      if (buf[i - 1] === COMMA && buf[i - 2] !== BACKSLASH) return 'missing field key'
      if (i + 1 >= end) return 'missing field value'
      const n = buf[i + 1]!
      if (n === COMMA || n === SPACE) return 'missing field value'
      if (isNumeric(n) || n === 0x2d || n === 0x4e || n === 0x6e) {
        i = scanNumber(buf, i + 1, end)
        if (i < 0) return numberError
        continue
      }
      if (n !== QUOTE) {
        i = scanBoolean(buf, i + 1, end)
        if (i < 0) return 'invalid boolean'
        continue
      }
    }
    if (c === COMMA && !quoted) commas++
    if (c === SPACE && !quoted) break
    i++
  }
  if (quoted) return 'unbalanced quotes'
  if (equals === 0 || commas !== equals - 1) return 'invalid field format'
  const fieldsEnd = i
  if (fieldsEnd === fieldsStart) return 'missing fields'

  // walkFields: every field has a key and at least one byte after its '=', and the series
  // key plus the field key fits in MaxKeyLength.
  for (let p = fieldsStart; p < fieldsEnd;) {
    const k = fieldKeyEnd(buf, p, fieldsEnd)
    if (k > fieldsEnd - 2) return `invalid value: field-key=${decodeLossy(buf, p, k)}`
    const size = keyLength + 4 + (k - p)
    if (size > MAX_KEY_LENGTH) return `max key length exceeded: ${size} > ${MAX_KEY_LENGTH}`
    p = fieldValueEnd(buf, k + 1, fieldsEnd)
    if (p < fieldsEnd) p++
  }

  // scanTime
  const tsStart = skipWhitespace(buf, fieldsEnd, end)
  i = tsStart
  for (;;) {
    if (i >= end) break
    const c = buf[i]!
    if (c === NEWLINE || c === SPACE) break
    if (i === tsStart && c === 0x2d) { i++; continue }
    if (c < 0x30 || c > 0x39) return 'bad timestamp'
    i++
  }
  let time: bigint | undefined
  if (i > tsStart) {
    const text = latin1(buf, tsStart, i)
    if (text === '-') return 'strconv.ParseInt: parsing "-": invalid syntax'
    const ts = BigInt(text)
    if (ts < INT64_MIN || ts > INT64_MAX) return `strconv.ParseInt: parsing "${text}": value out of range`
    time = ts * multiplier
    if (time < MIN_NANO_TIME || time > MAX_NANO_TIME) return TIME_OUT_OF_RANGE
    for (; i < end; i++) if (buf[i] !== SPACE) return 'point is invalid'
  }

  // Extraction, as storage walks the fields (point.FieldIterator).
  const decoded = decodeKey(buf, key)
  if (typeof decoded === 'string') return decoded
  const fields = extractFields(buf, fieldsStart, fieldsEnd)
  if (typeof fields === 'string') return fields
  return { name: decoded.name, tags: decoded.tags, fields, time }
}

/**
 * The fields of [start, end) the way point.FieldIterator walks them: the key runs to the
 * first `=` not preceded by a backslash, the value to the first comma outside double quotes
 * (`\"` and `\\` skipped); its first byte gives its type (`"` string; a digit, `-`, `.`,
 * `n`, `N`, `i`, `I` or `u` a number — integer if it ends in `i`, float otherwise; anything
 * else boolean). Duplicate keys: the last wins. Returns the fields or a reason.
 */
function extractFields(buf: Buffer, start: number, end: number): Record<string, FieldValue> | string {
  const fields: Record<string, FieldValue> = {}
  let p = start
  while (p < end) {
    const k = fieldKeyEnd(buf, p, end)
    const v0 = k + 1
    const v1 = fieldValueEnd(buf, v0, end)
    const key = unescapeStrict(buf, p, k, FIELD_KEY_ESCAPES)
    if (key === undefined) return 'invalid UTF-8 in field key'
    p = v1 < end ? v1 + 1 : v1
    if (v1 === v0) continue // an empty value: influxd's iterator reports it as Empty and storage skips it
    const value = fieldValue(buf, v0, v1)
    if (typeof value === 'object') return value.error
    if (key === '__proto__') defineOwn(fields, key, value)
    else fields[key] = value
  }
  return fields
}

/** The value of the raw field [v0, v1) (non-empty), or its refusal. */
function fieldValue(buf: Buffer, v0: number, v1: number): FieldValue | { error: string } {
  const c = buf[v0]!
  if (c === QUOTE) {
    const s = v1 - v0 >= 2 ? unescapeStrict(buf, v0 + 1, v1 - 1, STRING_ESCAPES) : ''
    return s === undefined ? { error: 'invalid UTF-8 in string field value' } : s
  }
  const last = buf[v1 - 1]
  if (isNumeric(c) || c === 0x2d || c === 0x6e || c === 0x4e || c === 0x69 || c === 0x49 || c === 0x75) {
    if (last === 0x69) {
      const text = latin1(buf, v0, v1 - 1)
      const v = /^[+-]?[0-9]+$/.test(text) ? BigInt(text) : undefined
      if (v === undefined || v < INT64_MIN || v > INT64_MAX) {
        return { error: `unable to parse integer value ${goQuote(buf, v0, v1 - 1)}: strconv.ParseInt: parsing ${goQuote(buf, v0, v1 - 1)}: ${v === undefined ? 'invalid syntax' : 'value out of range'}` }
      }
      return v
    }
    if (last === 0x75) return { error: `unable to parse unsigned value ${goQuote(buf, v0, v1 - 1)}: unsigned integers are not supported` }
    const f = goParseFloat(latin1(buf, v0, v1))
    if (f === undefined) return { error: `unable to parse floating point value ${goQuote(buf, v0, v1)}: strconv.ParseFloat: parsing ${goQuote(buf, v0, v1)}: invalid syntax` }
    return f
  }
  const text = latin1(buf, v0, v1)
  switch (text) {
    case '1': case 't': case 'T': case 'TRUE': case 'true': case 'True': return true
    case '0': case 'f': case 'F': case 'FALSE': case 'false': case 'False': return false
  }
  return { error: `unable to parse bool value ${goQuote(buf, v0, v1)}: strconv.ParseBool: parsing ${goQuote(buf, v0, v1)}: invalid syntax` }
}

/** Go's %q of a byte string, close enough for an error message. */
function goQuote(buf: Buffer, start: number, end: number): string {
  return JSON.stringify(decodeLossy(buf, start, end))
}

/** scanTo(buf[p:end], 0, '='): the first '=' at p or not preceded by a backslash, or end. */
function fieldKeyEnd(buf: Uint8Array, p: number, end: number): number {
  let i = p
  while (i < end && !(buf[i] === EQUALS && (i === p || buf[i - 1] !== BACKSLASH))) i++
  return i
}

/** scanFieldValue from i: the first comma outside double quotes, `\"` and `\\` skipped. */
function fieldValueEnd(buf: Uint8Array, i: number, end: number): number {
  let quoted = false
  while (i < end) {
    const c = buf[i]!
    if (c === BACKSLASH && i + 1 < end && (buf[i + 1] === QUOTE || buf[i + 1] === BACKSLASH)) { i += 2; continue }
    if (c === QUOTE) { i++; quoted = !quoted; continue }
    if (c === COMMA && !quoted) break
    i++
  }
  return i
}
