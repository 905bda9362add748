/** Every built-in function; cases follow Kapacitor's tick/stateful/functions_test.go where it has them. */
import t from 'tap'
import { BUILTIN_FUNCTIONS } from '../../../src/interp/lambda/functions.js'
import { humanBytes } from '../../../src/interp/lambda/functions-misc.js'
import { formatFloatF, goFloatV } from '../../../src/interp/lambda/function-spec.js'
import { Duration, Instant } from '../../../src/interp/lambda/values.js'
import { ev, point } from './helpers.js'

const S = 1_000_000_000n
/** Fields of every type, to pass values whose type is only known per point. */
const P = point({ t: true, f0: false, i1: 1n, i0: 0n, i2: 2n, fl1: 1.0, fl0: 0.0, fl11: 1.1, fl29999: 2.9999, s: 'asdf' })

t.test('bool()', async (t) => {
  const cases: [string, unknown][] = [
    ['bool(TRUE)', true], ['bool(FALSE)', false], ['bool(1)', true], ['bool(0)', false], ['bool(1.0)', true], ['bool(0.0)', false],
    ["bool('true')", true], ["bool('false')", false], ["bool('T')", true], ["bool('0')", false],
    ["bool('asdf')", 'error: error calling "bool": strconv.ParseBool: parsing "asdf": invalid syntax'],
    ['bool("i2")', 'error: error calling "bool": cannot convert 2 to boolean'],
    ['bool(2.5)', 'error: error calling "bool": cannot convert 2.5 to boolean'],
    ['bool(1s)', 'error: error calling "bool": cannot convert time.Duration to boolean'],
    ['bool()', 'problem: error calling "bool": bool expects exactly one argument'],
    ['bool(1, 2)', 'problem: error calling "bool": bool expects exactly one argument'],
  ]
  for (const [src, want] of cases) t.same(ev(src, P), want, src)
})

t.test('int()', async (t) => {
  const cases: [string, unknown][] = [
    ['int(TRUE)', 1n], ['int(FALSE)', 0n], ['int(1)', 1n], ['int(1.0)', 1n], ['int(1.1)', 1n], ['int(2.9999)', 2n], ['int(-2.9)', -2n],
    ["int('1')", 1n], ["int('-2')", -2n], ["int('2.5')", 'error: error calling "int": strconv.ParseInt: parsing "2.5": invalid syntax'],
    ["int('9223372036854775808')", 'error: error calling "int": strconv.ParseInt: parsing "9223372036854775808": value out of range'],
    ['int(15u)', 15_000n], ['int("s")', 'error: error calling "int": strconv.ParseInt: parsing "asdf": invalid syntax'],
    ['int()', 'problem: error calling "int": int expects exactly one argument'],
  ]
  for (const [src, want] of cases) t.same(ev(src, P), want, src)
})

t.test('float()', async (t) => {
  const cases: [string, unknown][] = [
    ['float(TRUE)', 1], ['float(FALSE)', 0], ['float(1)', 1], ['float(1.1)', 1.1], ["float('2.5')", 2.5], ["float('1e3')", 1000],
    ["float('asdf')", 'error: error calling "float": strconv.ParseFloat: parsing "asdf": invalid syntax'],
    ['float(15u)', 'error: error calling "float": cannot convert time.Duration to float'],
    ['float("i2")', 2], ['float()', 'problem: error calling "float": float expects exactly one argument'],
  ]
  for (const [src, want] of cases) t.same(ev(src, P), want, src)
})

t.test('string()', async (t) => {
  const cases: [string, unknown][] = [
    ['string(TRUE)', 'true'], ['string(FALSE)', 'false'], ['string(1)', '1'], ['string(0)', '0'], ['string(1.0)', '1'], ['string(0.0)', '0'],
    ['string(1.1)', '1.1'], ['string(2.9999)', '2.9999'], ["string('asdf')", 'asdf'], ['string(15s)', '15s'],
    ['string(90m)', '90m'], ['string(2w)', '2w'], ['string(36h)', '36h'], ['string(1500ms)', '1500ms'], ['string(0s)', '0s'],
    ['string(1000000000000000000000.0)', '1000000000000000000000'], ['string(0.0000001)', '0.0000001'],
    ['string()', 'problem: error calling "string": string expects exactly one argument'],
  ]
  for (const [src, want] of cases) t.same(ev(src, P), want, src)
  t.equal(formatFloatF(-1.5e-7), '-0.00000015')
  t.equal(formatFloatF(NaN), 'NaN')
  t.equal(formatFloatF(-Infinity), '-Inf')
  t.equal(goFloatV(1234567), '1.234567e+06')
  t.equal(goFloatV(123456), '123456')
  t.equal(goFloatV(0.00001), '1e-05')
})

