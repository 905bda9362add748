/** RE2 → JavaScript translation, Go's ReplaceAllString, InfluxQL duration text. */
import t from 'tap'
import { RegexSyntaxError, compileRe2, replaceAllGo } from '../../../src/interp/lambda/regex.js'
import { formatInfluxDuration, parseInfluxDuration } from '../../../src/interp/lambda/durations.js'

t.test('RE2 syntax translated', async (t) => {
  t.equal(compileRe2('(?i)^web').flags, 'i')
  t.equal(compileRe2('(?is)a.b').flags, 'is')
  t.ok(compileRe2('(?P<host>web\\d+)').exec('web12')?.groups?.host === 'web12')
  t.ok(compileRe2('a\\z').test('a'))
  t.notOk(compileRe2('a\\z').test('a\n'))
  t.notOk(compileRe2('(?m)a\\z').test('a\nb'), '\\z stays end of text under (?m)')
  t.ok(compileRe2('\\Aa').test('ab'))
  t.ok(compileRe2('\\Q*+?\\E').test('x*+?'))
  t.ok(compileRe2('[[:upper:]][[:space:]]').test('A '))
  t.ok(compileRe2('[]a]').test(']'), 'a leading ] in a class is literal')
  t.ok(compileRe2('\\pN+').test('42'))
  t.ok(compileRe2('a\\/b').test('a/b'))
  const refused = (src: string): string => {
    try {
      compileRe2(src)
      return 'accepted'
    } catch (e) {
      return e instanceof RegexSyntaxError ? e.message : 'other error'
    }
  }
  t.match(refused('(?U)a'), /^error parsing regexp: invalid or unsupported Perl syntax/)
  t.match(refused('a(?i)b'), /^error parsing regexp: invalid or unsupported Perl syntax/)
  t.match(refused('(unclosed'), /^error parsing regexp: /)
})

t.test("Go's ReplaceAllString", async (t) => {
  const re = compileRe2('a(x*)b')
  t.equal(replaceAllGo(re, '-ab-axxb-', '$1'), '--xx-')
  t.equal(replaceAllGo(re, '-ab-axxb-', '$1W'), '---', '$1W names group "1W"')
  t.equal(replaceAllGo(re, '-ab-axxb-', '${1}W'), '-W-xxW-')
  t.equal(replaceAllGo(re, '-ab-axxb-', '$$1'), '-$1-$1-')
  t.equal(replaceAllGo(re, '-ab-axxb-', '$9'), '---', 'an unknown group is empty')
  t.equal(replaceAllGo(compileRe2('a*'), 'baaac', 'X'), 'XbXcX', 'no empty match right after a match')
  t.equal(replaceAllGo(compileRe2(''), 'abc', '-'), '-a-b-c-')
  t.equal(replaceAllGo(compileRe2('(?P<w>o)'), 'foo', '[$w]'), 'f[o][o]')
  t.equal(re.lastIndex, 0, 'the shared regex keeps no match state')
})

t.test('InfluxQL durations', async (t) => {
  const cases: [bigint, string][] = [[0n, '0s'], [1n, '1ns'], [1000n, '1u'], [1_500_000n, '1500u'], [2_000_000n, '2ms'],
    [90n * 1_000_000_000n, '90s'], [3_600_000_000_000n, '1h'], [86_400_000_000_000n, '1d'], [604_800_000_000_000n, '1w'], [-60_000_000_000n, '-1m']]
  for (const [ns, text] of cases) t.equal(formatInfluxDuration(ns), text, text)
  t.equal(parseInfluxDuration('1h30m'), 5_400_000_000_000n)
  t.equal(parseInfluxDuration('-5s'), -5_000_000_000n)
  t.equal(parseInfluxDuration('10µ'), 10_000n)
  t.equal(parseInfluxDuration('2.5h'), undefined)
  t.equal(parseInfluxDuration('5'), undefined)
  t.equal(parseInfluxDuration(''), undefined)
})
