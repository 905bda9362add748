/**
 * The builtin functions of text/template plus Kapacitor's `json`, with Go's argument
 * rules and error texts. `and`/`or` short-circuit, so exec evaluates them itself.
 */
import { goJSON, sprint, sprintf, sprintln } from './format.js'
import { GoDuration, GoTime, goTypeName, isMap, isStringMap, isStruct } from './values.js'

/** A failure inside a call: exec reports it as `error calling <name>: <message>`. */
export class CallError extends Error {}
/** A bad argument type: exec reports the message as is, at the argument. */
export class ArgTypeError extends Error {
  constructor(readonly argIndex: number, message: string) { super(message) }
}

export interface Builtin {
  readonly min: number
  readonly max: number
  readonly fn: (args: unknown[]) => unknown
}

const VARIADIC = Number.POSITIVE_INFINITY

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['and', { min: 1, max: VARIADIC, fn: () => undefined }], // evaluated lazily by exec
  ['or', { min: 1, max: VARIADIC, fn: () => undefined }],
  ['not', { min: 1, max: 1, fn: (a) => !truth(a[0]) }],
  ['index', { min: 1, max: VARIADIC, fn: (a) => index(a[0], a.slice(1)) }],
  ['slice', { min: 1, max: 4, fn: (a) => slice(a[0], a.slice(1)) }],
  ['len', { min: 1, max: 1, fn: (a) => length(a[0]) }],
  ['print', { min: 0, max: VARIADIC, fn: (a) => sprint(a) }],
  ['println', { min: 0, max: VARIADIC, fn: (a) => sprintln(a) }],
  ['printf', {
    min: 1, max: VARIADIC, fn: (a) => {
      if (typeof a[0] !== 'string') throw new ArgTypeError(0, `wrong type for value; expected string; got ${goTypeName(a[0])}`)
      return sprintf(a[0], a.slice(1))
    },
  }],
  ['html', { min: 0, max: VARIADIC, fn: (a) => htmlEscape(argsString(a)) }],
  ['js', { min: 0, max: VARIADIC, fn: (a) => jsEscape(argsString(a)) }],
  ['urlquery', { min: 0, max: VARIADIC, fn: (a) => queryEscape(argsString(a)) }],
  // Kapacitor's json is json.NewEncoder(buf).Encode(v): compact, HTML-safe, with a newline.
  ['json', { min: 1, max: 1, fn: (a) => `${json(a[0])}\n` }],
  ['jsonCompact', { min: 1, max: 1, fn: (a) => json(a[0]) }],
  ['eq', { min: 1, max: VARIADIC, fn: (a) => eq(a[0], a.slice(1)) }],
  ['ne', { min: 2, max: 2, fn: (a) => !eq(a[0], [a[1]]) }],
  ['lt', { min: 2, max: 2, fn: (a) => less(a[0], a[1]) }],
  ['le', { min: 2, max: 2, fn: (a) => less(a[0], a[1]) || eq(a[0], [a[1]]) }],
  ['gt', { min: 2, max: 2, fn: (a) => !less(a[0], a[1]) && !eq(a[0], [a[1]]) }],
  ['ge', { min: 2, max: 2, fn: (a) => !less(a[0], a[1]) }],
])

function json(v: unknown): string {
  try {
    return goJSON(v)
  } catch (err) {
    throw new CallError((err as Error).message)
  }
}

/** Go's truth: false, 0, nil and empty strings/slices/maps are false; structs are true. */
export function truth(v: unknown): boolean {
  switch (typeof v) {
    case 'undefined': return false
    case 'boolean': return v
    case 'string': return v.length > 0
    case 'bigint': return v !== 0n
    case 'number': return v !== 0
    case 'function': return true
  }
  if (v === null) return false
  if (v instanceof GoDuration) return v.ns !== 0n
  if (v instanceof GoTime) return true
  if (Array.isArray(v)) return v.length > 0
  if (v instanceof Map) return v.size > 0
  if (isMap(v)) {
    for (const _ in v) return true
    return false
  }
  return true
}

function index(item: unknown, indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new CallError('index of untyped nil')
  for (const ix of indexes) {
    if (item === undefined || item === null) throw new CallError('index of nil pointer')
    if (Array.isArray(item) || typeof item === 'string') {
      const len = typeof item === 'string' ? Buffer.byteLength(item) : item.length
      const x = indexArg(ix, len)
      if (x === len) throw new CallError(`index out of range: ${x}`)
      item = typeof item === 'string' ? BigInt(Buffer.from(item)[x]!) : item[x]
    } else if (isMap(item)) {
      if (typeof ix !== 'string') {
        if (ix === undefined || ix === null) throw new CallError('value is nil; should be of type string')
        throw new CallError(`value has type ${goTypeName(ix)}; should be string`)
      }
      const found = item instanceof Map ? item.get(ix) : Object.hasOwn(item, ix) ? item[ix] : undefined
      item = found !== undefined ? found : isStringMap(item) ? '' : undefined
    } else {
      throw new CallError(`can't index item of type ${goTypeName(item)}`)
    }
  }
  return item
}

function indexArg(ix: unknown, cap: number): number {
  let x: bigint
  if (typeof ix === 'bigint') x = ix
  else if (ix instanceof GoDuration) x = ix.ns
  else if (ix === undefined || ix === null) throw new CallError('cannot index slice/array with nil')
  else throw new CallError(`cannot index slice/array with type ${goTypeName(ix)}`)
  if (x < 0n || x > BigInt(cap)) throw new CallError(`index out of range: ${x}`)
  return Number(x)
}

