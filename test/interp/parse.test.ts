/**
 * The TICKscript parser: every lexical trap of Kapacitor's language (accepted or refused,
 * and the AST value it yields), statements, comments, both dialects, locations, and a
 * table of bad scripts pinning the exact `line N char M: message`.
 */
import t from 'tap'
import { parseLambdaExpr, parseTickScript } from '../../src/interp/parse.js'
import { TickScriptError, renderWithCaret } from '../../src/interp/errors.js'
import type { Chain, ExprStatement, Program } from '../../src/interp/ast.js'
import { stripLoc } from './ast-helpers.js'

// AST builders without locations
const id = (name: string) => ({ kind: 'Ident', name })
const int = (value: bigint, text: string) => ({ kind: 'Int', value, text })
const flt = (value: number, text: string) => ({ kind: 'Float', value, text })
const dur = (ns: bigint, text: string) => ({ kind: 'Duration', ns, text })
const str = (value: string, triple = false) => ({ kind: 'String', value, triple })
const ref = (name: string) => ({ kind: 'Reference', name })
const re = (source: string) => ({ kind: 'Regex', source })
const bool = (value: boolean) => ({ kind: 'Bool', value })
const star = { kind: 'Star' }
const bin = (op: string, left: unknown, right: unknown) => ({ kind: 'Binary', op, left, right })
const un = (op: string, operand: unknown) => ({ kind: 'Unary', op, operand })
const call = (name: string, ...args: unknown[]) => ({ kind: 'Call', name: id(name), args })
const list = (...items: unknown[]) => ({ kind: 'List', items })
const lambda = (body: unknown) => ({ kind: 'Lambda', body })
const chain = (op: string, target: unknown, name: string, args: unknown[] | null) => ({ kind: 'Chain', op, target, name: id(name), args })
const opArg = (op: string) => ({ kind: 'OperatorArg', op })

const S = 1_000_000_000n

/** The value of `var x = <src>`. */
function valueOf(src: string): unknown {
  const p = parseTickScript(`var x = ${src}`)
  const s = p.statements[0]
  if (p.statements.length !== 1 || s?.kind !== 'VarDecl') throw new Error(`not one var: ${src}`)
  return stripLoc(s.value)
}

function errorOf(src: string, lambdaOnly = false): string {
  try {
    if (lambdaOnly) parseLambdaExpr(src)
    else parseTickScript(src)
  } catch (e) {
    if (e instanceof TickScriptError) {
      if (e.problems.length !== 1) return `${e.problems.length} problems`
      return e.message
    }
    throw e
  }
  return 'parsed'
}

