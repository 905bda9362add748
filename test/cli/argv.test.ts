/**
 * Kapacitor's flag forms: single-dash long flags, values that start with a dash,
 * `-dbrp` with and without quotes, glob detection.
 */
import t from 'tap'
import { dbrpsOf, firstPositional, isGlob, normalizeArgv, parseDbrp, parseInfluxDuration, parseTimeFlag } from '../../src/cli/argv.js'

const VALUES = new Set(['tick', 'dbrp', 'where', 'url'])

t.test('single-dash long flags become double-dash; single letters and positionals stay', async (t) => {
  t.same(normalizeArgv(['-url', 'http://h:9092', 'define', 'cpu', '-tick', 'cpu.tick', '-no-reload', '-h'], VALUES),
    ['--url', 'http://h:9092', 'define', 'cpu', '--tick', 'cpu.tick', '--no-reload', '-h'])
  t.same(normalizeArgv(['--tick', 'a.tick', '--dbrp=db.rp'], VALUES), ['--tick', 'a.tick', '--dbrp', 'db.rp'])
  t.same(normalizeArgv(['-dbrp="db"."rp"'], VALUES), ['--dbrp', '"db"."rp"'], 'a separate word: yargs strips quotes of --opt="..."')
  t.same(normalizeArgv(['-other=x'], VALUES), ['--other=x'])
})

t.test('a value option takes the next word even when it starts with a dash (as Go flags do)', async (t) => {
  t.same(normalizeArgv(['define', 'streamer', '-where', '-1 < "x"'], VALUES), ['define', 'streamer', '--where=-1 < "x"'])
  t.same(normalizeArgv(['define', 'x', '-tick', '-weird-name.tick'], VALUES), ['define', 'x', '--tick=-weird-name.tick'])
  t.same(normalizeArgv(['define', 'x', '--tick=-weird-name.tick'], VALUES), ['define', 'x', '--tick=-weird-name.tick'])
})

t.test('a value option at the end is left for the parser to complain about', async (t) => {
  t.same(normalizeArgv(['define', 'x', '-tick'], VALUES), ['define', 'x', '--tick'])
})

t.test('everything after -- is left alone', async (t) => {
  t.same(normalizeArgv(['enable', '--', '-odd-id'], VALUES), ['enable', '--', '-odd-id'])
})

t.test('negative numbers and odd words are not flags', async (t) => {
  t.same(normalizeArgv(['list', 'tasks', '-5', '*_alert'], VALUES), ['list', 'tasks', '-5', '*_alert'])
})

t.test('-dbrp values: quotes optional, escaped quotes inside quotes, dots inside quotes', async (t) => {
  const cases: Array<[string, { db: string; rp: string }]> = [
    ['telegraf.autogen', { db: 'telegraf', rp: 'autogen' }],
    ['"telegraf"."autogen"', { db: 'telegraf', rp: 'autogen' }],
    ['"tele.graf"."auto.gen"', { db: 'tele.graf', rp: 'auto.gen' }],
    ['"a\\"b".rp', { db: 'a"b', rp: 'rp' }],
    ['db."my rp"', { db: 'db', rp: 'my rp' }],
    ['db.rp.with.dots', { db: 'db', rp: 'rp.with.dots' }],
  ]
  for (const [input, want] of cases) t.same(parseDbrp(input), want, input)
})

t.test('-dbrp errors use Kapacitor\'s wording', async (t) => {
  t.throws(() => parseDbrp(''), /dbrp cannot be empty/)
  t.throws(() => parseDbrp('telegraf'), /does not contain a '\.', it must be in the form "dbname"\."rpname"/)
  t.throws(() => parseDbrp('"telegraf"autogen'), /dbrp must specify retention policy/)
  t.throws(() => parseDbrp('telegraf.'), /dbrp must specify retention policy/)
})

t.test('dbrpsOf: one flag is a string, several an array; none is empty', async (t) => {
  t.same(dbrpsOf(undefined), [])
  t.same(dbrpsOf('a.b'), [{ db: 'a', rp: 'b' }])
  t.same(dbrpsOf(['a.b', '"c"."d"']), [{ db: 'a', rp: 'b' }, { db: 'c', rp: 'd' }])
})

t.test('globs are recognised by their metacharacters', async (t) => {
  t.ok(isGlob('*_alert'))
  t.ok(isGlob('cpu?'))
  t.ok(isGlob('cpu[12]'))
  t.notOk(isGlob('cpu_alert'))
  t.notOk(isGlob('cpu-alert.v2'))
})

t.test('the command is the first positional word, values of value options skipped', async (t) => {
  t.equal(firstPositional(['--url', 'http://h', 'list', 'tasks'], VALUES), 'list')
  t.equal(firstPositional(['--url=http://h', '--skipVerify', 'show', 'x'], VALUES), 'show')
  t.equal(firstPositional(['--url', 'http://h'], VALUES), undefined)
})

t.test('InfluxQL durations for -duration and -past', async (t) => {
  t.equal(parseInfluxDuration('90s'), 90_000_000_000n)
  t.equal(parseInfluxDuration('1h30m'), 5_400_000_000_000n)
  t.equal(parseInfluxDuration('2d'), 172_800_000_000_000n)
  t.equal(parseInfluxDuration('1w'), 604_800_000_000_000n)
  t.equal(parseInfluxDuration('5ms'), 5_000_000n)
  t.equal(parseInfluxDuration('3u'), 3_000n)
  t.equal(parseInfluxDuration('7ns'), 7n)
  t.throws(() => parseInfluxDuration('1.5h'), /invalid duration "1\.5h"/)
  t.throws(() => parseInfluxDuration('10'), /invalid duration/)
})

t.test('-start / -stop must be RFC 3339', async (t) => {
  t.equal(parseTimeFlag('start', '2015-09-01T00:00:00Z'), '2015-09-01T00:00:00Z')
  t.equal(parseTimeFlag('stop', '2015-09-01T00:00:00.123456789+02:00'), '2015-09-01T00:00:00.123456789+02:00')
  t.throws(() => parseTimeFlag('start', '2015-09-01'), /invalid -start "2015-09-01": expected an RFC 3339 time/)
})
