/**
 * Query recordings against a real influxd: `POST /recordings/query` through the
 * configured `[[influxdb]]` cluster and through a `host` URL (the design's `record stream
 * --host <influxdb> --query ...`). A stream recording stores the rows as points of the
 * FROM's db/rp, merged by time across series, integers exact beyond 2^53; a batch one
 * stores a batch per series (source 0). A batch recording runs the batch task's own
 * queries over a past range. Errors: a query that is not fully qualified, no
 * cluster, a failing query (the recording fails with InfluxDB's error).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Point } from '../../src/model/point.js'
import type { RecordedBatch } from '../../src/record/types.js'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'
import { startInfluxd, type Influxd } from '../fixtures/influxd.js'

const R = '/kapacitor/v1/recordings'

interface Res { status: number; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

async function daemon(t: Test, influxUrl: string | null): Promise<{ d: Daemon; call: (method: string, path: string, body?: unknown) => Promise<Res> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-recq-'))
  const base = defaultConfig()
  const sections = influxUrl === null ? base.sections : { ...base.sections, influxdb: [{ enabled: true, default: true, name: 'main', urls: [influxUrl], 'disable-subscriptions': true }] }
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false }, sections }
  const d = await startDaemon({ config, logger: silentLogger() })
  t.teardown(async () => {
    await d.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return {
    d,
    async call(method, path, body) {
      const res = await fetch(`http://127.0.0.1:${d.httpAddress.port}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
      const text = await res.text()
      return { status: res.status, body: text === '' ? null : JSON.parse(text) }
    },
  }
}

/** Polls a recording until it is no longer running (a real influxd answers the query). */
async function finished(call: (method: string, path: string) => Promise<Res>, id: string): Promise<Res> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const r = await call('GET', `${R}/${id}`)
    if (r.status !== 202 || Date.now() > deadline) return r
    await new Promise((res) => setTimeout(res, 20))
  }
}

async function pointsOf(d: Daemon, id: string): Promise<Point[]> {
  const out: Point[] = []
  for await (const c of d.recordings.streamPoints(id)) out.push(...c)
  return out
}

async function batchesOf(d: Daemon, id: string): Promise<RecordedBatch[]> {
  const out: RecordedBatch[] = []
  for await (const b of d.recordings.batches(id)) out.push(b)
  return out
}

let influx: Influxd
t.before(async () => {
  influx = await startInfluxd()
  await influx.createDatabase('src')
  const w = await influx.write([
    'cpu,host=a n=9007199254740993i,f=1.5 1000000000000000001',
    'cpu,host=b n=-3i,f=2 1000000000000000002',
    'cpu,host=a n=4i,f=0.1 1000000000000000003',
    'mem,host=a used=7i 1000000000000000000',
  ].join('\n'), { db: 'src', precision: 'ns' })
  if (w.status !== 204) throw new Error(`influxd write: ${w.status} ${w.body}`)
})
t.teardown(() => influx?.stop())

t.test('a stream recording of a query: points of the FROM db/rp in time order, integers exact', async (t) => {
  const { d, call } = await daemon(t, influx.url)
  const created = await call('POST', `${R}/query`, { id: 'q1', type: 'stream', query: 'SELECT n, f FROM "src"."autogen"."cpu" GROUP BY host' })
  t.equal(created.status, 201)
  t.match(created.body, { id: 'q1', type: 'stream' })
  const done = await finished(call, 'q1')
  t.match(done.body, { status: 'finished', error: '', progress: 1 })
  t.same(await pointsOf(d, 'q1'), [
    { db: 'src', rp: 'autogen', name: 'cpu', tags: { host: 'a' }, fields: { n: 9007199254740993n, f: 1.5 }, time: 1000000000000000001n },
    { db: 'src', rp: 'autogen', name: 'cpu', tags: { host: 'b' }, fields: { n: -3n, f: 2 }, time: 1000000000000000002n },
    { db: 'src', rp: 'autogen', name: 'cpu', tags: { host: 'a' }, fields: { n: 4n, f: 0.1 }, time: 1000000000000000003n },
  ], 'merged across the series by time')
  const f = (await pointsOf(d, 'q1'))[1]!.fields['f']
  t.equal(typeof f, 'number', 'a float stays a float')
})

