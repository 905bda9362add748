/**
 * sideload(): Kapacitor's TestStream_Sideload, _JSON and _Multiple (integrations/
 * streamer_test.go, data files under test/fixtures/sideload), type conversion to the
 * defaults' types, batches, a bad source, and bad data.
 */
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import type { Point } from '../../src/model/point.js'
import { convertType } from '../../src/nodes/sideload-runtime.js'
import { TaskStartError } from '../../src/pipeline/task-execution.js'
import { parseSrpl, recordedPoints, sortSeries, startStream } from '../fixtures/stream-harness.js'

const dataDir = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/sideload')

// TestStream_Sideload.srpl
const recording = parseSrpl('dbname\nrpname\nm,t0=a,t1=m,t2=x value=1 0000000000\ndbname\nrpname\nm,t0=b,t1=n,t2=y value=1 0000000000\ndbname\nrpname\nm,t0=c,t1=o,t2=y value=1 0000000000\n')

function lines(text: string): Point[] {
  const { points, errors } = parseLineProtocol(Buffer.from(text), { db: 'dbname', rp: 'rpname', precision: 's', now: 0n })
  if (errors.length > 0) throw new Error(errors[0]!.reason)
  return points
}

const row = (tags: Record<string, string>, columns: string[], values: unknown[]): unknown => ({ name: 'm', tags, columns, values: [['1971-01-01T00:00:00Z', ...values]] })

function run(script: string, points = recordedPoints(recording)): unknown {
  const r = startStream(script)
  r.write(points)
  const out = r.output('TestStream_Sideload')
  r.stop()
  return sortSeries(out)
}

const script = (order: string, extra = ''): string => `
stream
  |from()
    .database('dbname')
    .retentionPolicy('rpname')
    .measurement('m')
    .groupBy('t0', 't1', 't2')
  |sideload()
    .source('file://${dataDir}')
    .order(${order})
    .field('f1', 0)
    .field('f2', 0.0)
    .tag('t3', 'one')
  ${extra}
  |log()
  |httpOut('TestStream_Sideload')
`

t.test('TestStream_Sideload: first file in order wins, defaults otherwise, int default takes integral numbers', async (t) => {
  t.same(run(script(`'t0/{{.t0}}.yml', 't1/{{.t1}}.yml', 't2/{{.t2}}.yml'`)), sortSeries({
    series: [
      row({ t0: 'a', t1: 'm', t2: 'x', t3: 'one' }, ['time', 'f1', 'f2', 'value'], [0, 0, 1]),
      row({ t0: 'b', t1: 'n', t2: 'y', t3: 'why' }, ['time', 'f1', 'f2', 'value'], [2, 3.5, 1]),
      row({ t0: 'c', t1: 'o', t2: 'y', t3: 'why' }, ['time', 'f1', 'f2', 'value'], [12, 13.5, 1]),
    ],
  }))
})

t.test('TestStream_Sideload_JSON: .json files', async (t) => {
  t.same(run(script(`'t0/{{.t0}}.json', 't1/{{.t1}}.json', 't2/{{.t2}}.yml'`)), sortSeries({
    series: [
      row({ t0: 'a', t1: 'm', t2: 'x', t3: 'one' }, ['time', 'f1', 'f2', 'value'], [0, 0, 1]),
      row({ t0: 'b', t1: 'n', t2: 'y', t3: 'why' }, ['time', 'f1', 'f2', 'value'], [2, 3.5, 1]),
      row({ t0: 'c', t1: 'o', t2: 'y', t3: 'why' }, ['time', 'f1', 'f2', 'value'], [12, 13.5, 1]),
    ],
  }))
})

t.test('TestStream_Sideload_Multiple: two sideload nodes', async (t) => {
  const s = script(`'t0/{{.t0}}.yml', 't1/{{.t1}}.yml', 't2/{{.t2}}.yml'`, `|sideload()
    .source('file://${dataDir}')
    .order('t0/{{.t0}}.yml', 't1/{{.t1}}.yml', 't2/{{.t2}}.yml')
    .field('other', -1.0)`)
  t.same(run(s), sortSeries({
    series: [
      row({ t0: 'a', t1: 'm', t2: 'x', t3: 'one' }, ['time', 'f1', 'f2', 'other', 'value'], [0, 0, -1, 1]),
      row({ t0: 'b', t1: 'n', t2: 'y', t3: 'why' }, ['time', 'f1', 'f2', 'other', 'value'], [2, 3.5, 56, 1]),
      row({ t0: 'c', t1: 'o', t2: 'y', t3: 'why' }, ['time', 'f1', 'f2', 'other', 'value'], [12, 13.5, 56, 1]),
    ],
  }))
})

t.test('values take the default\'s type; a value that does not convert is an error and the default is used', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sideload-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'h.yml'), 'i: 7\nf: 3\ns: 2.5\nb: "true"\nbad: 1.5\nyes11: yes\nnested: {a: 1}\nt: 9\n')
  const r = startStream(`
var s = stream
  |from().measurement('m')
  |sideload()
    .source('file://${dir}')
    .order('h.yml')
    .field('i', 0)
    .field('f', 0.0)
    .field('s', 'x')
    .field('b', FALSE)
    .field('bad', 0)
    .field('yes11', FALSE)
    .field('nested', 'none')
    .tag('t', 'x')
s|httpOut('out')
// an int default gives an int field: integer division
s|eval(lambda: "i" / 2).as('half')|httpOut('half')
`)
  r.write(lines('m v=1 0\n'))
  const out = r.output('out') as { series: Array<{ columns: string[]; values: unknown[][]; tags: Record<string, string> }> }
  const s = out.series[0]!
  const got = Object.fromEntries(s.columns.map((c, i) => [c, s.values[0]![i]]))
  // bad: 1.5 is not an int → default 0; nested: a map → default
  t.same(got, { time: '1970-01-01T00:00:00Z', b: true, bad: 0, f: 3, i: 7, nested: 'none', s: '2.5', v: 1, yes11: true })
  t.same(s.tags, { t: '9' })
  t.equal(r.execution.stats()['node-stats']['sideload2']!.errors, 2)
  t.same((r.output('half') as { series: Array<{ values: unknown[][] }> }).series[0]!.values[0], ['1970-01-01T00:00:00Z', 3])
  r.stop()
})

