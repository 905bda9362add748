/**
 * Kapacitor's recording files: `.srpl` (db / rp / line-protocol records, gzip or plain)
 * and `.brpl` (zip of JSON batches, or plain JSON): our files read back exactly
 * (integers beyond 2^53, floats, strings with quotes and newlines, booleans, ns times),
 * Kapacitor's own integration-test files read as Kapacitor reads them.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { unzipSync, zipSync } from 'fflate'
import t from 'tap'
import type { Point } from '../../src/model/point.js'
import { buildBrpl, encodeBatchLine, parseBrpl } from '../../src/record/brpl.js'
import { decodeStreamChunk, encodeStreamChunk } from '../../src/record/recording-store.js'
import { RecordingFormatError, parseSrpl, srplRecords } from '../../src/record/srpl.js'
import { querySource } from '../../src/record/query-source.js'
import type { RecordedBatch } from '../../src/record/types.js'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/recordings')

const POINTS: Point[] = [
  { db: 'telegraf', rp: 'autogen', name: 'cpu', tags: { host: 'a b', cpu: 'cpu,0' }, fields: { big: 9007199254740993n, neg: -9223372036854775808n, f: 0.1, whole: 5, s: 'say "hi"\nbye', ok: true }, time: 1700000000123456789n },
  { db: 'telegraf', rp: 'autogen', name: 'mem', tags: {}, fields: { used: 12345n }, time: 1700000000123456790n },
  { db: 'other', rp: 'week', name: 'cpu', tags: { host: 'a' }, fields: { f: -1.5e-300, off: false }, time: -5n },
]

t.test('stream chunks (our LevelDB values) give back exactly the points written', async (t) => {
  t.same(decodeStreamChunk(encodeStreamChunk(POINTS)), POINTS)
  const back = decodeStreamChunk(encodeStreamChunk(POINTS))
  t.equal(typeof back[0]!.fields['whole'], 'number', 'a float stays a float even when whole')
  t.equal(back[0]!.fields['big'], 9007199254740993n)
})

t.test('the binary chunk keeps every value exactly: NaN, -0, int64 limits, long and non-ASCII strings, odd keys', async (t) => {
  const long = 'é'.repeat(100) + 'x'.repeat(70_000)
  const tags = Object.freeze({ host: 'a', 'ключ': 'значение' })
  const odd: Point[] = []
  for (let i = 0; i < 300; i++) {
    odd.push({
      db: i % 2 ? 'd1' : 'd2', rp: 'r', name: i % 3 ? 'cpu' : 'm€', tags: i % 5 ? tags : {},
      fields: { f: i % 4 === 0 ? NaN : i % 4 === 1 ? -0 : i / 3, min: -9223372036854775808n, max: 9223372036854775807n, s: i % 7 ? `v${i}` : long, t: true, no: false, ['__proto__']: 1 },
      time: BigInt(i) - 100n,
    })
    Object.defineProperty(odd[i]!.fields, '__proto__', { value: BigInt(i), enumerable: true })
  }
  const back = decodeStreamChunk(encodeStreamChunk(odd))
  t.same(back, odd)
  t.ok(Number.isNaN(back[0]!.fields['f']) && Object.is(back[1]!.fields['f'], -0), 'NaN and -0')
  t.equal(Object.getOwnPropertyDescriptor(back[3]!.fields, '__proto__')?.value, 3n, 'a field named __proto__')
})

t.test('.srpl: 3-line records, gzip, read back exactly, in order', async (t) => {
  const text = srplRecords(POINTS)
  const lines = text.split('\n')
  t.same(lines.slice(0, 2), ['telegraf', 'autogen'], 'db, rp, then the point')
  t.match(lines[2], /^cpu,cpu=cpu\\,0,host=a\\ b big=9007199254740993i,/)
  t.ok(text.includes('s="say \\"hi\\"\nbye",ok=true 1700000000123456789\n'), 'a string keeps its newline; ns time')
  const gz = gzipSync(text)
  t.same(parseSrpl(gz, { precision: 'ns', now: 0n }), POINTS, 'gzip form')
  t.same(parseSrpl(Buffer.from(text), { precision: 'ns', now: 0n }), POINTS, 'plain form')
})

t.test('.srpl: many records of one db/rp, mixed with others, keep their order', async (t) => {
  const points: Point[] = []
  for (let i = 0; i < 10_000; i++) points.push({ db: i % 7 === 0 ? 'x' : 'telegraf', rp: 'autogen', name: 'm', tags: { i: String(i % 13) }, fields: { v: BigInt(i) }, time: BigInt(i) })
  t.same(parseSrpl(gzipSync(srplRecords(points)), { precision: 'ns', now: 0n }), points)
})

t.test("Kapacitor's integration-test .srpl files (plain, seconds)", async (t) => {
  const all = parseSrpl(readFileSync(join(FIXTURES, 'TestStream_EvalAllTypes.srpl')), { precision: 's', now: 0n })
  t.same(all, [{ db: 'dbname', rp: 'rpname', name: 'types', tags: {}, fields: { str: 'bob', bool: false, int: 5n, float: 42 }, time: 1_000_000_000n }])
  const strings = parseSrpl(readFileSync(join(FIXTURES, 'TestStream_InfluxQL_String.srpl')), { precision: 's', now: 0n })
  t.equal(strings.length, 27)
  t.same(strings[2], { db: 'dbname', rp: 'rpname', name: 'disk', tags: { type: 'sda', host: 'serverB' }, fields: { value: '39' }, time: 1_000_000_000n })
  t.equal(strings[26]!.time, 12_000_000_000n)
})

t.test('.srpl: a truncated or broken file is refused with where', async (t) => {
  t.throws(() => parseSrpl(Buffer.from('db\nrp\n'), { precision: 'ns', now: 0n }), RecordingFormatError)
  t.throws(() => parseSrpl(Buffer.from('db\nrp\ncpu value= 1\n'), { precision: 'ns', now: 0n }), { message: /^line 3: / })
})

const BATCHES: RecordedBatch[] = [
  { source: 0, name: 'cpu', tags: { host: 'a' }, tmax: 20n, points: [
    { time: 10n, tags: { host: 'a' }, fields: { mean: 1.5, n: 9007199254740993n, whole: 3, s: 'x"y', b: true } },
    { time: 20n, tags: { host: 'a', extra: 'e' }, fields: { mean: 2.5, n: -1n } },
  ] },
  { source: 0, name: 'cpu', tags: {}, points: [{ time: 1_000_000_000n, tags: {}, fields: { v: 1 } }] },
  { source: 1, name: 'mem', tags: { host: 'b' }, tmax: 5n, points: [{ time: 5n, tags: { host: 'b' }, fields: { used: 7n } }] },
]

t.test('.brpl: a zip of one entry per source, read back exactly', async (t) => {
  const bySource = new Map<number, string>()
  for (const b of BATCHES) bySource.set(b.source, (bySource.get(b.source) ?? '') + encodeBatchLine(b))
  const zip = buildBrpl(bySource)
  t.same(Object.keys(unzipSync(zip)), ['0', '1'])
  t.same(parseBrpl(zip), BATCHES)
})

t.test('.brpl JSON is what Kapacitor decodes: name, tmax, tags, points of fields/tags/time', async (t) => {
  const line = encodeBatchLine(BATCHES[0]!)
  const o = JSON.parse(line)
  t.same(Object.keys(o), ['name', 'tmax', 'tags', 'points'])
  t.equal(o.tmax, '1970-01-01T00:00:00.00000002Z')
  t.same(Object.keys(o.points[0]).slice(0, 3), ['fields', 'tags', 'time'])
  t.same(o.points[0].integers, ['n'], 'integer fields listed (a key Kapacitor ignores)')
  t.match(line, /"n":9007199254740993[,}]/, 'the integer is written exactly')
  t.equal(JSON.parse(encodeBatchLine(BATCHES[1]!)).tmax, '0001-01-01T00:00:00Z', "no tmax: Go's zero time")
})

t.test("Kapacitor's integration-test .brpl files (plain JSON; numbers are floats, as Kapacitor reads them)", async (t) => {
  const simple = parseBrpl(readFileSync(join(FIXTURES, 'TestBatch_SimpleMR.0.brpl')))
  t.equal(simple.length, 9)
  t.same(simple[1], {
    source: 0, name: 'cpu_usage_idle', tags: { cpu: 'cpu0' }, points: [
      { time: 1446225252_000000000n, tags: { cpu: 'cpu0' }, fields: { mean: 83.56930693069836 } },
      { time: 1446225254_000000000n, tags: { cpu: 'cpu0' }, fields: { mean: 79.12871287128638 } },
      { time: 1446225256_000000000n, tags: { cpu: 'cpu0' }, fields: { mean: 88.99559823928229 } },
      { time: 1446225258_000000000n, tags: { cpu: 'cpu0' }, fields: { mean: 85.50000000000182 } },
      { time: 1446225260_000000000n, tags: { cpu: 'cpu0' }, fields: { mean: 86.02860286029956 } },
    ],
  }, 'a point without tags gets the batch tags')
  const trickle = parseBrpl(readFileSync(join(FIXTURES, 'TestBatch_Trickle.0.brpl')))
  t.same(trickle.map((b) => [b.tags['cpu'], b.points.length]), [['cpu-total', 2], ['cpu0', 1]], 'indented multi-line JSON')
  const whole = parseBrpl(Buffer.from('{"name":"m","points":[{"fields":{"v":5},"time":"1970-01-01T00:00:01Z"}]}\n'))
  t.equal(whole[0]!.points[0]!.fields['v'], 5, 'a bare 5 without "integers" is a float, as Go reads it')
  const zip = zipSync({ 0: readFileSync(join(FIXTURES, 'TestBatch_SimpleMR.0.brpl')), 1: Buffer.from(encodeBatchLine(BATCHES[2]!)) })
  t.same(parseBrpl(zip).map((b) => b.source), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 'zip entries are the sources')
})

t.test('.brpl: broken JSON is refused with where', async (t) => {
  t.throws(() => parseBrpl(Buffer.from('{"name":"m","points":[{"fields":{"v":1},"time":"x"}]}')), { message: /source 0 batch 1 point 1: time must be an RFC3339 time/ })
  t.throws(() => parseBrpl(Buffer.from('{"name":"m"}\n{"name":')), { message: /source 0 batch 2 \(line 2\)/ })
})

t.test('the FROM source of a query recording', async (t) => {
  t.same(querySource('SELECT * FROM "telegraf"."autogen"."cpu" WHERE time > now() - 1h'), { db: 'telegraf', rp: 'autogen', measurement: 'cpu' })
  t.same(querySource('select mean(v) from telegraf..cpu group by time(1m)'), { db: 'telegraf', rp: '', measurement: 'cpu' })
  t.same(querySource('SELECT "from" FROM cpu'), { db: '', rp: '', measurement: 'cpu' })
  t.same(querySource('SELECT * FROM "my db"."rp 1"."m.x"'), { db: 'my db', rp: 'rp 1', measurement: 'm.x' })
  t.equal(querySource('SELECT * FROM a, b'), undefined, 'two sources: none')
  t.equal(querySource('SELECT * FROM /cpu.*/'), undefined, 'a regex: none')
})

t.test('gunzip of an export is the 3-line records Kapacitor reads', async (t) => {
  const gz = gzipSync(srplRecords(POINTS.slice(1, 2)))
  t.equal(gunzipSync(gz).toString(), 'telegraf\nautogen\nmem used=12345i 1700000000123456790\n')
})
