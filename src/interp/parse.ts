/**
 * The TICKscript parser front: runs the peggy grammar (grammar.peggy → grammar.generated.js)
 * and turns its SyntaxError into one located TickProblem with Kapacitor-like wording
 * (`line 3 char 12: unexpected ")", expected an expression`).
 */
import type { Expr, Program } from './ast.js'
import { TickScriptError, type TickProblem } from './errors.js'
import { parse as peggyParse, SyntaxError as PeggySyntaxError, type Expectation } from './grammar.generated.js'

/** Parses a whole script; throws TickScriptError with exactly one problem. */
export function parseTickScript(source: string): Program {
  try {
    return peggyParse(source, { startRule: 'Program' }) as Program
  } catch (e) {
    throw toTickError(source, e)
  }
}

/** Parses a lambda expression given alone (no `lambda:` keyword), e.g. a topic handler `match`. */
export function parseLambdaExpr(source: string): Expr {
  try {
    return peggyParse(source, { startRule: 'Lambda' }) as Expr
  } catch (e) {
    throw toTickError(source, e)
  }
}

function toTickError(source: string, e: unknown): unknown {
  if (!(e instanceof PeggySyntaxError)) return e
  const at = e.location.start
  if (e.expected === null) {
    // an error() from a grammar action: a lexical trap with its own message
    return new TickScriptError([{ line: at.line, column: at.column, message: e.message }])
  }
  const expected = describeExpected(e.expected)
  const problem: TickProblem = {
    line: at.line,
    column: at.column,
    message: `unexpected ${describeFound(source, at.offset)}, expected ${joinOr(expected)}`,
    expected,
  }
  return new TickScriptError([problem])
}

/** Token names that mean "an operand may start here"; together they read "an expression". */
const OPERAND_STARTS = new Set(['number', 'string', 'reference', 'regex', 'boolean', '"*"', 'identifier', '"("', '"-"', '"!"'])

function describeExpected(list: readonly Expectation[]): string[] {
  const out = new Set<string>()
  for (const x of list) {
    switch (x.type) {
      case 'literal': out.add(JSON.stringify(x.text)); break
      case 'other': if (x.description !== 'whitespace') out.add(x.description); break
      case 'end': out.add('end of input'); break
      case 'any': out.add('any character'); break
      case 'class': out.add('a character'); break
    }
  }
  // '*' is the name of the Star rule; normalise to the quoted form used for literals
  if (out.delete('*')) out.add('"*"')
  let operandCount = 0
  for (const s of OPERAND_STARTS) if (out.has(s)) operandCount++
  if (out.has('number') && out.has('reference') && operandCount >= 5) {
    for (const s of OPERAND_STARTS) out.delete(s)
    out.delete('an operator argument') // design-doc dialect: the rare case
    out.delete('lambda:')
    out.delete('"["')
    out.add('an expression')
  }
  if (out.has('an expression') && out.has('"var"')) {
    // the start of a statement
    out.delete('an expression')
    out.delete('"var"')
    out.delete('"dbrp"')
    out.add('a statement')
  }
  return [...out].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}

function rank(s: string): number {
  if (s === 'an expression' || s === 'a statement') return 0
  if (s === 'an operator') return 2
  if (s === 'end of input') return 3
  return 1
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'nothing'
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`
}

const TWO_CHAR_OPS = ['==', '!=', '=~', '!~', '<=', '>=', '//']

/** Describes the token that starts at `offset`, as the reader sees it. */
export function describeFound(source: string, offset: number): string {
  if (offset >= source.length) return 'end of input'
  const rest = source.slice(offset)
  const word = /^[\p{L}\p{N}_]+/u.exec(rest)
  if (word !== null) {
    const w = word[0]
    if (/^[0-9.]/.test(w)) return `number ${JSON.stringify(w)}`
    if (['var', 'dbrp', 'TRUE', 'FALSE', 'AND', 'OR'].includes(w)) return JSON.stringify(w)
    if (w === 'lambda' && rest[w.length] === ':') return '"lambda:"'
    return `identifier ${JSON.stringify(w)}`
  }
  const c = rest[0]!
  if (c === '\n' || c === '\r') return 'end of line'
  if (c === "'") return 'string'
  if (c === '"') {
    const m = /^"((?:\\"|[^"\n])*)"/.exec(rest)
    return m === null ? 'reference' : `reference ${m[0]}`
  }
  const two = rest.slice(0, 2)
  if (TWO_CHAR_OPS.includes(two)) return JSON.stringify(two)
  const cp = String.fromCodePoint(rest.codePointAt(0)!)
  return JSON.stringify(cp)
}
