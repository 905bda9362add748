/**
 * MessagePack → JavaScript values for influxd's `Accept: application/x-msgpack` answers.
 *
 * Why not `@msgpack/msgpack`: influxd writes every integer in its smallest MessagePack
 * form (a time of 5 ns is the one byte 0x05, an int field of 1 is 0x01) and every float
 * as float64. `@msgpack/msgpack` turns only 64-bit integers into `bigint`, so a small
 * int and a float would both come back as `number` and the field type would be lost.
 * Here every integer, whatever its width, is a `bigint`; floats are `number` with their
 * exact bits; `nil` is `null`; strings are UTF-8 (a leading U+FEFF is kept).
 */
export type MsgValue =
  | null | boolean | bigint | number | string | Uint8Array
  | MsgValue[] | { [key: string]: MsgValue }

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

/** fixint values as bigint, made once (0..127 and -32..-1 are most of a result's small ints) */
const FIXINT: readonly bigint[] = Array.from({ length: 256 }, (_, b) => BigInt(b <= 0x7f ? b : b >= 0xe0 ? b - 0x100 : 0))

/** Decodes one MessagePack value that fills the whole buffer; throws on truncated or unknown input. */
export function decodeMsgpack(buf: Uint8Array): MsgValue {
  const r = new Reader(buf)
  const v = r.value()
  if (r.pos !== buf.length) throw new Error(`msgpack: ${buf.length - r.pos} trailing bytes`)
  return v
}

class Reader {
  pos = 0
  private readonly view: DataView
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  private take(n: number): number {
    const p = this.pos
    if (p + n > this.buf.length) throw new Error(`msgpack: truncated at byte ${p}`)
    this.pos = p + n
    return p
  }

  private str(n: number): string {
    const p = this.take(n)
    const b = this.buf
    // short ASCII (tag values, column names): cheaper than a TextDecoder call
    if (n <= 24) {
      let s = ''
      for (let i = p; i < p + n; i++) {
        const c = b[i]!
        if (c >= 0x80) return utf8.decode(b.subarray(p, p + n))
        s += String.fromCharCode(c)
      }
      return s
    }
    return utf8.decode(b.subarray(p, p + n))
  }

  private bin(n: number): Uint8Array {
    const p = this.take(n)
    return this.buf.slice(p, p + n)
  }

  private arr(n: number): MsgValue[] {
    const out: MsgValue[] = new Array(n)
    for (let i = 0; i < n; i++) out[i] = this.value()
    return out
  }

  private map(n: number): { [key: string]: MsgValue } {
    // a null-prototype object: a tag key named `__proto__` stays an ordinary key
    const out: { [key: string]: MsgValue } = Object.create(null)
    for (let i = 0; i < n; i++) {
      const k = this.value()
      out[typeof k === 'string' ? k : String(k)] = this.value()
    }
    return out
  }

  /** Extensions are not used by influxd with epoch=ns; their payload is skipped as bytes. */
  private ext(n: number): Uint8Array {
    this.take(1)
    return this.bin(n)
  }

  value(): MsgValue {
    const b = this.buf[this.take(1)]!
    if (b <= 0x7f || b >= 0xe0) return FIXINT[b]!
    if ((b & 0xf0) === 0x80) return this.map(b & 0x0f)
    if ((b & 0xf0) === 0x90) return this.arr(b & 0x0f)
    if ((b & 0xe0) === 0xa0) return this.str(b & 0x1f)
    const v = this.view
    switch (b) {
      case 0xc0: return null
      case 0xc2: return false
      case 0xc3: return true
      case 0xc4: return this.bin(v.getUint8(this.take(1)))
      case 0xc5: return this.bin(v.getUint16(this.take(2)))
      case 0xc6: return this.bin(v.getUint32(this.take(4)))
      case 0xc7: return this.ext(v.getUint8(this.take(1)))
      case 0xc8: return this.ext(v.getUint16(this.take(2)))
      case 0xc9: return this.ext(v.getUint32(this.take(4)))
      case 0xca: return v.getFloat32(this.take(4))
      case 0xcb: return v.getFloat64(this.take(8))
      case 0xcc: return BigInt(v.getUint8(this.take(1)))
      case 0xcd: return BigInt(v.getUint16(this.take(2)))
      case 0xce: return BigInt(v.getUint32(this.take(4)))
      case 0xcf: return v.getBigUint64(this.take(8))
      case 0xd0: return BigInt(v.getInt8(this.take(1)))
      case 0xd1: return BigInt(v.getInt16(this.take(2)))
      case 0xd2: return BigInt(v.getInt32(this.take(4)))
      case 0xd3: return v.getBigInt64(this.take(8))
      case 0xd4: return this.ext(1)
      case 0xd5: return this.ext(2)
      case 0xd6: return this.ext(4)
      case 0xd7: return this.ext(8)
      case 0xd8: return this.ext(16)
      case 0xd9: return this.str(v.getUint8(this.take(1)))
      case 0xda: return this.str(v.getUint16(this.take(2)))
      case 0xdb: return this.str(v.getUint32(this.take(4)))
      case 0xdc: return this.arr(v.getUint16(this.take(2)))
      case 0xdd: return this.arr(v.getUint32(this.take(4)))
      case 0xde: return this.map(v.getUint16(this.take(2)))
      case 0xdf: return this.map(v.getUint32(this.take(4)))
      default: throw new Error(`msgpack: unknown type byte 0x${b.toString(16)} at ${this.pos - 1}`)
    }
  }
}