t.test('lexical traps: accepted, with their values', async (t) => {
  const table: [string, unknown][] = [
    // integers, octal
    ['10', int(10n, '10')],
    ['0', int(0n, '0')],
    ['010', int(8n, '010')],
    ['0777', int(511n, '0777')],
    ['9223372036854775807', int(9223372036854775807n, '9223372036854775807')],
    // floats
    ['1.0', flt(1, '1.0')],
    ['.5', flt(0.5, '.5')],
    ['1.', flt(1, '1.')],
    ['010.5', flt(10.5, '010.5')],
    // durations, every unit
    ['10u', dur(10_000n, '10u')],
    ['10µ', dur(10_000n, '10µ')],
    ['10ms', dur(10_000_000n, '10ms')],
    ['10s', dur(10n * S, '10s')],
    ['5m', dur(300n * S, '5m')],
    ['2h', dur(7200n * S, '2h')],
    ['1d', dur(86400n * S, '1d')],
    ['1w', dur(604800n * S, '1w')],
    ['010s', dur(10n * S, '010s')],
    // negative numbers and durations are a unary minus
    ['-5m', un('-', dur(300n * S, '5m'))],
    ['-1', un('-', int(1n, '1'))],
    ['- -1.5', un('-', un('-', flt(1.5, '1.5')))],
    // strings: only \' is an escape
    ["'a\\'b'", str("a'b")],
    ["'a\\nb'", str('a\\nb')],
    ["'C:\\\\dir'", str('C:\\\\dir')],
    ["''", str('')],
    ["'multi\nline'", str('multi\nline')],
    ["'''raw 'quoted' \\' text'''", str("raw 'quoted' \\' text", true)],
    ["'''line1\nline2'''", str('line1\nline2', true)],
    ["''''''", str('', true)],
    // references: \" is an escape
    ['"value"', ref('value')],
    ['"with \\"quotes\\""', ref('with "quotes"')],
    ['"a b.c"', ref('a b.c')],
    // regexes: \/ unescaped, other escapes kept for RE2
    ['/a\\/b/', re('a/b')],
    ['/^web\\d+$/', re('^web\\d+$')],
    ['/[a-z]+/', re('[a-z]+')],
    // keywords are upper case only
    ['TRUE', bool(true)],
    ['FALSE', bool(false)],
    ['true', id('true')],
    ['false', id('false')],
    ['and', id('and')],
    ['TRUE AND FALSE', bin('AND', bool(true), bool(false))],
    ['TRUEx', id('TRUEx')],
    ['variable', id('variable')],
    ['lambda', id('lambda')],
    ['lambda: 1', lambda(int(1n, '1'))],
    ['lambda:"x" > 1', lambda(bin('>', ref('x'), int(1n, '1')))],
    // identifiers: letters first, then letters, digits and _
    ['cpu_usage2', id('cpu_usage2')],
    ['é_ü', id('é_ü')],
    // division vs regex
    ['5 / 2', bin('/', int(5n, '5'), int(2n, '2'))],
    ['5/2', bin('/', int(5n, '5'), int(2n, '2'))],
    ['"a" / "b" / 2', bin('/', bin('/', ref('a'), ref('b')), int(2n, '2'))],
    ['lambda: "h" =~ /a/', lambda(bin('=~', ref('h'), re('a')))],
    ['lambda: "h" !~ /a/ OR "x" / 2 > 1', lambda(bin('OR', bin('!~', ref('h'), re('a')), bin('>', bin('/', ref('x'), int(2n, '2')), int(1n, '1'))))],
    ['f(/x/, 1)', call('f', re('x'), int(1n, '1'))],
    ['(5) / 2', bin('/', int(5n, '5'), int(2n, '2'))],
    // star vs multiply
    ['*', star],
    ['2 * 3', bin('*', int(2n, '2'), int(3n, '3'))],
    ['f(*)', call('f', star)],
    ['"a" * -2', bin('*', ref('a'), un('-', int(2n, '2')))],
    // lists
    ["[a, 'b', *]", list(id('a'), str('b'), star)],
    ['[]', list()],
    ['[a, ]', list(id('a'))],
    // precedence and associativity
    ['1 + 2 * 3', bin('+', int(1n, '1'), bin('*', int(2n, '2'), int(3n, '3')))],
    ['1 - 2 - 3', bin('-', bin('-', int(1n, '1'), int(2n, '2')), int(3n, '3'))],
    ['(1 - 2) * 3', bin('*', bin('-', int(1n, '1'), int(2n, '2')), int(3n, '3'))],
    ['1 < 2 == TRUE', bin('==', bin('<', int(1n, '1'), int(2n, '2')), bool(true))],
    ['a OR b AND c', bin('OR', id('a'), bin('AND', id('b'), id('c')))],
    ['!a AND b', bin('AND', un('!', id('a')), id('b'))],
    ['10 % 3 + 1', bin('+', bin('%', int(10n, '10'), int(3n, '3')), int(1n, '1'))],
    ['1 >= 2 != 3 <= 4', bin('!=', bin('>=', int(1n, '1'), int(2n, '2')), bin('<=', int(3n, '3'), int(4n, '4')))],
    // calls in lambdas take expressions
    ['lambda: if("x" > 1, 1, 2)', lambda(call('if', bin('>', ref('x'), int(1n, '1')), int(1n, '1'), int(2n, '2')))],
    ['time(10s)', call('time', dur(10n * S, '10s'))],
    // comments are whitespace inside statements
    ['1 + // one\n 2', bin('+', int(1n, '1'), int(2n, '2'))],
  ]
  for (const [src, want] of table) t.same(valueOf(src), want, src)
})

t.test('lambda start rule', async (t) => {
  t.same(stripLoc(parseLambdaExpr('"level" == 2 AND changed()')), bin('AND', bin('==', ref('level'), int(2n, '2')), call('changed')))
  t.same(stripLoc(parseLambdaExpr('  level() > OK  ')), bin('>', call('level'), id('OK')))
  t.equal(errorOf('"x" >', true), 'line 1 char 6: unexpected end of input, expected an expression')
  t.equal(errorOf('lambda: "x"', true), 'line 1 char 1: unexpected "lambda:", expected an expression')
  t.equal(errorOf('"x" > 1 |foo()', true), 'line 1 char 9: unexpected "|", expected an operator or end of input')
})

