/**
 * Go's fmt for the values templates see: %v printing (strconv's shortest 'g' for float64,
 * map[k:v] with sorted keys, [a b] for slices, {a b} for structs, <nil>), Sprintf with
 * flags/width/precision, Sprint/Sprintln spacing rules, strconv.Quote, and
 * encoding/json's Marshal (HTML-safe escapes, sorted map keys).
 */
import { GoDuration, GoTemplateError, GoTime, goTypeName, isMap, isStruct, sortedEntries } from './values.js'

interface Spec {
  minus: boolean
  plus: boolean
  sharp: boolean
  space: boolean
  zero: boolean
  /** %+v: struct field names (the + no longer applies to numbers) */
  plusV?: boolean
  width: number | undefined
  prec: number | undefined
}

const PLAIN: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined }

/** fmt.Sprint of one value (%v). */
export function formatValue(v: unknown): string {
  return fmtArg(v, 'v', PLAIN, 0)
}

/** fmt.Sprint: a space between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = ''
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' '
    out += formatValue(a)
  }
  return out
}

/** fmt.Sprintln: always a space between operands, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map(formatValue).join(' ')}\n`
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = ''
  let argNum = 0
  let reordered = false
  const n = format.length
  let i = 0
  while (i < n) {
    const pct = format.indexOf('%', i)
    if (pct < 0) { out += format.slice(i); break }
    out += format.slice(i, pct)
    i = pct + 1
    const spec: Spec = { ...PLAIN }
    // Flags.
    for (; i < n; i++) {
      const c = format[i]
      if (c === '-') { spec.minus = true; spec.zero = false } else if (c === '+') spec.plus = true
      else if (c === '#') spec.sharp = true
      else if (c === ' ') spec.space = true
      else if (c === '0') spec.zero = !spec.minus
      else break
    }
    // Argument index [n].
    const argIndex = (): void => {
      if (format[i] !== '[') return
      reordered = true
      const close = format.indexOf(']', i)
      const idx = close < 0 ? NaN : Number(format.slice(i + 1, close))
      if (Number.isInteger(idx) && idx >= 1) { argNum = idx - 1; i = close + 1 } else { i = close < 0 ? n : close + 1; argNum = -1 }
    }
    argIndex()
    // Width: digits or *.
    if (format[i] === '*') {
      i++
      const w = args[argNum++]
      if (typeof w === 'bigint') {
        spec.width = Number(w)
        if (spec.width < 0) { spec.minus = true; spec.zero = false; spec.width = -spec.width }
      } else out += '%!(BADWIDTH)'
    } else {
      const s = i
      while (i < n && format[i]! >= '0' && format[i]! <= '9') i++
      if (i > s) spec.width = Number(format.slice(s, i))
    }
    // Precision.
    if (format[i] === '.') {
      i++
      argIndex()
      if (format[i] === '*') {
        i++
        const p = args[argNum++]
        if (typeof p === 'bigint' && p >= 0n) spec.prec = Number(p)
        else out += '%!(BADPREC)'
      } else {
        const s = i
        while (i < n && format[i]! >= '0' && format[i]! <= '9') i++
        spec.prec = i > s ? Number(format.slice(s, i)) : 0
      }
    }
    argIndex()
    if (i >= n) { out += '%!(NOVERB)'; break }
    const cp = format.codePointAt(i)!
    const verb = String.fromCodePoint(cp)
    i += verb.length
    if (verb === '%') { out += '%'; continue }
    if (argNum < 0) { out += `%!${verb}(BADINDEX)`; argNum = args.length; continue }
    if (argNum >= args.length) { out += `%!${verb}(MISSING)`; continue }
    if (verb === 'v' && spec.plus) { spec.plus = false; spec.plusV = true }
    out += fmtArg(args[argNum++], verb, spec, 0)
  }
  if (!reordered && argNum < args.length) {
    out += '%!(EXTRA ' + args.slice(argNum).map((a) => `${goTypeName(a)}=${formatValue(a)}`).join(', ') + ')'
  }
  return out
}

function badVerb(v: unknown, verb: string): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`
  return `%!${verb}(${goTypeName(v)}=${formatValue(v)})`
}

function pad(s: string, spec: Spec, zeroOk = true): string {
  const w = spec.width
  if (w === undefined) return s
  const len = [...s].length
  if (len >= w) return s
  if (spec.minus) return s + ' '.repeat(w - len)
  if (spec.zero && zeroOk) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? s[0] : ''
    return sign + '0'.repeat(w - len) + s.slice(sign.length)
  }
  return ' '.repeat(w - len) + s
}

function fmtArg(v: unknown, verb: string, spec: Spec, depth: number): string {
  if (verb === 'T') return pad(goTypeName(v), spec, false)
  if (v === undefined || v === null) {
    return verb === 'v' ? pad('<nil>', spec, false) : badVerb(v, verb)
  }
  if (v instanceof GoTime) {
    if (verb === 'v' || verb === 's') return fmtString(v.toString(), verb, spec)
    if (verb === 'q') return fmtString(v.toString(), 'q', spec)
    return badVerb(v, verb)
  }
  if (v instanceof GoDuration) {
    if (verb === 'v' || verb === 's' || verb === 'q') return fmtString(v.toString(), verb, spec)
    return fmtInt(v.ns, verb, spec) ?? badVerb(v, verb)
  }
  switch (typeof v) {
    case 'string': return fmtString(v, verb, spec) ?? badVerb(v, verb)
    case 'bigint': return fmtInt(v, verb, spec) ?? badVerb(v, verb)
    case 'number': return fmtFloat(v, verb, spec) ?? badVerb(v, verb)
    case 'boolean':
      return verb === 'v' || verb === 't' ? pad(String(v), spec, false) : badVerb(v, verb)
    case 'function': return badVerb(v, verb)
  }
  if (Array.isArray(v)) {
    return `[${v.map((e) => fmtArg(e, verb, spec, depth + 1)).join(' ')}]`
  }
  if (isMap(v)) {
    const parts = sortedEntries(v).map(([k, e]) => `${fmtArg(k, verb, spec, depth + 1)}:${fmtArg(e, verb, spec, depth + 1)}`)
    return `map[${parts.join(' ')}]`
  }
  if (typeof v === 'object' && isStruct(v)) {
    // %+v names the fields: {Hostname:h ClusterID:c}
    const parts = Object.entries(v).map(([k, e]) => (spec.plusV ? `${k}:` : '') + fmtArg(e, verb, spec, depth + 1))
    return `{${parts.join(' ')}}`
  }
  return fmtString(String(v), verb, spec) ?? badVerb(v, verb)
}

function fmtString(s: string, verb: string, spec: Spec): string {
  switch (verb) {
    case 'v':
    case 's': {
      const t = spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s
      return pad(t, spec)
    }
    case 'q': return pad(spec.sharp && !s.includes('`') ? `\`${s}\`` : goQuote(s), spec)
    case 'x':
    case 'X': {
      const bytes = Buffer.from(s, 'utf8')
      let hex = bytes.toString('hex')
      if (verb === 'X') hex = hex.toUpperCase()
      if (spec.sharp) hex = (verb === 'X' ? '0X' : '0x') + hex
      return pad(hex, spec)
    }
  }
  return badVerb(s, verb)
}

function fmtInt(n: bigint, verb: string, spec: Spec): string | undefined {
  const neg = n < 0n
  const abs = neg ? -n : n
  let digits: string
  let prefix = ''
  switch (verb) {
    case 'v':
    case 'd': digits = abs.toString(10); break
    case 'b': digits = abs.toString(2); if (spec.sharp) prefix = '0b'; break
    case 'o': digits = abs.toString(8); if (spec.sharp) prefix = '0'; break
    case 'O': digits = abs.toString(8); prefix = '0o'; break
    case 'x': digits = abs.toString(16); if (spec.sharp) prefix = '0x'; break
    case 'X': digits = abs.toString(16).toUpperCase(); if (spec.sharp) prefix = '0X'; break
    case 'c': return pad(String.fromCodePoint(Number(n)), spec, false)
    case 'q': return pad(goQuoteRune(Number(n)), spec, false)
    case 'U': return pad(`U+${abs.toString(16).toUpperCase().padStart(4, '0')}`, spec, false)
    default: return undefined
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && n === 0n) digits = ''
    digits = digits.padStart(spec.prec, '0')
  }
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : ''
  const body = prefix + digits
  // Go ignores the 0 flag when a precision is given for integers.
  if (spec.zero && !spec.minus && spec.prec === undefined && spec.width !== undefined) {
    return sign + body.padStart(spec.width - sign.length, '0')
  }
  return pad(sign + body, { ...spec, zero: false })
}

/** strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent form when exp < -4 || exp >= 6. */
export function formatFloatG(f: number): string {
  return fmtFloat(f, 'v', PLAIN)!
}