t.test('a batch recording of a query: one batch per series, source 0', async (t) => {
  const { d, call } = await daemon(t, influx.url)
  t.equal((await call('POST', `${R}/query`, { id: 'qb', type: 'batch', query: 'SELECT n FROM "src"."autogen"."cpu" GROUP BY host' })).status, 201)
  t.match((await finished(call, 'qb')).body, { type: 'batch', status: 'finished' })
  t.same(await batchesOf(d, 'qb'), [
    { source: 0, name: 'cpu', tags: { host: 'a' }, tmax: 1000000000000000003n, points: [
      { time: 1000000000000000001n, tags: { host: 'a' }, fields: { n: 9007199254740993n } },
      { time: 1000000000000000003n, tags: { host: 'a' }, fields: { n: 4n } },
    ] },
    { source: 0, name: 'cpu', tags: { host: 'b' }, tmax: 1000000000000000002n, points: [
      { time: 1000000000000000002n, tags: { host: 'b' }, fields: { n: -3n } },
    ] },
  ])
})

t.test("the design's `--host`: a query against an InfluxDB URL, no [[influxdb]] needed", async (t) => {
  const { d, call } = await daemon(t, null)
  const created = await call('POST', `${R}/query`, { id: 'h1', type: 'stream', host: influx.url, query: 'SELECT used FROM mem', db: 'src' })
  t.equal(created.status, 201)
  t.match((await finished(call, 'h1')).body, { status: 'finished' })
  t.same(await pointsOf(d, 'h1'), [{ db: 'src', rp: 'autogen', name: 'mem', tags: {}, fields: { used: 7n }, time: 1000000000000000000n }], 'db from the request, the default rp')
})

t.test('errors', async (t) => {
  const none = await daemon(t, null)
  t.match((await none.call('POST', `${R}/query`, { type: 'stream', query: 'SELECT * FROM "src"."autogen"."cpu"' })).body.error, /no InfluxDB cluster is configured/)
  const { call } = await daemon(t, influx.url)
  t.match((await call('POST', `${R}/query`, { type: 'stream', query: 'SELECT * FROM cpu' })).body.error, 'could not determine database and retention policy. Is the query fully qualified?')
  t.match((await call('POST', `${R}/query`, { type: 'table', query: 'SELECT * FROM cpu' })).body.error, 'invalid type "table"')
  t.match((await call('POST', `${R}/query`, { type: 'batch', query: '' })).body.error, 'must provide query')
  t.equal((await call('POST', `${R}/query`, { id: 'bad', type: 'batch', query: 'SELECT nope( FROM "src"."autogen"."cpu"' })).status, 201)
  const failed = await finished(call, 'bad')
  t.equal(failed.status, 200)
  t.match(failed.body, { status: 'failed', error: /.+/ }, "the recording fails with InfluxDB's error")
})

t.test("a batch recording: the batch task's own query over [start, stop), one entry per query node", async (t) => {
  const { d, call } = await daemon(t, influx.url)
  const task = await call('POST', '/kapacitor/v1/tasks', {
    id: 'bt', type: 'batch', dbrps: [{ db: 'src', rp: 'autogen' }],
    script: "batch\n  |query('SELECT n FROM \"src\".\"autogen\".\"cpu\"').period(10s).every(10s).groupBy('host')\n  |httpOut('out')\n",
  })
  t.equal(task.status, 200, 'batch task defined')
  const created = await call('POST', `${R}/batch`, { id: 'b1', task: 'bt', start: '2001-09-09T01:46:30Z', stop: '2001-09-09T01:46:50Z' })
  t.equal(created.status, 201, 'recording started')
  t.match((await finished(call, 'b1')).body, { type: 'batch', status: 'finished', error: '' })
  const batches = await batchesOf(d, 'b1')
  t.same(batches.map((b) => [b.source, b.tags['host'], b.points.map((p) => p.fields['n'])]), [[0, 'a', [9007199254740993n, 4n]], [0, 'b', [-3n]]])
  t.equal((await call('POST', `${R}/batch`, { task: 'bt', start: '2001-09-09T01:46:50Z', stop: '2001-09-09T01:46:30Z' })).status, 400, 'stop before start')
  const stream = await call('POST', '/kapacitor/v1/tasks', { id: 'st', type: 'stream', dbrps: [{ db: 'src', rp: 'autogen' }], script: 'stream\n  |from()\n  |httpOut(\'o\')\n' })
  t.equal(stream.status, 200)
  t.match((await call('POST', `${R}/batch`, { task: 'st', start: '2001-09-09T01:46:30Z' })).body.error, 'is a stream task')
})
