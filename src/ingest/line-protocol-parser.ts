/**
 * The line-protocol parser: bytes of a `/write` body (or a UDP datagram) → Points, with
 * influxd 1.6.7's exact behaviour — what it accepts, the values it stores, and the reason
 * text of every line it refuses (`unable to parse '<line>': <reason>`).
 *
 * Two paths:
 *  - the fast path (this file) parses the common shapes of a line in one pass over its
 *    bytes: a measurement and tags without `\\` pairs, fields whose keys have no backslash
 *    or quote, numbers / strings / booleans, an optional timestamp. It declines (returns
 *    undefined, without side effects on the result) at the first thing it does not handle
 *    or that is an error. What makes it fast:
 *      · series cache: the measurement+tags bytes → {name, frozen tags} (bounded); the
 *        series of a line is first guessed as the one that followed the previous line's
 *        series last time (Telegraf repeats its order every interval), else found by a
 *        hash computed 4 bytes at a time; either way confirmed by comparing the bytes;
 *      · field keys interned, and per series the keys of its last line are expected again;
 *      · per key sequence ("shape"), a compiled object literal builds the fields object;
 *      · numbers: digits accumulated exactly up to 2^53, then one correctly rounded
 *        multiplication or division by a power of ten (else Number() on the text);
 *        integers and timestamps become bigints through a BigInt64Array, not BigInt(double);
 *  - the exact path (line-protocol-exact.ts) re-reads a declined line the way influxd
 *    does and produces the point or influxd's reason. Every error comes from there.
 * The two agree on every line the fast path accepts (tested by differential fuzzing).
 *
 * Decisions where influxd has no usable answer (documented, tested):
 *  - Non-UTF-8 bytes in a measurement, tag key or value, field key or string value: the
 *    line is refused with `invalid UTF-8 in <part>` (influxd answers 500 for the whole
 *    request for a measurement or field key, and stores raw bytes for tags and strings,
 *    which JavaScript strings cannot hold without mangling). The echoed line in an error
 *    shows each invalid byte as U+FFFD, as influxd's JSON error body does.
 *  - A line that influxd's scanner accepts but its storage cannot read back (e.g.
 *    `m a\\="x=y"`, where influxd answers 500 `engine: unable to parse bool value`) is
 *    refused with that reason instead of failing the request.
 *  - influxd panics (500) on a line with exactly 100, 200, … tags; we parse it.
 *  - A field key may be empty (`m \t=1`: the tab is skipped as whitespace and influxd
 *    stores a field named ""), and is kept.
 *
 * `LineError.text` is the line as influxd echoes it: from its first non-whitespace byte
 * (spaces, tabs and NULs are skipped) to the end of the line, without the `\n` (a `\r`
 * before it stays). A quoted field value may span several physical lines; `line` is the
 * 1-based number of the physical line where the refused line starts.
 */
import type { FieldValue, Point, Tags } from '../model/point.js'
import { nanosPerUnit, truncateToPrecision, type Precision } from '../model/time.js'
import {
  BACKSLASH, COMMA, EQUALS, HASH, NEWLINE, QUOTE, SPACE, STRING_ESCAPES, TAB,
  decodeLossy, decodeStrict, defineOwn, latin1, unescapeStrict,
} from './line-protocol-bytes.js'
import { MAX_KEY_LENGTH, MAX_NANO_TIME, decodeKey, isWhitespace, parseLineExact, scanKey, scanLine } from './line-protocol-exact.js'

export interface LineError {
  /** 1-based number of the physical line (in the body) where the refused line starts. */
  readonly line: number
  /** The line as influxd echoes it (leading whitespace skipped, without its `\n`). */
  readonly text: string
  /** influxd's reason, e.g. `missing fields`, `invalid boolean`. */
  readonly reason: string
}

export interface ParseOptions {
  db: string
  rp: string
  precision: Precision
  /** Receive time of the request in ns, not yet truncated: the time of every line without a timestamp. */
  now: bigint
}

export interface ParseResult {
  points: Point[]
  errors: LineError[]
}

/** influxd's per-line error entry: `unable to parse '<text>': <reason>`. */
export function formatLineError(e: LineError): string {
  return `unable to parse '${e.text}': ${e.reason}`
}