function fmtFloat(f: number, verb: string, spec: Spec): string | undefined {
  let s: string
  if (Number.isNaN(f)) s = 'NaN'
  else if (!Number.isFinite(f)) s = f > 0 ? (spec.plus ? '+Inf' : spec.space ? ' Inf' : '+Inf') : '-Inf'
  else {
    switch (verb) {
      case 'v':
      case 'g':
      case 'G': s = fmtG(f, spec.prec, verb === 'G'); break
      case 'e':
      case 'E': s = fmtE(f, spec.prec ?? 6, verb === 'E'); break
      case 'f':
      case 'F': s = fmtF(f, spec.prec ?? 6); break
      default: return undefined
    }
    if (!s.startsWith('-')) {
      if (spec.plus) s = `+${s}`
      else if (spec.space) s = ` ${s}`
    }
  }
  if (!Number.isFinite(f)) {
    if (s === '+Inf' && !spec.plus) s = spec.space ? ' Inf' : '+Inf'
    return pad(s, { ...spec, zero: false })
  }
  return pad(s, spec)
}

interface Digits { d: string, dp: number }

/**
 * The shortest decimal digits that round-trip |f| (trailing zeros trimmed) and the
 * decimal point position: value = 0.d × 10^dp. Go's and JS's shortest forms agree.
 */
