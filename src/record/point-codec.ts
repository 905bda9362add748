/**
 * The stored form of a stream recording's points: a compact binary chunk, exact and
 * cheap to write on the `/write` path (line protocol costs a float-to-text conversion
 * per field; here a float is its 8 bytes).
 *
 * A chunk: version byte 1, point count (varint), then per point
 *   series    varint: 0 = a new series follows (db, rp, name, tag count, key/value
 *             names), else 1 + the index of an earlier series of this chunk
 *   fields    varint count, then per field: key (a name), type byte, value
 *               1 float: 8 bytes LE double (NaN, -0 kept)   2 integer: 8 bytes LE int64
 *               3 string: a string                           4 true   5 false
 *   time      8 bytes LE int64 (ns)
 * A string is its varint UTF-8 byte length and bytes; a name (db, rp, measurement, tag
 * key or value, field key) is varint 0 and a string the first time in the chunk, then 1 +
 * its index among the chunk's names. Series are recognised by their tags object (the
 * parser shares one per series), so a chunk of one body names each series once.
 */
import type { FieldValue, Point, Tags } from '../model/point.js'

const VERSION = 1
const FLOAT = 1
const INT = 2
const STRING = 3
const TRUE = 4
const FALSE = 5

/** Bytes reserved before a point's fixed-size parts (strings reserve their own). */
const POINT_RESERVE = 64
/** Bytes reserved per field: key reference, type, 8-byte value. */
const FIELD_RESERVE = 16

class Writer {
  buf: Buffer
  view: DataView
  pos = 0
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size)
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength)
  }

  /** Makes room for n more bytes; the unchecked writes below rely on it. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength)
  }

  byte(b: number): void {
    this.buf[this.pos++] = b
  }

  varint(n: number): void {
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80
      n >>>= 7
    }
    this.buf[this.pos++] = n
  }

  string(s: string): void {
    const max = s.length * 3
    this.ensure(max + 5)
    if (max < 0x80) {
      // the length fits one byte whatever the encoding: write the bytes after it, then the length
      const at = this.pos++
      const n = this.buf.write(s, this.pos, 'utf8')
      this.buf[at] = n
      this.pos += n
      return
    }
    const n = Buffer.byteLength(s, 'utf8')
    this.varint(n)
    this.buf.write(s, this.pos, 'utf8')
    this.pos += n
  }

  /** A name: by index when the chunk has it already. */
  name(s: string, names: Map<string, number>): void {
    const known = names.get(s)
    if (known !== undefined) {
      this.ensure(5)
      this.varint(known + 1)
      return
    }
    names.set(s, names.size)
    this.ensure(1)
    this.byte(0)
    this.string(s)
  }

  double(v: number): void {
    this.view.setFloat64(this.pos, v, true)
    this.pos += 8
  }

  int64(v: bigint): void {
    this.view.setBigInt64(this.pos, v, true)
    this.pos += 8
  }
}

interface SeriesRef { readonly db: string; readonly rp: string; readonly name: string; readonly index: number }

/** The chunk of `points`, in a buffer of its own. */
export function encodePoints(points: readonly Point[]): Buffer {
  const w = new Writer(64 + points.length * 128)
  encodeInto(w, points)
  return Buffer.from(w.buf.subarray(0, w.pos))
}

let scratch: Writer | null = null
/** A scratch buffer larger than this is dropped after use rather than kept. */
const SCRATCH_KEEP = 16 * 1024 * 1024

/**
 * The chunk of `points` in a buffer shared by every call: valid until the next call.
 * For the `/write` path, where LevelDB copies it at once: no large allocation per
 * request for the garbage collector.
 */
export function encodePointsTransient(points: readonly Point[]): Buffer {
  const w = scratch ??= new Writer(1024 * 1024)
  w.pos = 0
  encodeInto(w, points)
  const out = w.buf.subarray(0, w.pos)
  if (w.buf.length > SCRATCH_KEEP) scratch = null
  return out
}