export interface ParserOptions {
  /** Series (measurement+tags byte strings) remembered; the cache is emptied when it is full. */
  maxSeries?: number
  /** Field keys remembered; likewise. */
  maxFieldKeys?: number
  /** false: every line through the exact path (for differential tests). */
  fastPath?: boolean
}

interface SeriesEntry {
  readonly bytes: Buffer
  /** bytes as little-endian 32-bit words (the last one zero-padded), for comparing 4 bytes at a time. */
  readonly words: Int32Array
  readonly name: string
  readonly tags: Tags
  next: SeriesEntry | undefined
  /** The field keys of the last line of this series, expected again. */
  predicted: readonly KeyEntry[]
  shape: Shape | undefined
  /** Recently used shapes of this series, most recent first. */
  shapes: Shape[]
  /** The series of the line that followed a line of this series last time. */
  follower: SeriesEntry | undefined
}

interface KeyEntry {
  readonly bytes: Buffer
  readonly words: Int32Array
  readonly key: string
  /** Unique for the parser's life (shapes are keyed by these). */
  readonly id: number
  next: KeyEntry | undefined
}

/** A sequence of field keys and a function that builds a fields object for it from values. */
interface Shape {
  readonly keys: readonly KeyEntry[]
  /** Builds the fields object; a loop at first, a compiled object literal once the shape is common. */
  make: (values: readonly FieldValue[]) => Record<string, FieldValue>
  /** Lines built with the loop so far (the literal is compiled at COMPILE_AFTER). */
  uses: number
}

// BigInt(n) of a double goes through the runtime (~30 ns); reading an int64 back from a
// BigInt64Array whose two 32-bit halves were written is about twice as fast.
const I64 = new BigInt64Array(1)
const U32 = new Uint32Array(I64.buffer)
I64[0] = 1n
const LO = U32[0] === 1 ? 0 : 1
const HI = 1 - LO

/** The bigint of an integer-valued double m, |m| < 2^53. */
function int64(m: number): bigint {
  const hi = Math.floor(m / 4294967296)
  U32[LO] = m - hi * 4294967296
  U32[HI] = hi // a negative hi wraps to its two's complement
  return I64[0]!
}

/** The bigint of ±(hi * 10^9 + lo), for hi ≤ 9223372036 and lo < 10^9, without inexact steps. */
function nanoseconds(hi: number, lo: number, neg: boolean): bigint {
  // hi = a * 2^16 + b; value = a * 1e9 * 2^16 + (b * 1e9 + lo), every product below 2^53.
  const a = Math.floor(hi / 65536)
  const x = (hi - a * 65536) * 1e9 + lo
  const y = a * 1e9
  const yHi = Math.floor(y / 65536)
  const s = (y - yHi * 65536) * 65536 + x
  const carry = Math.floor(s / 4294967296)
  let lo32 = s - carry * 4294967296
  let hi32 = yHi + carry
  if (neg) {
    // two's complement of the 64-bit magnitude
    if (lo32 === 0) hi32 = 4294967296 - hi32
    else { lo32 = 4294967296 - lo32; hi32 = 4294967295 - hi32 }
  }
  U32[LO] = lo32
  U32[HI] = hi32
  return I64[0]!
}

const NO_KEYS: readonly KeyEntry[] = []
const SHAPES_PER_SERIES = 4
/** Shapes remembered (each may hold a compiled function); the table is emptied when full. */
const MAX_SHAPES = 10_000
const COMPILE_AFTER = 8
/** Beyond this many fields a shape builds its object with a loop instead of a literal. */
const MAX_LITERAL_FIELDS = 64
const SMALL_INTS: readonly bigint[] = Array.from({ length: 1024 }, (_, k) => BigInt(k))

/** Can we compile object literals (node may run with --disallow-code-generation-from-strings)? */
const CODEGEN = ((): boolean => {
  try {
    return typeof new Function('return 1') === 'function'
  } catch {
    return false
  }
})()

/**
 * The builder of a fields object for a key sequence. A new shape builds its objects with
 * a loop of keyed stores; once it has been used COMPILE_AFTER times it gets an object
 * literal with constant keys (new Function), so every object of the shape is allocated with
 * one hidden class — about 3× faster than keyed stores. Shapes seen only a few times (a
 * client whose field keys keep changing) never cost a compilation. `__proto__` is written
 * as a computed key, which makes an own property.
 */
