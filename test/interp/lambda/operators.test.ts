/** Operator typing tables (Kapacitor's evaluation_funcs.go): accepted pairs and results, refused pairs and messages. */
import t from 'tap'
import { Duration } from '../../../src/interp/lambda/values.js'
import { bin, dur, ev, flt, int, point, ref, str, un, bool, re } from './helpers.js'

const S = 1_000_000_000n
const MISMATCH = (l: string, op: string, r: string) =>
  `mismatched type to binary operator. got ${l} ${op} ${r}. see bool(), int(), float(), string(), duration()`

t.test('accepted pairs on literals (define-time constants)', async (t) => {
  const cases: [string, unknown][] = [
    ['TRUE AND FALSE', false], ['TRUE OR FALSE', true], ['TRUE == TRUE', true], ['TRUE != FALSE', true],
    ['1 == 1', true], ['1 == 1.0', true], ['1.5 != 1', true], ["'a' == 'a'", true], ['10s == 10s', true],
    ['1 < 2', true], ['2 <= 2.0', true], ['2.5 > 2', true], ['1.0 >= 1.0', true], ["'abc' < 'abd'", true], ['1m > 59s', true],
    ["'webserver' =~ /^web/", true], ["'db' !~ /^web/", true],
    ['1 + 2', 3n], ['1.5 + 2.25', 3.75], ["'a' + 'b'", 'ab'], ['1s + 1ms', new Duration(S + 1_000_000n)],
    ['5 - 7', -2n], ['0.5 - 0.25', 0.25], ['1m - 1s', new Duration(59n * S)],
    ['3 * 4', 12n], ['1.5 * 2.0', 3.0], ['2s * 3', new Duration(6n * S)], ['3 * 2s', new Duration(6n * S)],
    ['2s * 1.5', new Duration(3n * S)], ['1.5 * 2s', new Duration(3n * S)],
    ['7 / 2', 3n], ['-7 / 2', -3n], ['7.0 / 2.0', 3.5], ['10s / 4', new Duration(2_500_000_000n)], ['10s / 4.0', new Duration(2_500_000_000n)],
    ['10s / 3s', 3n], ['7 % 3', 1n], ['-7 % 3', -1n],
    ['-5', -5n], ['-2.5', -2.5], ['-5s', new Duration(-5n * S)], ['!TRUE', false],
    ['1.0 / 0.0', Infinity], ['-1.0 / 0.0', -Infinity],
  ]
  for (const [src, want] of cases) t.same(ev(src), want, src)
})

t.test('accepted pairs on field values (per-point dispatch)', async (t) => {
  const p = point({ i: 7n, f: 2.5, s: 'web01', b: true })
  const cases: [string, unknown][] = [
    ['"i" + 1', 8n], ['"f" * 2.0', 5.0], ['"s" + \'-x\'', 'web01-x'], ['"b" AND TRUE', true],
    ['"i" > "f"', true], ['"i" == 7.0', true], ['"f" < 3', true], ['"s" =~ /01$/', true], ['"i" / 2', 3n], ['"i" % 4', 3n],
    ['-"i"', -7n], ['!"b"', false], ['"i" > 5 AND "s" =~ /^web/', true],
  ]
  for (const [src, want] of cases) t.same(ev(src, p), want, src)
})

t.test('refused pairs: define-time problems when both types are known', async (t) => {
  const cases: [string, string][] = [
    ['1 + 1.0', MISMATCH('int', '+', 'float')],
    ['1.0 * 2', MISMATCH('float', '*', 'int')],
    ["'a' + 1", MISMATCH('string', '+', 'int')],
    ['1 / 1s', MISMATCH('int', '/', 'duration')],
    ['TRUE + TRUE', 'invalid math operator + for type boolean'],
    ["'a' - 'b'", 'invalid math operator - for type string'],
    ['1.5 % 1.0', 'invalid math operator % for type float'],
    ['1 AND TRUE', 'invalid logical operator AND for type int'],
    ["TRUE < FALSE", 'invalid comparison operator < for type boolean'],
    ["'a' =~ 'a'", MISMATCH('string', '=~', 'string')],
    ['1 =~ /a/', 'invalid comparison operator =~ for type int'],
    ["1 == 'a'", MISMATCH('int', '==', 'string')],
    ['-TRUE', 'invalid unary operator - for type boolean'],
    ["!'a'", 'invalid unary operator ! for type string'],
  ]
  for (const [src, msg] of cases) t.equal(ev(src), `problem: ${msg}`, src)
})