t.test('statements', async (t) => {
  const p = parseTickScript([
    'dbrp "telegraf"."autogen"',
    'var period = 10s',
    'var crit lambda',
    "stream|from().measurement('cpu')@udf().field('x')|window().period(period).align",
  ].join('\n'))
  t.same(stripLoc(p.statements), [
    { kind: 'Dbrp', db: ref('telegraf'), rp: ref('autogen') },
    { kind: 'VarDecl', name: id('period'), value: dur(10n * S, '10s') },
    { kind: 'TypedVarDecl', name: id('crit'), varType: 'lambda' },
    {
      kind: 'ExprStatement',
      expr: chain('.', chain('.', chain('|', chain('.', chain('@', chain('.', chain('|', id('stream'), 'from', []), 'measurement', [str('cpu')]), 'udf', []), 'field', [str('x')]), 'window', []), 'period', [id('period')]), 'align', null),
    },
  ])
  for (const ty of ['int', 'float', 'bool', 'string', 'regex', 'duration', 'lambda', 'list', 'star']) {
    const s = parseTickScript(`var v ${ty}`).statements[0]
    t.equal(s?.kind === 'TypedVarDecl' ? s.varType : undefined, ty, ty)
  }
  // statements need no separator; newlines are insignificant
  t.equal(parseTickScript('var a = 1 var b = 2').statements.length, 2)
  t.equal(parseTickScript('stream\n|from()\n\n\n|window()').statements.length, 1)
  t.equal(parseTickScript('').statements.length, 0)
  t.equal(parseTickScript('  // only a comment\n').statements.length, 0)
})

t.test('design-doc dialect', async (t) => {
  const p = parseTickScript('var window = stream.window().period(10s).every(5s)\nvar avg = window.map(mean, "value")\navg.filter(< , 30).alert()')
  t.same(stripLoc(p.statements), [
    { kind: 'VarDecl', name: id('window'), value: chain('.', chain('.', chain('.', id('stream'), 'window', []), 'period', [dur(10n * S, '10s')]), 'every', [dur(5n * S, '5s')]) },
    { kind: 'VarDecl', name: id('avg'), value: chain('.', id('window'), 'map', [id('mean'), ref('value')]) },
    { kind: 'ExprStatement', expr: chain('.', chain('.', id('avg'), 'filter', [opArg('<'), int(30n, '30')]), 'alert', []) },
  ])
  const q = parseTickScript('var w = stream.window(); w.period(10s); w.every(1s);\nbatch.filter(<, 30).alert()\nstream.groupby("dc").parallelism(4)')
  t.equal(q.statements.length, 5)
  t.same(stripLoc((q.statements[3] as ExprStatement).expr), chain('.', chain('.', id('batch'), 'filter', [opArg('<'), int(30n, '30')]), 'alert', []))
  const ops = ['==', '!=', '=~', '!~', '<', '<=', '>', '>=', '+', '-', '/', '%', 'AND', 'OR']
  for (const op of ops) {
    const e = (parseTickScript(`x.filter(${op}, 1)`).statements[0] as ExprStatement).expr as Chain
    t.same(stripLoc(e.args?.[0]), opArg(op), op)
  }
  // `*` as an argument is a star, as in groupBy(*)
  t.same(stripLoc(((parseTickScript('x.f(*, 1)').statements[0] as ExprStatement).expr as Chain).args?.[0]), star)
  // a map(...) call is a global function with pipeline arguments
  t.same(stripLoc((parseTickScript('map(mean, "value")').statements[0] as ExprStatement).expr), call('map', id('mean'), ref('value')))
})

t.test('comments: consecutive lines above a statement merge into its comment', async (t) => {
  const p = parseTickScript('// first\n//second  \n//\n// third\nvar x = 1\n\n// about y\n\nvar y = 2 // trailing\nvar z = 3\n// dangling\n')
  t.same(p.statements.map((s) => s.comment), ['first\nsecond\n\nthird', 'about y', 'trailing'])
  // a `;` separates a comment from the statement before it, not from the one after
  const q = parseTickScript('var a = 1; // for b\nvar b = 2')
  t.same(q.statements.map((s) => s.comment), [undefined, 'for b'])
  // comments inside a chain belong to the step below them
  const c = parseTickScript('stream\n    // the source\n    |from() // trailing\n    //  a property\n        .measurement(\'m\')\n    |window()')
  t.equal(c.statements.length, 1)
  const w = (c.statements[0] as ExprStatement).expr as Chain
  const m = w.target as Chain
  const f = m.target as Chain
  t.same([f.comment, m.comment, w.comment], ['the source', 'trailing\n a property', undefined])
  // comments inside an expression are whitespace
  t.same(stripLoc(parseTickScript('var x = 1 + // one\n 2').statements[0]), { kind: 'VarDecl', name: id('x'), value: bin('+', int(1n, '1'), int(2n, '2')) })
})