function makeShape(keys: readonly KeyEntry[]): Shape {
  const names = keys.map((k) => k.key)
  const shape: Shape = {
    keys,
    uses: 0,
    make(values) {
      if (++shape.uses === COMPILE_AFTER) shape.make = compileShape(names) ?? shape.make
      const o: Record<string, FieldValue> = {}
      for (let k = 0; k < names.length; k++) {
        const key = names[k]!
        if (key === '__proto__') defineOwn(o, key, values[k])
        else o[key] = values[k]!
      }
      return o
    },
  }
  return shape
}

function compileShape(names: readonly string[]): Shape['make'] | undefined {
  if (!CODEGEN || names.length > MAX_LITERAL_FIELDS) return undefined
  const props = names.map((k, i) => `${k === '__proto__' ? '["__proto__"]' : JSON.stringify(k)}:v[${i}]`)
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('v', `"use strict"; return {${props.join(',')}}`) as Shape['make']
}

const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193
const INT64_MIN = -9223372036854775808n
const INT64_MAX = 9223372036854775807n
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`))

/**
 * A parser with its own caches. Not re-entrant within one call, but calls are synchronous,
 * so one instance may serve a whole process; `parseLineProtocol` uses a shared one.
 */
export class LineProtocolParser {
  private readonly series = new Map<number, SeriesEntry>()
  private seriesCount = 0
  private readonly keys = new Map<number, KeyEntry>()
  private keyCount = 0
  private nextKeyId = 1
  private readonly shapes = new Map<string, Shape>()
  /** The field keys and values of the line being parsed. */
  private readonly lineKeys: KeyEntry[] = []
  private readonly lineValues: FieldValue[] = []
  /** The series of the last line the fast path parsed. */
  private previous: SeriesEntry | undefined
  private readonly maxSeries: number
  private readonly maxFieldKeys: number

  // Per-line results of the fast path (instead of allocating a result object).
  private end = 0
  // The last timestamp converted, to reuse its bigint (Telegraf batches repeat timestamps).
  private lastHi = -1
  private lastLo = -1
  private lastNeg = false
  private lastTime = 0n

  private readonly fastPath: boolean

  constructor(options: ParserOptions = {}) {
    this.maxSeries = options.maxSeries ?? 100_000
    this.maxFieldKeys = options.maxFieldKeys ?? 100_000
    this.fastPath = options.fastPath ?? true
  }

  parse(body: Buffer | Uint8Array, opts: ParseOptions): ParseResult {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    const len = buf.length
    const points: Point[] = []
    const errors: LineError[] = []
    const { db, rp, precision } = opts
    const multiplier = nanosPerUnit(precision)
    const defaultTime = truncateToPrecision(opts.now, precision)
    const unitIsNs = multiplier === 1n
    const fastPath = this.fastPath
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    let countedTo = 0
    let countedLines = 1
    let pos = 0
    while (pos < len) {
      const c = buf[pos]!
      if (c === NEWLINE) { pos++; continue }
      if (fastPath && c !== SPACE && c !== TAB && c !== 0 && c !== HASH) {
        const p = this.fastLine(buf, dv, pos, len, db, rp, unitIsNs, multiplier, defaultTime)
        if (p !== undefined) {
          points.push(p)
          pos = this.end + 1
          continue
        }
      }
      // Everything else goes the way influxd goes: find the line, skip blank and comment lines.
      const lineEnd = scanLine(buf, pos, len)
      let start = pos
      while (start < lineEnd && isWhitespace(buf[start]!)) start++
      if (start < lineEnd && buf[start] !== HASH) {
        const blockEnd = buf[lineEnd - 1] === NEWLINE ? lineEnd - 1 : lineEnd
        const r = parseLineExact(buf, start, blockEnd, multiplier)
        if (typeof r === 'string') {
          for (let k = countedTo; k < pos; k++) if (buf[k] === NEWLINE) countedLines++
          countedTo = pos
          errors.push({ line: countedLines, text: decodeLossy(buf, start, blockEnd), reason: r })
        } else {
          points.push({ db, rp, name: r.name, tags: r.tags, fields: r.fields, time: r.time ?? defaultTime })
        }
      }
      pos = lineEnd + 1
    }
    return { points, errors }
  }

  /**
   * One line starting at `pos` (not whitespace, `#` or newline): the point, with `this.end`
   * at the newline (or body end) that ends the line; undefined to decline.
   */
  private fastLine(
    buf: Buffer, dv: DataView, pos: number, len: number, db: string, rp: string,
    unitIsNs: boolean, multiplier: bigint, defaultTime: bigint,
  ): Point | undefined {
    // Measurement and tags. First guess: the series that followed the previous line's
    // series last time (Telegraf writes its series in the same order every interval). A
    // cached key never ends in a backslash and has no unescaped space, so equal bytes
    // followed by a space are that key.
    let series = this.previous?.follower
    let keyEnd = series === undefined ? -1 : pos + series.bytes.length
    let c = 0
    if (series === undefined || keyEnd >= len || buf[keyEnd] !== SPACE || !same(series.bytes, series.words, dv, buf, pos, keyEnd)) {
      // Up to the first space not hidden by a backslash; 4 bytes at a time while none of
      // them is a space, newline or backslash.
      let i = pos
      let h = FNV_OFFSET
      for (;;) {
        while (i + 4 <= len) {
          const w = dv.getInt32(i, true)
          if (hasKeyDelimiter(w)) break
          h = Math.imul(h ^ w, FNV_PRIME)
          i += 4
        }
        if (i >= len) return undefined
        c = buf[i]!
        if (c === SPACE) break
        if (c === NEWLINE) return undefined
        if (c === BACKSLASH) {
          if (i + 1 >= len) return undefined
          const n = buf[i + 1]!
          if (n === BACKSLASH || n === NEWLINE) return undefined
          h = Math.imul(Math.imul(h ^ c, FNV_PRIME) ^ n, FNV_PRIME)
          i += 2
          continue
        }
        h = Math.imul(h ^ c, FNV_PRIME)
        i++
      }
      keyEnd = i
      series = this.series.get(h)
      while (series !== undefined && !same(series.bytes, series.words, dv, buf, pos, keyEnd)) series = series.next
      if (series === undefined) {
        series = this.addSeries(buf, pos, keyEnd, h)
        if (series === undefined) return undefined
      }
    }
    const keyLength = keyEnd - pos

    // Fields.
    let i = keyEnd + 1
    if (i >= len) return undefined
    c = buf[i]!
    if (c === TAB || c === 0) return undefined
    let time = defaultTime
    const lineKeys = this.lineKeys
    const lineValues = this.lineValues
    const predicted = series.predicted
    let predicting = true
    let n = 0
    for (;;) {
      // The key: the one this series had at this position last time, or any.
      const ks = i
      let entry: KeyEntry | undefined
      if (predicting && n < predicted.length) {
        const expected = predicted[n]!
        const kl = expected.bytes.length
        if (ks + kl < len && buf[ks + kl] === EQUALS && same(expected.bytes, expected.words, dv, buf, ks, ks + kl)) {
          entry = expected
          i = ks + kl
        } else {
          predicting = false
        }
      } else {
        predicting = false
      }
      if (entry === undefined) {
        let kh = FNV_OFFSET
        for (;;) {
          if (i >= len) return undefined
          c = buf[i]!
          if (c === EQUALS) break
          if (c === SPACE || c === COMMA || c === BACKSLASH || c === QUOTE || c === NEWLINE) return undefined
          kh = Math.imul(kh ^ c, FNV_PRIME)
          i++
        }
        if (i === ks) return undefined
        entry = this.keys.get(kh)
        while (entry !== undefined && !same(entry.bytes, entry.words, dv, buf, ks, i)) entry = entry.next
        if (entry === undefined) {
          entry = this.addKey(buf, ks, i, kh)
          if (entry === undefined) return undefined
        }
      }
      if (keyLength + 4 + (i - ks) > MAX_KEY_LENGTH) return undefined
      i++
      if (i >= len) return undefined
      c = buf[i]!
      let value: FieldValue | undefined
      if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e) value = this.number(buf, i, len)
      else if (c === QUOTE) value = this.string(buf, i, len)
      else if (c === 0x74 || c === 0x66 || c === 0x54 || c === 0x46) value = this.boolean(buf, i, len)
      if (value === undefined) return undefined
      lineKeys[n] = entry
      lineValues[n] = value
      n++
      i = this.end
      if (i >= len) break
      c = buf[i]!
      if (c === COMMA) { i++; continue }
      if (c === NEWLINE) break
      // c is a space (the value scanners stop only at , space newline).
      i++
      while (i < len && isWhitespace(buf[i]!)) i++
      if (i >= len || buf[i] === NEWLINE) break
      const t = this.timestamp(buf, i, len, unitIsNs, multiplier)
      if (t === undefined) return undefined
      time = t
      i = this.end
      break
    }
    this.end = i
    const shape = predicting && n === predicted.length ? series.shape! : this.shapeOf(series, n)
    const previous = this.previous
    if (previous !== undefined) previous.follower = series
    this.previous = series
    return { db, rp, name: series.name, tags: series.tags, fields: shape.make(lineValues), time }
  }

  /** The shape of this line's n keys (this.lineKeys), remembered as the series' prediction. */
  private shapeOf(series: SeriesEntry, n: number): Shape {
    const keys = this.lineKeys
    let shape: Shape | undefined
    for (const s of series.shapes) {
      if (s.keys.length !== n) continue
      let k = 0
      while (k < n && s.keys[k] === keys[k]) k++
      if (k === n) { shape = s; break }
    }
    if (shape === undefined) {
      let id = ''
      for (let k = 0; k < n; k++) id += `${keys[k]!.id},`
      shape = this.shapes.get(id)
      if (shape === undefined) {
        if (this.shapes.size >= MAX_SHAPES) this.shapes.clear()
        shape = makeShape(keys.slice(0, n))
        this.shapes.set(id, shape)
      }
      series.shapes.unshift(shape)
      if (series.shapes.length > SHAPES_PER_SERIES) series.shapes.pop()
    }
    series.shape = shape
    series.predicted = shape.keys
    return shape
  }

  /**
   * A number at i (a digit, `-` or `.`): float or `i` integer, ending at , space newline or
   * end. The digits are accumulated into a double; when the result is at most 2^53 - 1 every
   * step was exact (the partial values only grow), and a float is then one correctly rounded
   * multiplication or division by an exact power of ten (≤ 10^22, Clinger's fast path).
   * Anything else is converted from its text by Number(), which rounds correctly like Go.
   */
  private number(buf: Buffer, i: number, len: number): FieldValue | undefined {
    const s = i
    const neg = buf[i] === 0x2d
    if (neg) i++
    let mantissa = 0
    let c = 0
    const intStart = i
    while (i < len) {
      c = buf[i]! - 0x30
      if (c < 0 || c > 9) break
      mantissa = mantissa * 10 + c
      i++
    }
    let digits = i - intStart
    let exp10 = 0
    let decimal = false
    if (i < len && buf[i] === 0x2e) {
      decimal = true
      i++
      const fracStart = i
      while (i < len) {
        c = buf[i]! - 0x30
        if (c < 0 || c > 9) break
        mantissa = mantissa * 10 + c
        i++
      }
      exp10 = fracStart - i
      digits += i - fracStart
    }
    if (digits === 0) return undefined
    let scientific = false
    if (i < len && (buf[i] === 0x65 || buf[i] === 0x45)) {
      scientific = true
      i++
      let negExp = false
      if (i < len && (buf[i] === 0x2b || buf[i] === 0x2d)) { negExp = buf[i] === 0x2d; i++ }
      const es = i
      let e = 0
      while (i < len) {
        c = buf[i]! - 0x30
        if (c < 0 || c > 9) break
        if (e < 100_000) e = e * 10 + c
        i++
      }
      if (i === es) return undefined
      exp10 += negExp ? -e : e
    }
    const exact = mantissa <= 9007199254740991
    if (i < len) {
      c = buf[i]!
      if (c === 0x69 /* i */) {
        if (decimal || scientific) return undefined
        i++
        if (i < len) {
          c = buf[i]!
          if (c !== COMMA && c !== SPACE && c !== NEWLINE) return undefined
        }
        this.end = i
        if (exact) return neg ? int64(-mantissa) : mantissa < 1024 ? SMALL_INTS[mantissa] : int64(mantissa)
        const big = BigInt(latin1(buf, s, i - 1))
        return big < INT64_MIN || big > INT64_MAX ? undefined : big
      }
      if (c !== COMMA && c !== SPACE && c !== NEWLINE) return undefined
    }
    this.end = i
    if (exact) {
      if (mantissa === 0) return neg ? -0 : 0
      if (exp10 >= -22 && exp10 <= 22) {
        const v = exp10 < 0 ? mantissa / POW10[-exp10]! : mantissa * POW10[exp10]!
        return neg ? -v : v
      }
    }
    const v = Number(latin1(buf, s, i))
    return Number.isFinite(v) ? v : undefined
  }

  /** A double-quoted string at i, followed by , space newline or end. */
  private string(buf: Buffer, i: number, len: number): string | undefined {
    i++
    const s = i
    let backslash = false
    let ascii = true
    let c = 0
    for (;;) {
      if (i >= len) return undefined
      c = buf[i]!
      if (c === QUOTE) break
      if (c === BACKSLASH) {
        if (i + 1 >= len) return undefined
        backslash = true
        i += 2
        continue
      }
      if (c >= 0x80) ascii = false
      i++
    }
    const e = i
    i++
    if (i < len) {
      c = buf[i]!
      if (c !== COMMA && c !== SPACE && c !== NEWLINE) return undefined
    }
    this.end = i
    if (backslash) return unescapeStrict(buf, s, e, STRING_ESCAPES)
    return ascii ? latin1(buf, s, e) : decodeStrict(buf, s, e)
  }

  /** t T true True TRUE f F false False FALSE at i, followed by , space newline or end. */
  private boolean(buf: Buffer, i: number, len: number): boolean | undefined {
    const s = i
    while (i < len) {
      const c = buf[i]!
      if (c === COMMA || c === SPACE || c === NEWLINE) break
      i++
    }
    this.end = i
    const c0 = buf[s]!
    switch (i - s) {
      case 1: return c0 === 0x74 || c0 === 0x54 ? true : c0 === 0x66 || c0 === 0x46 ? false : undefined
      case 4: {
        // true True TRUE
        const c1 = buf[s + 1]!, c2 = buf[s + 2]!, c3 = buf[s + 3]!
        if (c0 === 0x74 && c1 === 0x72 && c2 === 0x75 && c3 === 0x65) return true
        if (c0 === 0x54 && ((c1 === 0x72 && c2 === 0x75 && c3 === 0x65) || (c1 === 0x52 && c2 === 0x55 && c3 === 0x45))) return true
        return undefined
      }
      case 5: {
        // false False FALSE
        const c1 = buf[s + 1]!, c2 = buf[s + 2]!, c3 = buf[s + 3]!, c4 = buf[s + 4]!
        if (c0 === 0x66 && c1 === 0x61 && c2 === 0x6c && c3 === 0x73 && c4 === 0x65) return false
        if (c0 === 0x46 && ((c1 === 0x61 && c2 === 0x6c && c3 === 0x73 && c4 === 0x65) || (c1 === 0x41 && c2 === 0x4c && c3 === 0x53 && c4 === 0x45))) return false
        return undefined
      }
      default: return undefined
    }
  }

  /** An integer timestamp at i (a non-whitespace byte), then only spaces to the end of the line. */
  private timestamp(buf: Buffer, i: number, len: number, unitIsNs: boolean, multiplier: bigint): bigint | undefined {
    const neg = buf[i] === 0x2d
    if (neg) i++
    // One pass: the first 10 digits into a, the next ones (up to 9) into b.
    const ds = i
    let a = 0
    let d = 0
    const aEnd = Math.min(len, ds + 10)
    while (i < aEnd) {
      d = buf[i]! - 0x30
      if (d < 0 || d > 9) break
      a = a * 10 + d
      i++
    }
    let b = 0
    const bs = i
    if (i === aEnd) {
      while (i < len) {
        d = buf[i]! - 0x30
        if (d < 0 || d > 9) break
        b = b * 10 + d
        i++
      }
    }
    const nb = i - bs
    if (i === ds || nb > 9) return undefined
    if (i < len && buf[i] !== NEWLINE) {
      if (buf[i] !== SPACE) return undefined
      while (i < len && buf[i] === SPACE) i++
      if (i < len && buf[i] !== NEWLINE) return undefined
    }
    this.end = i
    // The magnitude a * 10^nb + b as hi * 1e9 + lo, both exact doubles.
    const scale = POW10[9 - nb]!
    const hi = Math.floor(a / scale)
    const lo = (a - hi * scale) * POW10[nb]! + b
    if (!unitIsNs) {
      const t = (BigInt(hi) * 1_000_000_000n + BigInt(lo)) * multiplier
      if (t > MAX_NANO_TIME) return undefined
      return neg ? -t : t
    }
    // |t| ≤ MaxNanoTime = 9223372036854775806
    if (hi > 9223372036 || (hi === 9223372036 && lo > 854775806)) return undefined
    if (hi === this.lastHi && lo === this.lastLo && neg === this.lastNeg) return this.lastTime
    const t = nanoseconds(hi, lo, neg)
    this.lastHi = hi
    this.lastLo = lo
    this.lastNeg = neg
    this.lastTime = t
    return t
  }

  private addSeries(buf: Buffer, start: number, end: number, hash: number): SeriesEntry | undefined {
    const layout = scanKey(buf, start, end + 1)
    if (typeof layout === 'string' || layout.end !== end) return undefined
    const key = decodeKey(buf, layout)
    if (typeof key === 'string') return undefined
    if (this.seriesCount >= this.maxSeries) {
      this.series.clear()
      this.seriesCount = 0
      this.previous = undefined
    }
    const entry: SeriesEntry = {
      bytes: Buffer.from(buf.subarray(start, end)), words: packWords(buf, start, end), name: key.name, tags: key.tags, next: this.series.get(hash),
      predicted: NO_KEYS, shape: undefined, shapes: [], follower: undefined,
    }
    this.series.set(hash, entry)
    this.seriesCount++
    return entry
  }

  private addKey(buf: Buffer, start: number, end: number, hash: number): KeyEntry | undefined {
    // The fast path saw no backslash in the key, so there is nothing to unescape.
    const key = decodeStrict(buf, start, end)
    if (key === undefined) return undefined
    if (this.keyCount >= this.maxFieldKeys) {
      this.keys.clear()
      this.keyCount = 0
    }
    const entry: KeyEntry = {
      bytes: Buffer.from(buf.subarray(start, end)), words: packWords(buf, start, end), key, id: this.nextKeyId++, next: this.keys.get(hash),
    }
    this.keys.set(hash, entry)
    this.keyCount++
    return entry
  }
}