function encodeInto(w: Writer, points: readonly Point[]): void {
  w.ensure(16)
  w.byte(VERSION)
  w.varint(points.length)
  const series = new Map<Tags, SeriesRef[]>()
  let seriesCount = 0
  const names = new Map<string, number>()
  for (const p of points) {
    w.ensure(POINT_RESERVE)
    let refs = series.get(p.tags)
    let ref: SeriesRef | undefined
    if (refs !== undefined) {
      for (const r of refs) if (r.name === p.name && r.db === p.db && r.rp === p.rp) { ref = r; break }
    } else {
      refs = []
      series.set(p.tags, refs)
    }
    if (ref !== undefined) {
      w.varint(ref.index + 1)
    } else {
      refs.push({ db: p.db, rp: p.rp, name: p.name, index: seriesCount++ })
      w.byte(0)
      w.name(p.db, names)
      w.name(p.rp, names)
      w.name(p.name, names)
      const tagKeys = Object.keys(p.tags)
      w.ensure(5)
      w.varint(tagKeys.length)
      for (const k of tagKeys) {
        w.name(k, names)
        w.name(p.tags[k]!, names)
      }
    }
    const fields = p.fields
    const fieldKeys = Object.keys(fields)
    w.ensure(5 + fieldKeys.length * FIELD_RESERVE)
    w.varint(fieldKeys.length)
    for (const k of fieldKeys) {
      w.name(k, names)
      w.ensure(FIELD_RESERVE)
      const v = fields[k]!
      switch (typeof v) {
        case 'number': w.byte(FLOAT); w.double(v); break
        case 'bigint': w.byte(INT); w.int64(v); break
        case 'string': w.byte(STRING); w.string(v); w.ensure(FIELD_RESERVE); break
        default: w.byte(v ? TRUE : FALSE)
      }
    }
    w.ensure(8)
    w.int64(p.time)
  }
}

export class CorruptChunkError extends Error {
  constructor(message: string) {
    super(`corrupt recording chunk: ${message}`)
    this.name = 'CorruptChunkError'
  }
}

export function decodePoints(buf: Uint8Array): Point[] {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let pos = 0
  const end = b.length
  const need = (n: number): void => {
    if (pos + n > end) throw new CorruptChunkError('truncated')
  }
  const varint = (): number => {
    let n = 0
    let shift = 0
    for (;;) {
      need(1)
      const c = b[pos++]!
      n += (c & 0x7f) * 2 ** shift
      if (c < 0x80) return n
      shift += 7
    }
  }
  const str = (): string => {
    const n = varint()
    need(n)
    const s = b.toString('utf8', pos, pos + n)
    pos += n
    return s
  }
  need(1)
  if (b[pos++] !== VERSION) throw new CorruptChunkError(`unknown version ${b[0]}`)
  const count = varint()
  const out: Point[] = new Array(count)
  const series: { db: string; rp: string; name: string; tags: Tags }[] = []
  const names: string[] = []
  const name = (): string => {
    const ref = varint()
    if (ref === 0) {
      const s = str()
      names.push(s)
      return s
    }
    const s = names[ref - 1]
    if (s === undefined) throw new CorruptChunkError(`unknown name ${ref - 1}`)
    return s
  }
  for (let i = 0; i < count; i++) {
    const ref = varint()
    let s
    if (ref === 0) {
      const db = name()
      const rp = name()
      const measurement = name()
      const n = varint()
      const tags: Record<string, string> = {}
      for (let j = 0; j < n; j++) defineOwn(tags, name(), name())
      s = { db, rp, name: measurement, tags: Object.freeze(tags) }
      series.push(s)
    } else {
      s = series[ref - 1]
      if (s === undefined) throw new CorruptChunkError(`unknown series ${ref - 1}`)
    }
    const nf = varint()
    const fields: Record<string, FieldValue> = {}
    for (let j = 0; j < nf; j++) {
      const key = name()
      need(1)
      const type = b[pos++]
      let v: FieldValue
      switch (type) {
        case FLOAT: need(8); v = view.getFloat64(pos, true); pos += 8; break
        case INT: need(8); v = view.getBigInt64(pos, true); pos += 8; break
        case STRING: v = str(); break
        case TRUE: v = true; break
        case FALSE: v = false; break
        default: throw new CorruptChunkError(`unknown field type ${type}`)
      }
      defineOwn(fields, key, v)
    }
    need(8)
    const time = view.getBigInt64(pos, true)
    pos += 8
    out[i] = { db: s.db, rp: s.rp, name: s.name, tags: s.tags, fields, time }
  }
  return out
}

/** obj[key] = value, also for `__proto__`. */
function defineOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  else obj[key] = value
}