t.test('locations', async (t) => {
  const src = "var x = 5\nstream\n    |from()\n        .where(lambda: \"a\" > 10s)"
  const p: Program = parseTickScript(src)
  t.same(p.loc.start, { offset: 0, line: 1, column: 1 })
  t.same(p.loc.end, { offset: src.length, line: 4, column: 34 })
  const v = p.statements[0]!
  t.same([v.loc.start.column, v.loc.end.column], [1, 10])
  const e = (p.statements[1] as ExprStatement).expr as Chain
  t.same([e.loc.start.line, e.loc.start.column, e.loc.end.line, e.loc.end.column], [2, 1, 4, 34])
  t.same([e.name.loc.start.line, e.name.loc.start.column], [4, 10])
  const lam = e.args![0]!
  t.same([lam.loc.start.column, lam.loc.end.column], [16, 33])
  if (lam.kind !== 'Lambda' || lam.body.kind !== 'Binary') throw new Error('shape')
  t.same([lam.body.loc.start.column, lam.body.right.loc.start.column, lam.body.right.loc.end.column], [24, 30, 33])
  const td = parseTickScript('var t   duration').statements[0]!
  t.same(td.kind === 'TypedVarDecl' ? [td.typeLoc.start.column, td.typeLoc.end.column] : null, [9, 17])
})