t.test('duration()', async (t) => {
  const cases: [string, unknown][] = [
    ['duration(TRUE)', 'error: error calling "duration": cannot convert bool to duration'],
    ['duration(1, 1s)', new Duration(S)], ['duration(0, 1u)', new Duration(0n)], ['duration(1.0, 1h)', new Duration(3600n * S)],
    ['duration(2.9999, 1ms)', new Duration(2_999_900n)], ["duration('1m')", new Duration(60n * S)], ["duration('2s')", new Duration(2n * S)],
    ["duration('1h30m')", new Duration(5400n * S)],
    ["duration('2.5h')", 'error: error calling "duration": invalid duration string "2.5h"'],
    ['duration(15u)', new Duration(15_000n)],
    ['duration(1)', 'error: error calling "duration": duration expects unit argument for int and float values'],
    ['duration(1, 5)', 'error: error calling "duration": invalid duration unit type: int64'],
    ['duration("i1")', 'error: error calling "duration": duration expects unit argument for int and float values'],
    ['duration()', 'problem: error calling "duration": duration expects one or two arguments duration(value, unit) where unit is optional depending on the type of value.'],
  ]
  for (const [src, want] of cases) t.same(ev(src, P), want, src)
})

t.test('if()', async (t) => {
  const cases: [string, unknown][] = [
    ['if(TRUE)', 'problem: error calling "if": if expects exactly three arguments'],
    ['if(12, 6, FALSE)', 'error: error calling "if": first argument to if must be a condition with type of bool - got int64'],
    ['if(TRUE, 1, 2)', 1n], ['if(FALSE, 1, 2)', 2n], ["if(\"t\", 'a', 'b')", 'a'],
    ["if(FALSE, 1, '1')", 'error: error calling "if": Different return types are not supported - second argument is int64 and third argument is string'],
    ['if("t", "i1", "fl1")', 'error: error calling "if": Different return types are not supported - second argument is int64 and third argument is float64'],
  ]
  for (const [src, want] of cases) t.same(ev(src, P), want, src)
})

t.test('string functions (functions_test.go cases)', async (t) => {
  const cases: [string, unknown][] = [
    ["strContains('aabbc', 'bc')", true], ["strContains('aabbc', 'bx')", false],
    ["strContains('')", 'problem: error calling "strContains": strContains expects exactly two arguments'],
    ["strContainsAny('aabbc', 'bx')", true], ["strContainsAny('aabbc', 'xy')", false],
    ["strCount('aababc', 'a')", 3n], ["strCount('aabbc', 'x')", 0n], ["strCount('five', '')", 5n],
    ["strHasPrefix('aababc', 'aab')", true], ["strHasPrefix('aabbc', 'aax')", false],
    ["strHasSuffix('aababc', 'bc')", true], ["strHasSuffix('aabbc', 'xbc')", false],
    ["strIndex('aababc', 'ba')", 2n], ["strIndex('aabbc', 'xbc')", -1n], ["strIndex('héllo', 'l')", 3n],
    ["strIndexAny('aababc', 'bax')", 0n], ["strIndexAny('aabbc', 'xy')", -1n],
    ["strLastIndex('aababa', 'ba')", 4n], ["strLastIndex('aabbc', 'xbc')", -1n],
    ["strLastIndexAny('aababc', 'bax')", 4n], ["strLastIndexAny('aabbc', 'xy')", -1n],
    ["strLength('abc')", 3n], ["strLength('héllo')", 6n],
    ["strReplace('abxyzc', 'xyz', '', 1)", 'abc'], ["strReplace('abxaza', 'a', 'z', -1)", 'zbxzzz'], ["strReplace('aaa', 'a', 'b', 2)", 'bba'],
    ["strReplace('', '', '')", 'problem: error calling "strReplace": strReplace expects exactly four arguments'],
    ["strReplace('a', 'a', 'b', 1.0)", 'error: error calling "strReplace": cannot pass float64 as fourth arg to strReplace, must be int'],
    ["strSubstring('abcdefg', 1, 5)", 'bcde'],
    ["strSubstring('')", 'problem: error calling "strSubstring": strSubstring expects exactly three arguments'],
    ["strSubstring('abcdefg', 0, 10)", 'error: error calling "strSubstring": stop index too large for string in strSubstring: 10'],
    ["strSubstring('abcdefg', -1, 3)", 'error: error calling "strSubstring": found negative index for strSubstring: -1'],
    ["strSubstring('abcdefg', 0, -3)", 'error: error calling "strSubstring": found negative index for strSubstring: -3'],
    ["strToLower('ABC')", 'abc'], ["strToLower('abc')", 'abc'],
    ["strToLower('', '', '')", 'problem: error calling "strToLower": strToLower expects exactly one argument'],
    ["strToUpper('ABC')", 'ABC'], ["strToUpper('abc')", 'ABC'],
    ["strTrim('abba', 'a')", 'bb'], ["strTrim('aabbaa', 'a')", 'bb'],
    ["strTrimLeft('abba', 'a')", 'bba'], ["strTrimLeft('aabbaa', 'a')", 'bbaa'],
    ["strTrimPrefix('abba', 'a')", 'bba'], ["strTrimPrefix('aabbaa', 'a')", 'abbaa'],
    ["strTrimRight('abba', 'a')", 'abb'], ["strTrimRight('aabbaa', 'a')", 'aabb'],
    ["strTrimSuffix('abba', 'a')", 'abb'], ["strTrimSuffix('aabbaa', 'a')", 'aabba'],
    ["strTrimSpace('  \tx y \n')", 'x y'],
    ["strContains(1, 'a')", 'error: error calling "strContains": cannot pass int64 as first arg to strContains, must be string'],
    ['strContains("s", "i1")', 'error: error calling "strContains": cannot pass int64 as second arg to strContains, must be string'],
  ]
  for (const [src, want] of cases) t.same(ev(src, P), want, src)
})