function packWords(buf: Buffer, start: number, end: number): Int32Array {
  const words = new Int32Array((end - start + 3) >> 2)
  for (let k = 0; k < end - start; k++) words[k >> 2] |= buf[start + k]! << ((k & 3) << 3)
  return words
}

/** [start, end) of the body (dv views it) equals the entry's bytes. */
function same(bytes: Buffer, words: Int32Array, dv: DataView, buf: Buffer, start: number, end: number): boolean {
  const n = bytes.length
  if (n !== end - start) return false
  let k = 0
  for (; k + 4 <= n; k += 4) if (dv.getInt32(start + k, true) !== words[k >> 2]) return false
  for (; k < n; k++) if (bytes[k] !== buf[start + k]) return false
  return true
}

/** Whether a little-endian word holds a space, a newline or a backslash (SWAR zero-byte test). */
function hasKeyDelimiter(w: number): boolean {
  const a = w ^ 0x20202020
  const b = w ^ 0x0a0a0a0a
  const c = w ^ 0x5c5c5c5c
  return ((((a - 0x01010101) & ~a) | ((b - 0x01010101) & ~b) | ((c - 0x01010101) & ~c)) & 0x80808080) !== 0
}

const shared = new LineProtocolParser()

/**
 * Parses a body as influxd 1.6.7's `/write` does: every line either becomes a point or an
 * error; blank lines and `#` comments are skipped; lines without a timestamp get
 * `opts.now` truncated to the precision.
 */
export function parseLineProtocol(body: Buffer | Uint8Array, opts: ParseOptions): ParseResult {
  return shared.parse(body, opts)
}
