/**
 * A JSON reader that keeps every number's text: `JSON.parse` turns 9007199254740993 into
 * 9007199254740992 and cannot tell `5` from `5.0`, and a recording must give back the
 * integers it was given. Numbers come back as `JsonNumber` (the literal as written); the
 * caller decides float or integer.
 */

export class JsonNumber {
  constructor(readonly raw: string) {}
  /** whether the literal has no fraction and no exponent */
  get isInteger(): boolean {
    return !/[.eE]/.test(this.raw)
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [k: string]: JsonValue }

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message)
    this.name = 'JsonSyntaxError'
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const WS = /[ \t\n\r]*/y

/** Parses one JSON value starting at `offset`; returns it and the offset after it (and trailing whitespace). */
export function parseJsonExact(text: string, offset = 0): { value: JsonValue; end: number } {
  let i = offset

  const ws = (): void => {
    WS.lastIndex = i
    WS.exec(text)
    i = WS.lastIndex
  }
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at offset ${i}`, i)
  }

  const str = (): string => {
    // the JSON string from i (at its opening quote): JSON.parse decodes the escapes
    let j = i + 1
    for (;;) {
      const c = text.charCodeAt(j)
      if (Number.isNaN(c)) fail('unterminated string')
      if (c === 0x22) break
      j += c === 0x5c ? 2 : 1
    }
    let s: string
    try {
      s = JSON.parse(text.slice(i, j + 1)) as string
    } catch {
      return fail('invalid string')
    }
    i = j + 1
    return s
  }

  const value = (): JsonValue => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      const obj: { [k: string]: JsonValue } = {}
      ws()
      if (text[i] === '}') { i++; return obj }
      for (;;) {
        ws()
        if (text[i] !== '"') fail('expected a key')
        const k = str()
        ws()
        if (text[i] !== ':') fail('expected ":"')
        i++
        Object.defineProperty(obj, k, { value: value(), enumerable: true, writable: true, configurable: true })
        ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === '}') { i++; return obj }
        fail('expected "," or "}"')
      }
    }
    if (c === '[') {
      i++
      const arr: JsonValue[] = []
      ws()
      if (text[i] === ']') { i++; return arr }
      for (;;) {
        arr.push(value())
        ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === ']') { i++; return arr }
        fail('expected "," or "]"')
      }
    }
    if (c === '"') return str()
    if (text.startsWith('true', i)) { i += 4; return true }
    if (text.startsWith('false', i)) { i += 5; return false }
    if (text.startsWith('null', i)) { i += 4; return null }
    NUMBER.lastIndex = i
    const m = NUMBER.exec(text)
    if (!m) return fail(c === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(c)}`)
    i = NUMBER.lastIndex
    return new JsonNumber(m[0])
  }

  const v = value()
  ws()
  return { value: v, end: i }
}
