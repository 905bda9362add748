/**
 * The formatter: golden output for every fixture (test/fixtures/tick/<case>.tick →
 * <case>.format.golden; UPDATE_GOLDEN=1 regenerates), the round-trip property
 * (format(parse(s)) parses to an equal AST and is a fixed point), and the details of the
 * canonical form (indentation, escapes, minimal parentheses).
 */
import t from 'tap'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { parseLambdaExpr, parseTickScript } from '../../src/interp/parse.js'
import { formatExpr, formatProgram } from '../../src/interp/format.js'
import { stripForRoundTrip, tickFixtureDir, tickFixtures } from './ast-helpers.js'

const update = process.env.UPDATE_GOLDEN === '1'

t.test('golden: every fixture formats to its golden file', async (t) => {
  const fixtures = tickFixtures()
  t.ok(fixtures.length >= 15, `${fixtures.length} fixtures`)
  for (const { name, source } of fixtures) {
    const out = formatProgram(parseTickScript(source))
    const golden = `${tickFixtureDir}${name}.format.golden`
    if (update || !existsSync(golden)) {
      if (!update) t.fail(`${name}: no golden file (run with UPDATE_GOLDEN=1)`)
      writeFileSync(golden, out)
      continue
    }
    t.equal(out, readFileSync(golden, 'utf8'), name)
  }
})

t.test('round trip: format(parse(s)) parses to an equal AST and is a fixed point', async (t) => {
  for (const { name, source } of tickFixtures()) {
    const ast = parseTickScript(source)
    const once = formatProgram(ast)
    const reparsed = parseTickScript(once)
    t.same(stripForRoundTrip(reparsed), stripForRoundTrip(ast), `${name}: same AST`)
    t.equal(formatProgram(reparsed), once, `${name}: fixed point`)
  }
})

t.test('canonical form', async (t) => {
  const table: [string, string][] = [
    ["stream|from().measurement('cpu')|window().period(10s).every(5s)",
      "stream\n    |from()\n        .measurement('cpu')\n    |window()\n        .period(10s)\n        .every(5s)\n"],
    ['var a = 1\nvar b = 2', 'var a = 1\n\nvar b = 2\n'],
    ['dbrp "db"."r\\"p"', 'dbrp "db"."r\\"p"\n'],
    ['var t   int', 'var t int\n'],
    ['//a\n//  b\n//\nvar x = 1', '// a\n//  b\n//\nvar x = 1\n'],
    ['stream@udf().opt(1)|x().flag', 'stream\n    @udf()\n        .opt(1)\n    |x()\n        .flag\n'],
    ['var w = stream.window(); w.period(10s);', 'var w = stream\n        .window()\n\nw\n        .period(10s)\n'],
    ['avg.filter(< , 30)', 'avg\n        .filter(<, 30)\n'],
    ['var l = [ a ,\'b\',* , ]', "var l = [a, 'b', *]\n"],
    ["var s = 'it\\'s \\n'", "var s = 'it\\'s \\n'\n"],
    ["var s = '''it's\n  raw'''", "var s = '''it's\n  raw'''\n"],
    ['var r = /a\\/b\\d/', 'var r = /a\\/b\\d/\n'],
    ['var n = 010 + 0 + .5 + 1. + 2.50', 'var n = 010 + 0 + 0.5 + 1.0 + 2.5\n'],
    ['var d = -5m', 'var d = -5m\n'],
    ['var b = TRUE AND !FALSE', 'var b = TRUE AND !FALSE\n'],
    ['var f = lambda:"a">1', 'var f = lambda: "a" > 1\n'],
    ['var f = lambda: if("a" > 1, \'x\', "y")', 'var f = lambda: if("a" > 1, \'x\', "y")\n'],
    ['join(a, b).as(\'a\', \'b\')', "join(a, b)\n        .as('a', 'b')\n"],
    ['stream // s\n// from\n|from()\n// m\n//\n// x\n.measurement(\'m\')', "stream\n    // s\n    // from\n    |from()\n        // m\n        //\n        // x\n        .measurement('m')\n"],
    // statements that would merge with the one before keep a `;`
    ['x; -5', 'x;\n\n-5\n'],
    ['var a = b; // c\n(1 + 2) * 3', 'var a = b;\n\n// c\n(1 + 2) * 3\n'],
    ['stream|x(); -5', 'stream\n    |x()\n\n-5\n'],
    ['var t int\n-5', 'var t int\n\n-5\n'],
  ]
  for (const [src, want] of table) t.equal(formatProgram(parseTickScript(src)), want, JSON.stringify(src))
})

t.test('lambda expressions keep only the parentheses precedence needs', async (t) => {
  const table: [string, string][] = [
    ['(1 + 2) * 3', '(1 + 2) * 3'],
    ['1 + (2 * 3)', '1 + 2 * 3'],
    ['(1 - 2) - 3', '1 - 2 - 3'],
    ['1 - (2 - 3)', '1 - (2 - 3)'],
    ['1 / (2 * 3)', '1 / (2 * 3)'],
    ['(a OR b) AND c', '(a OR b) AND c'],
    ['a OR (b AND c)', 'a OR b AND c'],
    ['!(a AND b)', '!(a AND b)'],
    ['-(1 + 2)', '-(1 + 2)'],
    ['- - 1', '--1'],
    ['((("x")))', '"x"'],
    ['("a" > 1) == ("b" < 2)', '"a" > 1 == "b" < 2'],
    ['"a" == ("b" == "c")', '"a" == ("b" == "c")'],
    ['"h" =~ /a\\/b/ AND "v" % 2 == 0', '"h" =~ /a\\/b/ AND "v" % 2 == 0'],
    ['f((1 + 2) * 3, -x)', 'f((1 + 2) * 3, -x)'],
  ]
  for (const [src, want] of table) {
    const e = parseLambdaExpr(src)
    const out = formatExpr(e, '')
    t.equal(out, want, src)
    t.same(stripForRoundTrip(parseLambdaExpr(out)), stripForRoundTrip(e), `${src}: same AST`)
  }
})