t.test('refused pairs on field values: per-point errors with the same wording', async (t) => {
  const p = point({ i: 7n, f: 2.5, s: 'x', b: true })
  t.equal(ev('"i" + "f"', p), `error: ${MISMATCH('int', '+', 'float')}`)
  t.equal(ev('"f" - 1', p), `error: ${MISMATCH('float', '-', 'int')}`)
  t.equal(ev('"s" > 1', p), `error: ${MISMATCH('string', '>', 'int')}`)
  t.equal(ev('"b" + 1', p), 'error: invalid math operator + for type boolean')
  t.equal(ev('-"s"', p), 'error: invalid unary operator - for type string')
  t.equal(ev('"i" AND TRUE', p), 'error: invalid logical operator AND for type int')
})

t.test('the operator tables agree between hand-built ASTs and parsed text', async (t) => {
  t.same(ev(bin('+', int(1), int(2))), 3n)
  t.same(ev(bin('*', dur(2n), flt(1.5))), new Duration(3n))
  t.same(ev(bin('=~', str('abc'), re('b'))), true)
  t.same(ev(un('-', ref('x')), point({ x: 2.5 })), -2.5)
  t.same(ev(bin('OR', bool(false), ref('b')), point({ b: true })), true)
})

t.test('int64 arithmetic wraps like Go', async (t) => {
  const max = 9223372036854775807n
  const min = -9223372036854775808n
  t.equal(ev('"x" + 1', point({ x: max })), min)
  t.equal(ev('"x" - 1', point({ x: min })), max)
  t.equal(ev('"x" * 2', point({ x: max })), -2n)
  t.equal(ev('-"x"', point({ x: min })), min)
  t.equal(ev('"x" / -1', point({ x: min })), min)
  t.equal(ev('"x" + 0', point({ x: 9007199254740993n })), 9007199254740993n, 'exact beyond 2^53')
  t.equal(ev('"x" == 9007199254740992.0', point({ x: 9007199254740993n })), true, 'int/float compare converts the int as Go does')
})

t.test('integer division and modulo by zero are per-point errors', async (t) => {
  t.equal(ev('"x" / 0', point({ x: 5n })), 'error: integer divide by zero')
  t.equal(ev('"x" % 0', point({ x: 5n })), 'error: integer divide by zero')
  t.equal(ev('1 / 0'), 'error: integer divide by zero', 'constants too: not a define-time problem')
  t.equal(ev('10s / 0', point()), 'error: integer divide by zero')
  t.equal(ev('"x" / 0.0', point({ x: 5.0 })), Infinity)
})

t.test('AND/OR short-circuit', async (t) => {
  t.equal(ev('FALSE AND "missing" > 1'), false)
  t.equal(ev('TRUE OR "missing" > 1'), true)
  t.equal(ev('TRUE AND "missing" > 1'), 'error: left reference value "missing" is missing value')
})

t.test('strings compare as UTF-8 bytes, as Go does', async (t) => {
  // U+FF61 (EF BD A1) < U+1F600 (F0 9F 98 80) in UTF-8, but not in UTF-16 (FF61 > D83D)
  t.equal(ev('"a" < "b"', point({}, { a: '\uFF61', b: '\u{1F600}' })), true)
  t.equal(ev('"a" > "b"', point({}, { a: 'b', b: 'a' })), true)
  t.equal(ev('"a" <= "b"', point({}, { a: 'x\u00e9', b: 'x\u00e9' })), true)
})

t.test('the inlined `"ref" <cmp> constant` and `"ref" =~ /re/` shapes keep every rule', async (t) => {
  t.equal(ev('"v" > 80', point({ v: 80.5 })), true)
  t.equal(ev('"v" > 80.5', point({ v: 81n })), true)
  t.equal(ev('"v" == 9007199254740992.0', point({ v: 9007199254740993n })), true)
  t.equal(ev('"v" > 80', point({ v: 80.5 }, { v: 'x' })), 'error: cannot have field and tags with same name "v"')
  t.equal(ev('"v" > 80', point({}, { v: '90' })), `error: ${MISMATCH('string', '>', 'int')}`)
  t.equal(ev('"v" > 80', point()), 'error: left reference value "v" is missing value')
  t.equal(ev('"h" =~ /^web/', point({ h: 'web1' })), true, 'a string field')
  t.equal(ev('"h" !~ /^web/', point({}, { h: 'db1' })), true)
  t.equal(ev('"h" =~ /^web/', point({ h: 'x' }, { h: 'web1' })), 'error: cannot have field and tags with same name "h"')
  t.equal(ev('"h" =~ /^web/', point({ h: 1n })), 'error: invalid comparison operator =~ for type int')
  t.equal(ev('"h" =~ /^web/', point()), 'error: left reference value "h" is missing value')
})