function slice(item: unknown, indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new CallError('slice of untyped nil')
  if (typeof item !== 'string' && !Array.isArray(item)) throw new CallError(`can't slice item of type ${goTypeName(item)}`)
  if (typeof item === 'string' && indexes.length > 2) throw new CallError(`cannot 3-index slice a string`)
  const len = typeof item === 'string' ? Buffer.byteLength(item) : item.length
  const idx = [0, len, len]
  for (let i = 0; i < indexes.length; i++) idx[i] = indexArg(indexes[i], len)
  if (idx[0]! > idx[1]!) throw new CallError(`invalid slice index: ${idx[0]} > ${idx[1]}`)
  if (indexes.length > 2 && idx[1]! > idx[2]!) throw new CallError(`invalid slice index: ${idx[1]} > ${idx[2]}`)
  if (typeof item === 'string') return Buffer.from(item).subarray(idx[0], idx[1]).toString('utf8')
  return item.slice(idx[0], idx[1])
}

function length(v: unknown): bigint {
  if (typeof v === 'string') return BigInt(Buffer.byteLength(v))
  if (Array.isArray(v)) return BigInt(v.length)
  if (v instanceof Map) return BigInt(v.size)
  if (isMap(v)) return BigInt(Object.keys(v).length)
  if (v === undefined || v === null) throw new CallError('len of nil pointer')
  throw new CallError(`len of type ${goTypeName(v)}`)
}

type Kind = 'bool' | 'int' | 'float' | 'string' | 'other'

function basicKind(v: unknown): Kind {
  switch (typeof v) {
    case 'boolean': return 'bool'
    case 'bigint': return 'int'
    case 'number': return 'float'
    case 'string': return 'string'
  }
  if (v instanceof GoDuration) return 'int'
  return 'other'
}

const intOf = (v: unknown): bigint => (v instanceof GoDuration ? v.ns : v as bigint)

function eq(a: unknown, rest: unknown[]): boolean {
  if (rest.length === 0) throw new CallError('missing argument for comparison')
  const k1 = basicKind(a)
  for (const b of rest) {
    const k2 = basicKind(b)
    let t: boolean
    if (k1 !== k2) {
      const aNil = a === undefined || a === null
      const bNil = b === undefined || b === null
      if (!aNil && !bNil) throw new CallError('incompatible types for comparison')
      t = aNil && bNil
    } else if (k1 === 'int') t = intOf(a) === intOf(b)
    else if (k1 !== 'other') t = a === b
    else t = eqOther(a, b)
    if (t) return true
  }
  return false
}

function eqOther(a: unknown, b: unknown): boolean {
  const aNil = a === undefined || a === null
  const bNil = b === undefined || b === null
  if (aNil || bNil) return aNil === bNil
  if (a instanceof GoTime && b instanceof GoTime) return a.ns === b.ns
  if (Array.isArray(a) || isMap(a) || typeof a === 'function') throw new CallError(`non-comparable type ${goTypeName(a)}`)
  if (Array.isArray(b) || isMap(b) || typeof b === 'function') throw new CallError(`non-comparable type ${goTypeName(b)}`)
  if (typeof a === 'object' && typeof b === 'object' && isStruct(a) && isStruct(b)) {
    const ka = Object.keys(a), kb = Object.keys(b)
    if (ka.length !== kb.length) throw new CallError('incompatible types for comparison')
    return ka.every((k, i) => k === kb[i] && eq((a as Record<string, unknown>)[k], [(b as Record<string, unknown>)[k]]))
  }
  return a === b
}

function less(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a)
  const k2 = basicKind(b)
  if (k1 === 'other' || k2 === 'other') throw new CallError('invalid type for comparison')
  if (k1 !== k2) throw new CallError('incompatible types for comparison')
  if (k1 === 'bool') throw new CallError('invalid type for comparison')
  if (k1 === 'int') return intOf(a) < intOf(b)
  return (a as number | string) < (b as number | string)
}

/** evalArgs of text/template's escapers: one string as is, else fmt.Sprint. */
function argsString(a: unknown[]): string {
  if (a.length === 1 && typeof a[0] === 'string') return a[0]
  return sprint(a)
}

const HTML_ESCAPES: Record<string, string> = { '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' }

/** template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return /["'&<>\0]/.test(s) ? s.replace(/["'&<>\0]/g, (c) => HTML_ESCAPES[c]!) : s
}

/** template.JSEscapeString: quotes, backslash, <>&= and control characters as escapes. */
export function jsEscape(s: string): string {
  let out = ''
  for (const ch of s) {
    switch (ch) {
      case '\\': out += '\\\\'; continue
      case "'": out += "\\'"; continue
      case '"': out += '\\"'; continue
      case '<': out += '\\u003C'; continue
      case '>': out += '\\u003E'; continue
      case '&': out += '\\u0026'; continue
      case '=': out += '\\u003D'; continue
    }
    const c = ch.codePointAt(0)!
    if (c < 0x20 || (c >= 0x80 && !isPrintableRune(ch))) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`
    else out += ch
  }
  return out
}

const NON_PRINTABLE = /^[\p{C}\p{Z}]$/u

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrintableRune(ch: string): boolean {
  return ch === ' ' || !NON_PRINTABLE.test(ch)
}

/** url.QueryEscape: unreserved bytes kept, space as +, the rest %XX. */
export function queryEscape(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b)
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c
    else if (c === ' ') out += '+'
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}
