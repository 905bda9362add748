/**
 * RE2 (Go regexp) pattern text → a JavaScript RegExp. Both are leftmost-first Perl-like
 * engines; the translation covers the syntax that differs:
 * - leading flag groups `(?i)`, `(?s)`, `(?m)` (and combinations) become RegExp flags;
 *   flags elsewhere in the pattern, `(?U)` and flag-scoped groups `(?i:…)` are refused;
 * - `(?P<name>…)` named groups → `(?<name>…)`;
 * - `\A` → start of text, `\z` → end of text (independent of the m flag);
 * - `\Q…\E` literal text;
 * - POSIX classes inside brackets (`[[:alpha:]]`);
 * - `\pL` / `\PL` one-letter Unicode classes (the pattern then uses the `u` flag).
 * Not translated: `\C`, Unicode script names are passed through as-is.
 */

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

export class RegexSyntaxError extends Error {}

/** Translates and compiles; throws RegexSyntaxError with a Go-like message on failure. */
export function compileRe2(source: string): RegExp {
  let flags = ''
  let i = 0
  // leading (?flags)
  for (;;) {
    const m = /^\(\?([a-zA-Z]+)\)/.exec(source.slice(i))
    if (m === null) break
    for (const f of m[1]) {
      if (f === 'i' || f === 'm' || f === 's') { if (!flags.includes(f)) flags += f }
      else throw new RegexSyntaxError(`error parsing regexp: invalid or unsupported Perl syntax: \`(?${m[1]}\``)
    }
    i += m[0].length
  }
  let out = ''
  let unicode = false
  let inClass = false
  while (i < source.length) {
    const c = source[i]
    if (c === '\\') {
      const n = source[i + 1]
      if (n === undefined) throw new RegexSyntaxError('error parsing regexp: trailing backslash at end of expression: ``')
      if (n === 'Q') {
        const end = source.indexOf('\\E', i + 2)
        const lit = end < 0 ? source.slice(i + 2) : source.slice(i + 2, end)
        out += escapeLiteral(lit)
        i = end < 0 ? source.length : end + 2
        continue
      }
      if (!inClass && n === 'A') { out += '(?<![\\s\\S])'; i += 2; continue }
      if (!inClass && n === 'z') { out += '(?![\\s\\S])'; i += 2; continue }
      if (n === 'p' || n === 'P') {
        unicode = true
        if (source[i + 2] === '{') {
          const end = source.indexOf('}', i + 2)
          out += source.slice(i, end + 1)
          i = end + 1
        } else {
          out += `\\${n}{${source[i + 2]}}`
          i += 3
        }
        continue
      }
      out += c + n
      i += 2
      continue
    }
    if (inClass) {
      if (c === '[' && source[i + 1] === ':') {
        const end = source.indexOf(':]', i + 2)
        if (end > 0) {
          let name = source.slice(i + 2, end)
          const neg = name.startsWith('^')
          if (neg) name = name.slice(1)
          const cls = POSIX[name]
          if (cls === undefined) throw new RegexSyntaxError(`error parsing regexp: invalid character class range: \`${source.slice(i, end + 2)}\``)
          if (neg) throw new RegexSyntaxError(`error parsing regexp: negated POSIX class unsupported: \`${source.slice(i, end + 2)}\``)
          out += cls
          i = end + 2
          continue
        }
      }
      if (c === ']') inClass = false
      out += c
      i++
      continue
    }
    if (c === '[') {
      inClass = true
      out += c
      i++
      if (source[i] === '^') { out += '^'; i++ }
      if (source[i] === ']') { out += '\\]'; i++ } // a leading ] is literal in RE2
      continue
    }
    if (c === '(' && source[i + 1] === '?') {
      if (source[i + 2] === 'P' && source[i + 3] === '<') { out += '(?<'; i += 4; continue }
      if (source[i + 2] !== ':' && source[i + 2] !== '<') {
        throw new RegexSyntaxError(`error parsing regexp: invalid or unsupported Perl syntax: \`${source.slice(i, i + 3)}\``)
      }
    }
    out += c
    i++
  }
  if (unicode) flags += 'u'
  try {
    return new RegExp(out, flags)
  } catch (e) {
    throw new RegexSyntaxError(`error parsing regexp: ${(e as Error).message}`)
  }
}

const globalCopies = new WeakMap<RegExp, RegExp>()

function globalOf(re: RegExp): RegExp {
  let g = globalCopies.get(re)
  if (g === undefined) {
    g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g')
    globalCopies.set(re, g)
  }
  return g
}

/** Go's Regexp.Expand template rules: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown names expand to "". */
function expand(template: string, m: RegExpExecArray): string {
  let out = ''
  let i = 0
  while (i < template.length) {
    const d = template.indexOf('$', i)
    if (d < 0) { out += template.slice(i); break }
    out += template.slice(i, d)
    const next = template[d + 1]
    if (next === '$') { out += '$'; i = d + 2; continue }
    let name: string
    let end: number
    if (next === '{') {
      const close = template.indexOf('}', d + 2)
      const inner = close < 0 ? '' : template.slice(d + 2, close)
      if (close < 0 || !/^\w+$/.test(inner)) { out += '$'; i = d + 1; continue }
      name = inner
      end = close + 1
    } else {
      const nm = /^\w+/.exec(template.slice(d + 1))
      if (nm === null) { out += '$'; i = d + 1; continue }
      name = nm[0]
      end = d + 1 + name.length
    }
    if (/^\d+$/.test(name)) {
      const n = Number(name)
      out += n < m.length ? (m[n] ?? '') : ''
    } else {
      out += m.groups?.[name] ?? ''
    }
    i = end
  }
  return out
}

/** Go's Regexp.ReplaceAllString: `$` expansion, and no empty match right after a previous match. */
export function replaceAllGo(re: RegExp, src: string, repl: string): string {
  const g = globalOf(re)
  let out = ''
  let lastMatchEnd = 0
  let searchPos = 0
  while (searchPos <= src.length) {
    g.lastIndex = searchPos
    const m = g.exec(src)
    if (m === null) break
    const start = m.index
    const end = start + m[0].length
    out += src.slice(lastMatchEnd, start)
    if (end > lastMatchEnd || start === 0) out += expand(repl, m)
    lastMatchEnd = end
    if (searchPos + 1 > end) searchPos++
    else searchPos = end
  }
  return out + src.slice(lastMatchEnd)
}
