/**
 * String functions (Go's strings package semantics). Go strings are UTF-8 bytes: lengths
 * and indexes are byte counts; strSubstring slices bytes.
 */
import { exactlyMessage, fixed, funcError, goTypeName, type FunctionSpec } from './function-spec.js'
import { replaceAllGo } from './regex.js'
import { typeOf, type Value } from './values.js'

const ORDINAL = ['first', 'second', 'third', 'fourth']

const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8')
/** Converts a UTF-16 index into a UTF-8 byte offset (−1 stays −1). */
const byteIndex = (s: string, i: number): number => (i <= 0 ? i : byteLen(s.slice(0, i)))

function str(name: string, args: readonly Value[], i: number): string {
  const a = args[i] as Value
  return typeof a === 'string' ? a : funcError(`cannot pass ${goTypeName(typeOf(a))} as ${ORDINAL[i]} arg to ${name}, must be string`)
}

const runes = (s: string): string[] => Array.from(s)

function containsAny(s: string, chars: string): boolean {
  if (chars === '') return false
  const set = new Set(runes(chars))
  for (const r of s) if (set.has(r)) return true
  return false
}

function indexAny(s: string, chars: string): number {
  const set = new Set(runes(chars))
  let i = 0
  for (const r of s) {
    if (set.has(r)) return byteIndex(s, i)
    i += r.length
  }
  return -1
}

function lastIndexAny(s: string, chars: string): number {
  const set = new Set(runes(chars))
  let best = -1
  let i = 0
  for (const r of s) {
    if (set.has(r)) best = i
    i += r.length
  }
  return byteIndex(s, best)
}

function count(s: string, sub: string): number {
  if (sub === '') return runes(s).length + 1
  let n = 0
  let i = s.indexOf(sub)
  while (i >= 0) { n++; i = s.indexOf(sub, i + sub.length) }
  return n
}

/** strings.Replace: n < 0 = all; an empty `old` inserts before every rune and at the end. */
function replace(s: string, old: string, repl: string, n: number): string {
  if (n === 0 || old === repl) return s
  if (old === '') {
    const rs = runes(s)
    let out = ''
    let done = 0
    for (let i = 0; i <= rs.length; i++) {
      if (n < 0 || done < n) { out += repl; done++ }
      if (i < rs.length) out += rs[i]
    }
    return out
  }
  let out = ''
  let from = 0
  let done = 0
  while (n < 0 || done < n) {
    const i = s.indexOf(old, from)
    if (i < 0) break
    out += s.slice(from, i) + repl
    from = i + old.length
    done++
  }
  return out + s.slice(from)
}

function trimLeft(s: string, cutset: string): string {
  const set = new Set(runes(cutset))
  const rs = runes(s)
  let i = 0
  while (i < rs.length && set.has(rs[i])) i++
  return rs.slice(i).join('')
}

function trimRight(s: string, cutset: string): string {
  const set = new Set(runes(cutset))
  const rs = runes(s)
  let j = rs.length
  while (j > 0 && set.has(rs[j - 1])) j--
  return rs.slice(0, j).join('')
}