t.test('regexReplace (functions_test.go cases) and RE2 syntax', async (t) => {
  const cases: [string, unknown][] = [
    ["regexReplace(/a(x*)b/, '-ab-axxb-', 'T')", '-T-T-'],
    ["regexReplace(/a(x*)b/, '-ab-axxb-', '$1')", '--xx-'],
    ["regexReplace(/a(x*)b/, '-ab-axxb-', '$1W')", '---'],
    ["regexReplace(/a(x*)b/, '-ab-axxb-', '${1}W')", '-W-xxW-'],
    ["regexReplace(/a(?P<middle>x*)b/, '-ab-axxb-', '${middle}W')", '-W-xxW-'],
    ["regexReplace(/a*/, 'baaac', 'X')", 'XbXcX'],
    ["regexReplace(/x/, 'axb', '$$')", 'a$b'],
    ["regexReplace('')", 'problem: error calling "regexReplace": regexReplace expects exactly three arguments'],
    ["regexReplace('a', 'b', 'c')", 'error: error calling "regexReplace": cannot pass string as first arg to regexReplace, must be regex'],
    ["'HOST' =~ /(?i)^host$/", true],
    ["'a\nb' =~ /^b/", false], ["'a\nb' =~ /(?m)^b/", true], ["'a\nb' =~ /a.b/", false], ["'a\nb' =~ /(?s)a.b/", true],
    ["'ab\n' =~ /b\\z/", false], ["'ab' =~ /\\Aab\\z/", true],
    ["'a.b' =~ /\\Qa.b\\E/", true], ["'axb' =~ /\\Qa.b\\E/", false],
    ["'x9' =~ /[[:alpha:]][[:digit:]]/", true],
    ["'é' =~ /^\\pL$/", true],
  ]
  for (const [src, want] of cases) t.same(ev(src, P), want, src)
  t.match(String(ev("'a' =~ /(?U)a/")), /^problem: error parsing regexp: invalid or unsupported Perl syntax/)
})

