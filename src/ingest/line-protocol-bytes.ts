/**
 * Byte-level helpers shared by the line-protocol parser's fast and exact paths:
 * UTF-8 validation and decoding, the unescaping rules of influxd 1.x, and the `__proto__`-safe
 * property store. Everything works on a Node Buffer and absolute [start, end) offsets, so
 * nothing is sliced or copied until a string is actually needed.
 */

export const BACKSLASH = 0x5c
export const SPACE = 0x20
export const COMMA = 0x2c
export const EQUALS = 0x3d
export const QUOTE = 0x22
export const NEWLINE = 0x0a
export const TAB = 0x09
export const HASH = 0x23

/** Node's unchecked slice decoders (Buffer.prototype.latin1Slice / utf8Slice): no argument dispatch. */
interface FastSlices {
  latin1Slice(start: number, end: number): string
  utf8Slice(start: number, end: number): string
}

/** Bytes [start, end) known to be ASCII (or wanted byte-for-byte) as a string. */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as FastSlices).latin1Slice(start, end)
}

/** Bytes [start, end) known to be valid UTF-8 as a string. */
export function utf8(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as FastSlices).utf8Slice(start, end)
}

/** True when [start, end) is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF): Go's and WHATWG's definition. */
export function isValidUtf8(b: Uint8Array, start: number, end: number): boolean {
  let i = start
  while (i < end) {
    const c = b[i]!
    if (c < 0x80) { i++; continue }
    const n = utf8SequenceLength(b, i, end)
    if (n === 0) return false
    i += n
  }
  return true
}

/** Length of the well-formed UTF-8 sequence at i (2–4), or 0 when it is not one. */
function utf8SequenceLength(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!
  if (c < 0xc2) return 0
  if (c < 0xe0) return i + 1 < end && (b[i + 1]! & 0xc0) === 0x80 ? 2 : 0
  if (c < 0xf0) {
    if (i + 2 >= end) return 0
    const c1 = b[i + 1]!
    const ok1 = c === 0xe0 ? c1 >= 0xa0 && c1 <= 0xbf : c === 0xed ? c1 >= 0x80 && c1 <= 0x9f : (c1 & 0xc0) === 0x80
    return ok1 && (b[i + 2]! & 0xc0) === 0x80 ? 3 : 0
  }
  if (c < 0xf5) {
    if (i + 3 >= end) return 0
    const c1 = b[i + 1]!
    const ok1 = c === 0xf0 ? c1 >= 0x90 && c1 <= 0xbf : c === 0xf4 ? c1 >= 0x80 && c1 <= 0x8f : (c1 & 0xc0) === 0x80
    return ok1 && (b[i + 2]! & 0xc0) === 0x80 && (b[i + 3]! & 0xc0) === 0x80 ? 4 : 0
  }
  return 0
}

/** [start, end) as a string, or undefined when it is not valid UTF-8. */
export function decodeStrict(buf: Buffer, start: number, end: number): string | undefined {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) return isValidUtf8(buf, i, end) ? utf8(buf, start, end) : undefined
  }
  return latin1(buf, start, end)
}

/**
 * [start, end) as a string the way Go's JSON encoder shows bytes: valid UTF-8 as is, every
 * byte of an invalid sequence as one U+FFFD (Node's decoder would fold a truncated sequence
 * into a single U+FFFD; influxd's error text has one per byte). Used for echoing lines in errors.
 */
export function decodeLossy(buf: Buffer, start: number, end: number): string {
  if (isValidUtf8(buf, start, end)) return utf8(buf, start, end)
  let out = ''
  let run = start
  let i = start
  while (i < end) {
    const c = buf[i]!
    if (c < 0x80) { i++; continue }
    const n = utf8SequenceLength(buf, i, end)
    if (n > 0) { i += n; continue }
    out += utf8(buf, run, i) + '\ufffd'
    i++
    run = i
  }
  return out + utf8(buf, run, end)
}

// ---------------------------------------------------------------------------------------
// Unescaping. influxd drops a backslash that stands right before one of a small set of
// bytes and keeps every other backslash literally; the set depends on the part:
//   measurement (escape.Unescape)           , " space =
//   tag key and value (models.unescapeTag)  , space =
//   field key (escape.AppendUnescaped)      , " space =
//   string field value (unescapeStringField)  \ "   — `\\` is one backslash, `\"` a quote

/** Which bytes a backslash escapes, per part. */
export const MEASUREMENT_ESCAPES = 1
export const TAG_ESCAPES = 2
export const FIELD_KEY_ESCAPES = 3
export const STRING_ESCAPES = 4
export type EscapeSet = 1 | 2 | 3 | 4

function escapes(set: EscapeSet, c: number): boolean {
  switch (set) {
    case TAG_ESCAPES: return c === COMMA || c === SPACE || c === EQUALS
    case STRING_ESCAPES: return c === BACKSLASH || c === QUOTE
    default: return c === COMMA || c === SPACE || c === EQUALS || c === QUOTE
  }
}

let scratch = Buffer.allocUnsafe(256)

/**
 * [start, end) unescaped by the rules of `set`, decoded strictly: undefined when the
 * result is not valid UTF-8 (backslashes are ASCII, so removing them never makes or breaks
 * a multi-byte sequence, but we validate what we return).
 */
export function unescapeStrict(buf: Buffer, start: number, end: number, set: EscapeSet): string | undefined {
  let i = buf.indexOf(BACKSLASH, start)
  if (i < 0 || i >= end) return decodeStrict(buf, start, end)
  if (scratch.length < end - start) scratch = Buffer.allocUnsafe(Math.max(end - start, scratch.length * 2))
  const out = scratch
  let n = 0
  for (i = start; i < end; i++) {
    const c = buf[i]!
    if (c === BACKSLASH && i + 1 < end && escapes(set, buf[i + 1]!)) {
      out[n++] = buf[i + 1]!
      i++
    } else {
      out[n++] = c
    }
  }
  return decodeStrict(out, 0, n)
}

/** Stores a property even when its name is `__proto__` (a plain assignment would set the prototype). */
export function defineOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true })
}
