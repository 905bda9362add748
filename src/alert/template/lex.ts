/**
 * The lexer of Go's text/template: literal text and {{ actions }} with trim markers
 * ({{- and -}} eat the adjacent white space), comments ({{/* … *\/}}), and the tokens of
 * action bodies. Produces the whole token list up front; a lexing error becomes an
 * `error` token where it happened (the parser reports it when it gets there, as Go does).
 */

export type TokenType =
  | 'text' | 'ldelim' | 'rdelim' | 'space' | 'field' | 'dot' | 'var' | 'ident' | 'keyword'
  | 'bool' | 'nil' | 'string' | 'rawstring' | 'number' | 'char' | 'pipe' | 'lparen' | 'rparen'
  | 'declare' | 'assign' | 'other' | 'eof' | 'error'

export interface Token {
  readonly type: TokenType
  readonly val: string
  readonly pos: number
  readonly line: number
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue'])

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n'
const isAlnum = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{Nd}_]/u.test(c)

export function lex(input: string): Token[] {
  const tokens: Token[] = []
  const newlines: number[] = []
  for (let i = input.indexOf('\n'); i >= 0; i = input.indexOf('\n', i + 1)) newlines.push(i)
  /** 1 + the newlines before `at` (binary search). */
  const lineAt = (at: number): number => {
    let lo = 0, hi = newlines.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (newlines[mid]! < at) lo = mid + 1
      else hi = mid
    }
    return lo + 1
  }
  let pos = 0
  let parenDepth = 0
  const emit = (type: TokenType, start: number, val = input.slice(start, pos)): void => {
    tokens.push({ type, val, pos: start, line: lineAt(start) })
  }
  const fail = (msg: string): Token[] => {
    tokens.push({ type: 'error', val: msg, pos, line: lineAt(pos) })
    return tokens
  }
  let trimNext = false
  while (pos <= input.length) {
    // Text up to the next left delimiter.
    const ld = input.indexOf('{{', pos)
    const textEnd = ld < 0 ? input.length : ld
    let text = input.slice(pos, textEnd)
    const textStart = pos
    let trimLeft = false
    if (ld >= 0 && input[ld + 2] === '-' && isSpace(input[ld + 3])) trimLeft = true
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '')
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '')
    trimNext = false
    if (text.length > 0) tokens.push({ type: 'text', val: text, pos: textStart, line: lineAt(textStart) })
    if (ld < 0) break
    pos = ld + 2
    if (trimLeft) pos += 2 // "- " — the space is skipped as part of the marker, like Go
    // Comment?
    if (input.startsWith('/*', pos)) {
      const end = input.indexOf('*/', pos + 2)
      if (end < 0) return fail('unclosed comment')
      pos = end + 2
      if (input.startsWith(' -}}', pos) || input.startsWith('\t-}}', pos) || input.startsWith('\n-}}', pos) || input.startsWith('\r-}}', pos)) {
        trimNext = true
        pos += 4
      } else if (input.startsWith('}}', pos)) pos += 2
      else return fail('comment ends before closing delimiter')
      continue
    }
    tokens.push({ type: 'ldelim', val: '{{', pos: ld, line: lineAt(ld) })
    parenDepth = 0
    // Action body.
    for (;;) {
      if (pos >= input.length) return fail('unclosed action')
      const c = input[pos]!
      if (isSpace(c)) {
        if (input.startsWith('-}}', pos + 1)) {
          const s = pos
          pos += 4
          emitDelim(s)
          trimNext = true
          break
        }
        const s = pos
        while (pos < input.length && isSpace(input[pos]) && !(input.startsWith('-}}', pos + 1) && isSpace(input[pos]))) pos++
        if (pos === s) pos++
        emit('space', s)
        continue
      }
      if (input.startsWith('}}', pos)) {
        if (parenDepth > 0) return fail('unclosed left paren')
        emitDelim(pos)
        pos += 2
        break
      }
      const s = pos
      if (c === '|') { pos++; emit('pipe', s); continue }
      if (c === '(') { pos++; parenDepth++; emit('lparen', s); continue }
      if (c === ')') {
        pos++
        parenDepth--
        if (parenDepth < 0) { pos = s; return fail('unexpected right paren') }
        emit('rparen', s)
        continue
      }
      if (c === ':') {
        if (input[pos + 1] !== '=') return fail('expected :=')
        pos += 2
        emit('declare', s)
        continue
      }
      if (c === '=') { pos++; emit('assign', s); continue }
      if (c === '"') {
        pos++
        for (;;) {
          const ch = input[pos]
          if (ch === undefined || ch === '\n') return fail('unterminated quoted string')
          if (ch === '\\') { pos += 2; continue }
          pos++
          if (ch === '"') break
        }
        emit('string', s)
        continue
      }
      if (c === '`') {
        const end = input.indexOf('`', pos + 1)
        if (end < 0) return fail('unterminated raw quoted string')
        pos = end + 1
        emit('rawstring', s)
        continue
      }
      if (c === "'") {
        pos++
        for (;;) {
          const ch = input[pos]
          if (ch === undefined || ch === '\n') return fail('unterminated character constant')
          if (ch === '\\') { pos += 2; continue }
          pos++
          if (ch === "'") break
        }
        emit('char', s)
        continue
      }
      if (c === '$') {
        pos++
        while (isAlnum(input[pos])) pos++
        emit('var', s)
        continue
      }
      if (c === '.' && !(input[pos + 1]! >= '0' && input[pos + 1]! <= '9')) {
        pos++
        if (!isAlnum(input[pos])) { emit('dot', s); continue }
        while (isAlnum(input[pos])) pos++
        if (!atTerminator(input, pos)) return fail(`bad character ${goRune(input.codePointAt(pos)!)}`)
        emit('field', s, input.slice(s + 1, pos))
        continue
      }
      if (c === '+' || c === '-' || c === '.' || (c >= '0' && c <= '9')) {
        const m = /^[+-]?(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[oObB][0-9_]+|(?:[0-9_]+(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?)i?/.exec(input.slice(pos))
        if (!m || m[0] === '+' || m[0] === '-') return fail(`bad number syntax: "${input.slice(pos, pos + 1)}"`)
        pos += m[0].length
        if (isAlnum(input[pos]) || input[pos] === '.') {
          while (isAlnum(input[pos]) || input[pos] === '.') pos++
          return fail(`bad number syntax: "${input.slice(s, pos)}"`)
        }
        emit('number', s)
        continue
      }
      if (isAlnum(c)) {
        while (isAlnum(input[pos])) pos++
        const word = input.slice(s, pos)
        if (!atTerminator(input, pos)) return fail(`bad character ${goRune(input.codePointAt(pos)!)}`)
        if (KEYWORDS.has(word)) emit('keyword', s)
        else if (word === 'true' || word === 'false') emit('bool', s)
        else if (word === 'nil') emit('nil', s)
        else emit('ident', s)
        continue
      }
      const cp = input.codePointAt(pos)!
      if (cp <= 0x7f && cp >= 0x20) {
        pos++
        emit('other', s)
        continue
      }
      return fail(`unrecognized character in action: ${goRune(cp)}`)
    }
  }
  tokens.push({ type: 'eof', val: '', pos: input.length, line: lineAt(input.length) })
  return tokens

  function emitDelim(start: number): void {
    tokens.push({ type: 'rdelim', val: '}}', pos: start, line: lineAt(start) })
  }
}

function atTerminator(input: string, pos: number): boolean {
  const c = input[pos]
  if (c === undefined || isSpace(c)) return true
  if ('.,|:)('.includes(c)) return true
  return input.startsWith('}}', pos)
}

/** %#U of a rune, as Go's lexer errors print it: U+007D '}'. */
export function goRune(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(cp)}'`
}