t.test('math functions: float only', async (t) => {
  const close = (src: string, want: number, tol = 1e-12) => {
    const got = ev(src, P)
    t.ok(typeof got === 'number' && (Object.is(got, want) || Math.abs(got - want) <= tol * Math.max(1, Math.abs(want))), `${src} = ${String(got)} ≈ ${want}`)
  }
  close('abs(-1.5)', 1.5); close('sqrt(16.0)', 4); close('pow(2.0, 10.0)', 1024); close('pow(1.0, "fl0" / 0.0)', 1)
  close('floor(2.7)', 2); close('ceil(2.1)', 3); close('trunc(-2.7)', -2); close('exp2(3.0)', 8); close('log2(8.0)', 3)
  close('log10(1000.0)', 3); close('log(1.0)', 0); close('log1p(0.0)', 0); close('expm1(0.0)', 0); close('cbrt(27.0)', 3)
  close('max(1.0, 2.0)', 2); close('min(1.0, 2.0)', 1); close('mod(7.0, 3.0)', 1); close('mod(-7.0, 3.0)', -1); close('hypot(3.0, 4.0)', 5)
  close('atan2(1.0, 1.0)', Math.PI / 4); close('sin(0.0)', 0); close('cos(0.0)', 1); close('tan(0.0)', 0); close('asin(1.0)', Math.PI / 2)
  close('acos(1.0)', 0); close('atan(0.0)', 0); close('sinh(0.0)', 0); close('cosh(0.0)', 1); close('tanh(0.0)', 0)
  close('asinh(0.0)', 0); close('acosh(1.0)', 0); close('atanh(0.0)', 0); close('exp(1.0)', Math.E)
  close('erf(0.5)', 0.5204998778130465); close('erf(3.0)', 0.9999779095030014); close('erfc(0.5)', 0.4795001221869535)
  close('erfc(3.0)', 2.209049699858544e-05, 1e-10); close('erfc(1.5)', 0.033894853524689274, 1e-10)
  close('gamma(5.0)', 24); close('gamma(0.5)', Math.sqrt(Math.PI)); close('gamma(4.5)', 11.631728396567448, 1e-13)
  close('j0(1.0)', 0.7651976865579666); close('j1(1.0)', 0.44005058574493355); close('jn(2, 1.0)', 0.1149034849319005)
  close('j0(30.0)', -0.08636798358104613, 1e-10)
  close('y0(1.0)', 0.08825696421567697, 1e-9); close('y1(1.0)', -0.7812128213002887, 1e-9); close('yn(2, 1.0)', -1.6506826068162546, 1e-9)
  close('logb(8.0)', 3); close('logb(0.1)', -4); close('pow10(3)', 1000); close('pow10(-2)', 0.01); close('pow10(400)', Infinity)
  t.equal(ev('abs(1)', P), 'error: error calling "abs": cannot pass int64 to abs, must be float64')
  t.equal(ev('abs("i1")', P), 'error: error calling "abs": cannot pass int64 to abs, must be float64')
  t.equal(ev('pow(2.0, "i2")', P), 'error: error calling "pow": cannot pass int64 to pow, must be float64')
  t.equal(ev('pow10(1.0)', P), 'error: error calling "pow10": cannot pass float64 to pow10, must be int64')
  t.equal(ev('jn(1.0, 1.0)', P), 'error: error calling "jn": cannot pass float64 to jn as first arg, must be int64')
  t.equal(ev('abs()', P), 'problem: error calling "abs": abs expects exactly one argument')
  t.equal(ev('pow(1.0)', P), 'problem: error calling "pow": pow expects exactly two arguments')
  for (const name of ['abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cbrt', 'ceil', 'cos', 'cosh', 'erf', 'erfc', 'exp', 'exp2', 'expm1', 'floor', 'gamma', 'j0', 'j1', 'log', 'log10', 'log1p', 'log2', 'logb', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'trunc', 'y0', 'y1', 'atan2', 'hypot', 'max', 'min', 'mod', 'pow', 'pow10', 'jn', 'yn']) {
    t.ok(BUILTIN_FUNCTIONS.has(name), name)
  }
})

t.test('time functions (UTC) and now()', async (t) => {
  // 2017-01-15T13:45:10Z was a Sunday
  const p = point({}, {}, 1484487910_000_000_000n)
  const cases: [string, unknown][] = [
    ['minute("time")', 45n], ['hour("time")', 13n], ['weekday("time")', 0n], ['day("time")', 15n], ['month("time")', 1n], ['year("time")', 2017n],
    ['unixNano("time")', 1484487910_000_000_000n], ['now()', new Instant(0n)],
    ['hour(1)', 'error: error calling "hour": cannot convert int64 to time.Time'],
    ['now(1)', 'problem: error calling "now": now expects exactly zero argument'],
  ]
  for (const [src, want] of cases) t.same(ev(src, p), want, src)
  // 2000-02-29T23:59:59Z Tuesday; 1969-12-31T23:00:00Z Wednesday (before the epoch)
  t.same([ev('day("time")', point({}, {}, 951868799n * S)), ev('month("time")', point({}, {}, 951868799n * S)), ev('weekday("time")', point({}, {}, 951868799n * S))], [29n, 2n, 2n])
  t.same([ev('year("time")', point({}, {}, -3600n * S)), ev('hour("time")', point({}, {}, -3600n * S)), ev('weekday("time")', point({}, {}, -3600n * S))], [1969n, 23n, 3n])
})

t.test('humanBytes (go-humanize SI)', async (t) => {
  t.equal(humanBytes(0n), '0 B')
  t.equal(humanBytes(9n), '9 B')
  t.equal(humanBytes(82854982n), '83 MB')
  t.equal(humanBytes(1000000n), '1.0 MB')
  t.equal(humanBytes(1500n), '1.5 kB')
  t.equal(humanBytes(999999n), '1000 kB')
  t.equal(ev('humanBytes(1000000)'), '1.0 MB')
  t.equal(ev('humanBytes(2048.0)'), '2.0 kB')
  t.equal(ev("humanBytes('x')"), 'error: error calling "humanBytes": cannot convert string to humanBytes')
})

t.test('isPresent', async (t) => {
  t.equal(ev('isPresent("s")', P), true)
  t.equal(ev('isPresent("nope")', P), false)
  t.equal(ev('isPresent()', P), 'problem: error calling "isPresent": isMissing expects exactly one argument')
})