function shortestDigits(f: number): Digits {
  if (f === 0) return { d: '', dp: 0 }
  const e = Math.abs(f).toExponential()
  const ei = e.indexOf('e')
  const d = e.slice(0, ei).replace('.', '').replace(/0+$/, '')
  return { d, dp: Number(e.slice(ei + 1)) + 1 }
}

const F64 = new DataView(new ArrayBuffer(8))

/** The exact decimal expansion of |f| (every double is a finite decimal). */
function exactDigits(f: number): Digits {
  if (f === 0) return { d: '', dp: 0 }
  F64.setFloat64(0, Math.abs(f))
  const hi = F64.getUint32(0)
  const lo = F64.getUint32(4)
  const bexp = (hi >>> 20) & 0x7ff
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  let e: number
  if (bexp === 0) e = -1074
  else { m |= 1n << 52n; e = bexp - 1075 }
  let digits: string
  let dp: number
  if (e >= 0) {
    digits = (m << BigInt(e)).toString()
    dp = digits.length
  } else {
    digits = (m * 5n ** BigInt(-e)).toString()
    dp = digits.length + e
  }
  return { d: digits.replace(/0+$/, ''), dp }
}

/** Rounds to the first n digits, half to even on the exact value (as strconv does). */
function roundTo(x: Digits, n: number): Digits {
  const { d, dp } = x
  if (n >= d.length) return x
  if (n < 0) return { d: '', dp }
  const next = d.charCodeAt(n) - 48
  let up: boolean
  if (next > 5) up = true
  else if (next < 5) up = false
  else if (n + 1 < d.length) up = true // digits after the 5 are non-zero (trailing zeros trimmed)
  else up = n > 0 && (d.charCodeAt(n - 1) - 48) % 2 === 1
  let kept = d.slice(0, n)
  if (!up) return { d: kept.replace(/0+$/, ''), dp }
  // Increment the kept digits.
  let i = kept.length - 1
  while (i >= 0 && kept[i] === '9') i--
  if (i < 0) return { d: '1', dp: dp + 1 }
  kept = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1)
  return { d: kept, dp }
}