/** Go's unicode.IsSpace set (JS's trim also strips U+FEFF, Go's does not). */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+|[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/g

const s2b = (name: string, f: (a: string, b: string) => boolean): FunctionSpec => ({
  name, arity: [2], arityMessage: exactlyMessage(name, 2), returns: fixed('boolean'), signatures: [['string', 'string']],
  call: (args) => f(str(name, args, 0), str(name, args, 1)),
})
const s2i = (name: string, f: (a: string, b: string) => number): FunctionSpec => ({
  name, arity: [2], arityMessage: exactlyMessage(name, 2), returns: fixed('int'), signatures: [['string', 'string']],
  call: (args) => BigInt(f(str(name, args, 0), str(name, args, 1))),
})
const s2s = (name: string, f: (a: string, b: string) => string): FunctionSpec => ({
  name, arity: [2], arityMessage: exactlyMessage(name, 2), returns: fixed('string'), signatures: [['string', 'string']],
  call: (args) => f(str(name, args, 0), str(name, args, 1)),
})
const s1s = (name: string, f: (a: string) => string): FunctionSpec => ({
  name, arity: [1], arityMessage: exactlyMessage(name, 1), returns: fixed('string'), signatures: [['string']],
  call: (args) => f(str(name, args, 0)),
})

function intArg(name: string, args: readonly Value[], i: number): bigint {
  const a = args[i] as Value
  return typeof a === 'bigint' ? a : funcError(`cannot pass ${goTypeName(typeOf(a))} as ${ORDINAL[i]} arg to ${name}, must be int`)
}

export const stringFunctions: readonly FunctionSpec[] = [
  s2b('strContains', (s, sub) => s.includes(sub)),
  s2b('strContainsAny', containsAny),
  s2i('strCount', count),
  s2b('strHasPrefix', (s, p) => s.startsWith(p)),
  s2b('strHasSuffix', (s, p) => s.endsWith(p)),
  s2i('strIndex', (s, sub) => byteIndex(s, s.indexOf(sub))),
  s2i('strIndexAny', indexAny),
  s2i('strLastIndex', (s, sub) => byteIndex(s, s.lastIndexOf(sub))),
  s2i('strLastIndexAny', lastIndexAny),
  {
    name: 'strLength', arity: [1], arityMessage: exactlyMessage('strLength', 1), returns: fixed('int'), signatures: [['string']],
    call: (args) => BigInt(byteLen(str('strLength', args, 0))),
  },
  {
    name: 'strReplace', arity: [4], arityMessage: 'strReplace expects exactly four arguments', returns: fixed('string'), signatures: [['string', 'string', 'string', 'int']],
    call: (args) => replace(str('strReplace', args, 0), str('strReplace', args, 1), str('strReplace', args, 2), Number(intArg('strReplace', args, 3))),
  },
  {
    name: 'strSubstring', arity: [3], arityMessage: 'strSubstring expects exactly three arguments', returns: fixed('string'), signatures: [['string', 'int', 'int']],
    call: (args) => {
      const s = str('strSubstring', args, 0)
      const start = intArg('strSubstring', args, 1)
      const stop = intArg('strSubstring', args, 2)
      if (start < 0n) return funcError(`found negative index for strSubstring: ${start}`)
      if (stop < 0n) return funcError(`found negative index for strSubstring: ${stop}`)
      const bytes = Buffer.from(s, 'utf8')
      if (stop >= BigInt(bytes.length)) return funcError(`stop index too large for string in strSubstring: ${stop}`)
      if (start > stop) return funcError(`slice bounds out of range [${start}:${stop}]`)
      return bytes.subarray(Number(start), Number(stop)).toString('utf8')
    },
  },
  s1s('strToLower', (s) => s.toLowerCase()),
  s1s('strToUpper', (s) => s.toUpperCase()),
  s2s('strTrim', (s, c) => trimRight(trimLeft(s, c), c)),
  s2s('strTrimLeft', trimLeft),
  s2s('strTrimPrefix', (s, p) => (p !== '' && s.startsWith(p) ? s.slice(p.length) : s)),
  s2s('strTrimRight', trimRight),
  s1s('strTrimSpace', (s) => s.replace(GO_SPACE, '')),
  s2s('strTrimSuffix', (s, p) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s)),
  {
    name: 'regexReplace', arity: [3], arityMessage: 'regexReplace expects exactly three arguments', returns: fixed('string'), signatures: [['regex', 'string', 'string']],
    call: (args) => {
      const re = args[0] as Value
      if (!(re instanceof RegExp)) return funcError(`cannot pass ${goTypeName(typeOf(re))} as first arg to regexReplace, must be regex`)
      return replaceAllGo(re, str('regexReplace', args, 1), str('regexReplace', args, 2))
    },
  },
]