t.test('convertType follows Kapacitor\'s (Go strconv) conversions', async (t) => {
  t.equal(convertType(12, 0n), 12n)
  t.equal(convertType(1.5, 0n), undefined)
  t.equal(convertType('-12', 0n), -12n)
  t.equal(convertType('1e3', 0n), undefined)
  t.equal(convertType('9223372036854775808', 0n), undefined, 'beyond int64')
  t.equal(convertType(true, 0n), undefined)
  t.equal(convertType(3, 0.5), 3)
  t.equal(convertType('2.5e1', 0.5), 25)
  t.equal(convertType('abc', 0.5), undefined)
  t.equal(convertType('T', false), true)
  t.equal(convertType('0', true), false)
  t.equal(convertType('yes', true), undefined)
  t.equal(convertType(1, true), undefined)
  t.equal(convertType(1e21, ''), '1000000000000000000000')
  t.equal(convertType(1.5e-7, ''), '0.00000015')
  t.equal(convertType(56, ''), '56')
  t.equal(convertType(false, ''), 'false')
  t.equal(convertType({ a: 1 }, ''), undefined)
})

t.test('a missing tag renders <no value> in the path: no file matches, defaults apply', async (t) => {
  const r = startStream(`
stream
  |from().measurement('m')
  |sideload()
    .source('file://${dataDir}')
    .order('t0/{{.t0}}.yml')
    .field('f1', 5)
  |httpOut('out')
`)
  r.write(lines('m,t1=z v=1 0\n'))
  t.same((r.output('out') as { series: Array<{ values: unknown[][] }> }).series[0]!.values[0], ['1970-01-01T00:00:00Z', 5, 1])
  r.stop()
})

t.test('batches: every point gets its own values; the batch tags stay', async (t) => {
  const r = startStream(`
stream
  |from().measurement('m')
  |window().period(10s).every(10s)
  |sideload()
    .source('file://${dataDir}')
    .order('t0/{{.t0}}.yml')
    .field('f1', 0)
  |httpOut('out')
`)
  r.write(lines('m,t0=a v=1 0\nm,t0=b v=2 1\nm,t0=c v=3 2\nm,t0=a v=4 10\n'))
  t.same(r.output('out'), {
    series: [{
      name: 'm', columns: ['time', 'f1', 't0', 'v'],
      values: [['1970-01-01T00:00:00Z', 0, 'a', 1], ['1970-01-01T00:00:01Z', 2, 'b', 2], ['1970-01-01T00:00:02Z', 12, 'c', 3]],
    }],
  })
  r.stop()
})

t.test('a source that cannot be read fails the task start', async (t) => {
  const s = (src: string): string => `stream|from()|sideload().source('${src}').order('a.yml').field('f', 0)|httpOut('o')`
  t.throws(() => startStream(s('file:///no/such/dir/for/sideload')), TaskStartError)
  t.throws(() => startStream(s('http://localhost:1/x')), /HTTP sources are not supported/)
  t.throws(() => startStream(s('ftp://x/y')), /unsupported source scheme "ftp"/)
  const dir = mkdtempSync(join(tmpdir(), 'sideload-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'a.yml'), 'a: [1, 2\n')
  t.throws(() => startStream(s(`file://${dir}`)), /failed to unmarshal yaml values/)
})

t.test('type chaos: field types flipping in one group change nothing for the other', async (t) => {
  const s = `
stream
  |from().measurement('m').groupBy('t0')
  |sideload()
    .source('file://${dataDir}')
    .order('t0/{{.t0}}.yml')
    .field('f1', 0)
  |window().period(10s).every(10s)
  |httpOut('out')
`
  const clean = 'm,t0=b value=1 0\nm,t0=b value=2 1\nm,t0=b value=3 2\nm,t0=b value=4 3\nm,t0=b value=5 4\nm,t0=b value=6 20\n'
  const chaos = 'm,t0=c value=1i 0\nm,t0=c value=2.5 1\nm,t0=c value="s" 2\nm,t0=c value=true 3\nm,t0=c other=1 4\nm,t0=c value=1 20\n'
  const alone = startStream(s)
  alone.write(lines(clean))
  const expected = alone.output('out')
  alone.stop()
  const both = startStream(s)
  // interleaved by time
  const cl = lines(clean), ch = lines(chaos)
  for (let i = 0; i < cl.length; i++) both.write([ch[i]!, cl[i]!])
  t.ok(both.execution.executing)
  const got = both.output('out') as { series: Array<{ tags: Record<string, string> }> }
  t.same(got.series.filter((x) => x.tags['t0'] === 'b'), (expected as { series: unknown[] }).series)
  t.equal(got.series.filter((x) => x.tags['t0'] === 'c').length, 1, 'the chaotic group still flows')
  // sideload reads no field of the point: type changes are not errors for it
  t.equal(both.execution.stats()['node-stats']['sideload2']!.errors, 0)
  both.stop()
})