function expPart(exp: number, upper: boolean): string {
  const a = Math.abs(exp)
  return (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (a < 10 ? `0${a}` : String(a))
}

/** %e with `prec` digits after the point from decimal digits. */
function eFromDigits(x: Digits, prec: number, upper: boolean): string {
  const first = x.d.length > 0 ? x.d[0]! : '0'
  let frac = x.d.slice(1, 1 + prec)
  if (frac.length < prec) frac += '0'.repeat(prec - frac.length)
  const exp = x.d.length > 0 ? x.dp - 1 : 0
  return first + (prec > 0 ? `.${frac}` : '') + expPart(exp, upper)
}

function fixedFromDigits(x: Digits, frac: number): string {
  const { d, dp } = x
  let int = ''
  if (dp > 0) {
    int = d.slice(0, dp)
    if (int.length < dp) int += '0'.repeat(dp - int.length)
  } else int = '0'
  if (frac <= 0) return int
  let fr = ''
  for (let i = 0; i < frac; i++) {
    const j = dp + i
    fr += j >= 0 && j < d.length ? d[j] : '0'
  }
  return `${int}.${fr}`
}

/** strconv's %g: shortest when prec is undefined (%v), else prec significant digits. */
function fmtG(f: number, prec: number | undefined, upper: boolean): string {
  const neg = f < 0 || Object.is(f, -0)
  const shortest = prec === undefined
  let p = prec ?? 0
  if (!shortest && p === 0) p = 1
  const x = shortest ? shortestDigits(f) : roundTo(exactDigits(f), p)
  const nd = x.d.length
  let eprec = p
  if (shortest) {
    p = nd
    eprec = 6
  } else if (eprec > nd && nd >= x.dp) eprec = nd
  const exp = x.dp - 1
  let body: string
  if (exp < -4 || exp >= eprec) {
    body = eFromDigits(x, Math.min(p, nd) - 1, upper)
  } else {
    body = fixedFromDigits(x, Math.max((p > x.dp ? nd : p) - x.dp, 0))
  }
  return neg ? `-${body}` : body
}

function fmtE(f: number, prec: number, upper: boolean): string {
  const neg = f < 0 || Object.is(f, -0)
  const body = eFromDigits(roundTo(exactDigits(f), prec + 1), prec, upper)
  return neg ? `-${body}` : body
}

function fmtF(f: number, prec: number): string {
  const neg = f < 0 || Object.is(f, -0)
  const a = Math.abs(f)
  let body: string
  // toFixed rounds the exact value correctly except at an exact tie, where it rounds up and
  // Go rounds to even; a tie needs exactly prec+1 fraction digits in the exact expansion.
  if (a < 1e21 && prec <= 100 && exactFractionDigits(a) !== prec + 1) body = a.toFixed(prec)
  else {
    const x = exactDigits(f)
    body = fixedFromDigits(roundTo(x, x.dp + prec), prec)
  }
  return neg ? `-${body}` : body
}

/** How many decimal fraction digits the exact value of a double has (0 for integers). */
function exactFractionDigits(a: number): number {
  if (a === 0 || Number.isInteger(a)) return 0
  F64.setFloat64(0, a)
  const hi = F64.getUint32(0)
  let lo = F64.getUint32(4)
  const bexp = (hi >>> 20) & 0x7ff
  let mhi = hi & 0xfffff
  if (bexp !== 0) mhi |= 0x100000
  let e = bexp === 0 ? -1074 : bexp - 1075
  // Strip trailing zero bits of the mantissa: a = m·2^e with m odd has -e fraction digits.
  if (lo === 0) { lo = mhi; e += 32 }
  while ((lo & 1) === 0) { lo >>>= 1; e++ }
  return e < 0 ? -e : 0
}

/** strconv.Quote: Go escapes, printable Unicode kept as is. */
export function goQuote(s: string): string {
  let out = '"'
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    switch (ch) {
      case '"': out += '\\"'; continue
      case '\\': out += '\\\\'; continue
      case '\x07': out += '\\a'; continue
      case '\b': out += '\\b'; continue
      case '\f': out += '\\f'; continue
      case '\n': out += '\\n'; continue
      case '\r': out += '\\r'; continue
      case '\t': out += '\\t'; continue
      case '\v': out += '\\v'; continue
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd'
    else if (!isPrintable(c)) out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}

function goQuoteRune(c: number): string {
  if (c === 0x27) return "'\\''"
  if (c === 0x22) return "'\"'"
  const q = goQuote(String.fromCodePoint(c))
  return `'${q.slice(1, -1)}'`
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|[\p{Zs}]/u

function isPrintable(c: number): boolean {
  if (c === 0x20) return true
  return !NON_PRINTABLE.test(String.fromCodePoint(c))
}

/** encoding/json.Marshal (with Go's default HTML escaping). */
export function goJSON(v: unknown): string {
  if (v === undefined || v === null) return 'null'
  switch (typeof v) {
    case 'string': return jsonString(v)
    case 'bigint': return v.toString()
    case 'boolean': return v ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(v)) throw new GoTemplateError(`json: unsupported value: ${formatFloatG(v)}`)
      return JSON.stringify(v)
    case 'function': throw new GoTemplateError('json: unsupported type: func()')
  }
  if (v instanceof GoTime) return `"${v.toJSON()}"`
  if (v instanceof GoDuration) return v.ns.toString()
  let out: string
  if (Array.isArray(v)) {
    out = '['
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + goJSON(v[i])
    return `${out}]`
  }
  out = '{'
  let first = true
  if (isMap(v)) {
    if (v instanceof Map) {
      for (const [k, e] of sortedEntries(v)) {
        out += `${first ? '' : ','}${jsonString(String(k))}:${goJSON(e)}`
        first = false
      }
      return `${out}}`
    }
    const keys = Object.keys(v).sort()
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!
      out += `${i > 0 ? ',' : ''}${jsonString(k)}:${goJSON(v[k])}`
    }
    return `${out}}`
  }
  for (const k in v as object) {
    if (!Object.hasOwn(v as object, k)) continue
    out += `${first ? '' : ','}${jsonString(k)}:${goJSON((v as Record<string, unknown>)[k])}`
    first = false
  }
  return `${out}}`
}

// Characters Go's encoder writes differently from JSON.stringify: HTML-sensitive ones,
// the JS line separators, and lone surrogates (invalid UTF-8 in Go becomes U+FFFD).
const JSON_SPECIAL = /[<>&\u2028\u2029\ud800-\udfff]/
const JSON_REPLACE = /[<>&\u2028\u2029]|\\u(d[89ab][0-9a-f]{2})|\\u(d[c-f][0-9a-f]{2})/g

function jsonString(s: string): string {
  const q = JSON.stringify(s)
  if (!JSON_SPECIAL.test(s)) return q
  return q.replace(JSON_REPLACE, (m) => {
    switch (m) {
      case '<': return '\\u003c'
      case '>': return '\\u003e'
      case '&': return '\\u0026'
      case '\u2028': return '\\u2028'
      case '\u2029': return '\\u2029'
    }
    return '\\ufffd' // lone surrogate: Go replaces invalid UTF-8 with U+FFFD
  })
}