t.test('errors: one located problem, Kapacitor-like wording', async (t) => {
  const table: [string, string][] = [
    // numbers and durations
    ['09', 'line 1 char 1: illegal number syntax: "09" (a leading 0 makes an octal number)'],
    ['var x = 0778', 'line 1 char 9: illegal number syntax: "0778" (a leading 0 makes an octal number)'],
    ['var x = 1.5s', 'line 1 char 9: invalid duration "1.5s": a duration is an integer and a unit, decimals are not allowed'],
    ['var x = 1h30m', 'line 1 char 9: invalid duration "1h30m": compound durations are not allowed, use a single unit'],
    ['stream|alert().crit(lambda: "x" > 5d3)', 'line 1 char 35: invalid duration "5d3": compound durations are not allowed, use a single unit'],
    ['var x = 10ns', 'line 1 char 9: invalid duration "10ns": unknown unit "ns", expected one of u, µ, ms, s, m, h, d, w'],
    ['var x = 5µs', 'line 1 char 9: invalid duration "5µs": unknown unit "µs", expected one of u, µ, ms, s, m, h, d, w'],
    ['var x = 1.2.3', 'line 1 char 9: multiple decimals in number "1.2.3"'],
    ['var x = 99999999999999999999', 'line 1 char 9: illegal number syntax: "99999999999999999999" (out of range for a 64-bit integer)'],
    ['stream|window().period(10 s)', 'line 1 char 27: unexpected identifier "s", expected ",", ")" or an operator'],
    // identifiers
    ['var _x = 1', 'line 1 char 5: invalid identifier "_x": identifiers must start with a letter'],
    ['stream|from().where(lambda: _x > 1)', 'line 1 char 29: invalid identifier "_x": identifiers must start with a letter'],
    ['var 5 = 1', 'line 1 char 5: unexpected number "5", expected identifier'],
    ['var TRUE = 1', 'line 1 char 5: unexpected "TRUE", expected identifier'],
    // unterminated literals
    ["var s = 'abc", 'line 1 char 9: unterminated string'],
    ["var s = '''abc\n\n", 'line 1 char 9: unterminated string'],
    ["var s = 'it\\'", 'line 1 char 9: unterminated string'],
    ['var r = "abc', 'line 1 char 9: unterminated field reference'],
    ['stream|from().where(lambda: "a" =~ /abc)', 'line 1 char 36: unterminated regex'],
    // lambda keyword
    ['lambda : "x"', 'line 1 char 8: unexpected ":", expected a statement, ".", "@", "|", an operator or end of input'],
    ['stream|from().where(lambda "x")', 'line 1 char 28: unexpected reference "x", expected ",", ".", "(", ")", "@", "|" or an operator'],
    // expressions
    ['stream|from().where(lambda: "x" > )', 'line 1 char 35: unexpected ")", expected an expression'],
    ['stream|from().where(lambda: "x" > 5', 'line 1 char 36: unexpected end of input, expected ",", ")" or an operator'],
    ['stream|from().where(lambda: "a" AND AND "b")', 'line 1 char 37: unexpected "AND", expected an expression'],
    ['stream|from().where(lambda: ("a" > 1)', 'line 1 char 38: unexpected end of input, expected ",", ")" or an operator'],
    ['stream|from().where(lambda: "a" = 1)', 'line 1 char 33: unexpected "=", expected ",", ")" or an operator'],
    ['stream|from().where(lambda: "a" and "b")', 'line 1 char 33: unexpected identifier "and", expected ",", ")" or an operator'],
    ['stream|eval(lambda: "a" + * 2)', 'line 1 char 29: unexpected number "2", expected ",", ")" or an operator'],
    ['stream|from().where(lambda: TRUE ==)', 'line 1 char 36: unexpected ")", expected an expression'],
    ['var x = 5 +', 'line 1 char 12: unexpected end of input, expected an expression'],
    ['var x = !', 'line 1 char 10: unexpected end of input, expected an expression'],
    ['var y = $', 'line 1 char 9: unexpected "$", expected an expression'],
    ['var x = 5 var y = :', 'line 1 char 19: unexpected ":", expected an expression'],
    ['var x = (1 + 2', 'line 1 char 15: unexpected end of input, expected ")" or an operator'],
    ['var x = f(1 2)', 'line 1 char 13: unexpected number "2", expected ",", ")" or an operator'],
    // chains
    ['stream|from(', 'line 1 char 13: unexpected end of input, expected an expression or ")"'],
    ['stream|from()|', 'line 1 char 15: unexpected end of input, expected identifier'],
    ['stream|window', 'line 1 char 14: unexpected end of input, expected "("'],
    ['stream|window\n    .period(10s)', 'line 2 char 5: unexpected ".", expected "("'],
    ['stream|from().', 'line 1 char 15: unexpected end of input, expected identifier'],
    ['stream@', 'line 1 char 8: unexpected end of input, expected identifier'],
    ['stream|from())', 'line 1 char 14: unexpected ")", expected a statement, ".", "@", "|" or end of input'],
    ["stream|from().measurement('cpu') AND", 'line 1 char 34: unexpected "AND", expected a statement, ".", "@", "|" or end of input'],
    ['stream\n    |from()\n        .measurement(\'cpu\'\n    |window()', 'line 4 char 5: unexpected "|", expected ",", ")" or an operator'],
    ['stream\n    |from()\n    |window()\n        .period(10s)\n        .every(10s))\n', 'line 5 char 20: unexpected ")", expected a statement, ".", "@", "|" or end of input'],
    ['|from()', 'line 1 char 1: unexpected "|", expected a statement or end of input'],
    ['x = 5', 'line 1 char 3: unexpected "=", expected a statement, ".", "@", "|", an operator or end of input'],
    // lists
    ['stream|from().groupBy([a, 1])', 'line 1 char 27: unexpected number "1", expected "]", "*", identifier or string'],
    ['var l = [a, b', 'line 1 char 14: unexpected end of input, expected "," or "]"'],
    ['var l = [,]', 'line 1 char 10: unexpected ",", expected "]", "*", identifier or string'],
    // var and dbrp
    ['var', 'line 1 char 4: unexpected end of input, expected identifier'],
    ['var x', 'line 1 char 6: unexpected end of input, expected "=" or a type'],
    ['var x =', 'line 1 char 8: unexpected end of input, expected an expression'],
    ['var x foo', 'line 1 char 7: invalid type "foo" for a template var, expected one of int, float, bool, string, regex, duration, lambda, list, star'],
    ['dbrp', 'line 1 char 5: unexpected end of input, expected reference'],
    ['dbrp "db"', 'line 1 char 10: unexpected end of input, expected "."'],
    ['dbrp "db".', 'line 1 char 11: unexpected end of input, expected reference'],
    ["dbrp 'db'.'rp'", 'line 1 char 6: unexpected string, expected reference'],
    // multi-line positions
    ['var a = 1\n\nvar b = 2 +\n', 'line 4 char 1: unexpected end of input, expected an expression'],
    ["// comment\nstream\n    |from()\n        .where(lambda: \"host\" == 'a' AND)\n", 'line 4 char 41: unexpected ")", expected an expression'],
    ['\tvar x = #', 'line 1 char 10: unexpected "#", expected an expression'],
  ]
  t.ok(table.length >= 40, `${table.length} bad scripts`)
  for (const [src, want] of table) t.equal(errorOf(src), want, JSON.stringify(src))
})

t.test('error objects carry the expectation list and render with a caret', async (t) => {
  const src = 'stream\n    |from()\n        .where(lambda: "x" > )'
  try {
    parseTickScript(src)
    t.fail('parsed')
  } catch (e) {
    if (!(e instanceof TickScriptError)) throw e
    const p = e.problems[0]!
    t.same(p.expected, ['an expression'])
    t.equal(renderWithCaret(src, p), 'line 3 char 30: unexpected ")", expected an expression\n        .where(lambda: "x" > )\n                             ^')
  }
})
