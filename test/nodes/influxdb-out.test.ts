/**
 * influxDBOut against a real influxd: what a task writes is what SELECT returns (int64
 * exact, float 1.0 a float, strings, booleans, ns times), precision, static tags,
 * `.create()`, batches, buffer size and flush interval on a ManualScheduler, influxd down
 * then back (every point written once), permanent failures counted as dropped, a bounded
 * buffer, the buffer flushed at task stop. Nothing sleeps: tests advance the scheduler
 * and wait for the node's requests to settle (real HTTP to influxd).
 */
import t, { type Test } from 'tap'
import { createServer, type AddressInfo } from 'node:net'
import { pino } from 'pino'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import { definePipeline } from '../../src/interp/eval/define.js'
import { Matcher } from '../../src/match/matcher.js'
import type { CreateRuntime } from '../../src/nodes/define-node.js'
import { InfluxDBOutRuntime, type InfluxDBOutOptions } from '../../src/nodes/influxdb-out-runtime.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { TaskExecution, TaskStartError } from '../../src/pipeline/task-execution.js'
import { defaultClusterConfig } from '../../src/query/influxdb-config.js'
import { createInfluxDBService } from '../../src/query/influxdb-service.js'
import { startInfluxd, type Influxd } from '../fixtures/influxd.js'
import { RestartableInfluxd } from '../query/restartable-influxd.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon } from '../../src/server/daemon.js'

const silent = pino({ level: process.env['DEBUG_OUT'] ? 'debug' : 'silent' })
let influx: Influxd

t.before(async () => {
  influx = await startInfluxd()
})
t.teardown(() => influx.stop())

interface Run {
  readonly scheduler: ManualScheduler
  readonly runtime: InfluxDBOutRuntime
  readonly execution: TaskExecution
  /** line protocol (ns) into the task's stream, as db/rp of the task */
  write(lp: string): void
  stats(): Record<string, number>
}

function start(t: Test, script: string, o: { urls?: string[]; dbrp?: { db: string; rp: string }; opts?: InfluxDBOutOptions } = {}): Run {
  const dbrp = o.dbrp ?? { db: 'src', rp: 'autogen' }
  const defined = definePipeline(script, { type: 'stream', dbrps: [dbrp] })
  const pipeline = {
    ...defined.pipeline,
    nodes: defined.pipeline.nodes.map((n) => {
      if (n.type !== 'influxDBOut') return n
      const create: CreateRuntime = (node, ctx) => new InfluxDBOutRuntime(node, ctx, o.opts ?? {})
      return { ...n, spec: { ...n.spec, create } }
    }),
  }
  const scheduler = new ManualScheduler(1_700_000_000_000_000_000n)
  const cluster = defaultClusterConfig({ name: 'test', urls: o.urls ?? [influx.url], timeoutMs: 10_000 })
  const services = newTaskServices({ influxdb: createInfluxDBService([cluster], silent) })
  const execution = new TaskExecution({ id: 'out', type: 'stream', dbrps: defined.dbrps, pipeline, logger: silent, clock: scheduler.clock, services, scheduler })
  const matcher = new Matcher()
  matcher.add('out', execution.inputs())
  t.teardown(() => execution.stop())
  const name = pipeline.nodes.find((n) => n.type === 'influxDBOut')!.name
  return {
    scheduler, execution,
    runtime: execution.cell(name)!.runtime as InfluxDBOutRuntime,
    write: (lp) => {
      const { points, errors } = parseLineProtocol(Buffer.from(lp), { db: dbrp.db, rp: dbrp.rp, precision: 'ns', now: 0n })
      if (errors.length > 0) throw new Error(errors[0]!.reason)
      matcher.write(points)
    },
    stats: () => execution.stats()['node-stats'][name]!,
  }
}

/** A URL where nothing listens. */
async function deadUrl(): Promise<string> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as AddressInfo).port
  await new Promise<void>((r) => srv.close(() => r()))
  return `http://127.0.0.1:${port}`
}

const byTime = <T extends { time: bigint }>(a: T, b: T): number => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)

t.test('round trip: what the task wrote is what SELECT returns, exactly', async (t) => {
  await influx.createDatabase('rt')
  const r = start(t, `stream|from().measurement('m')
  |influxDBOut().database('rt').retentionPolicy('autogen').measurement('written').tag('via', 'kapacitor')`)
  r.write([
    'm,host=a big=9223372036854775807i,above=9007199254740993i,neg=-9223372036854775808i,one=1.0,f=0.1,s="a \\"quoted\\" string",b=true 1700000000123456789',
    'm,host=b f=-0.5,b=false,s="" 1700000001000000001',
    'm,host=a,via=point one=2i 5',
  ].join('\n'))
  t.equal(r.runtime.pending, 3, 'buffered until the flush interval')
  r.scheduler.advance(10_000)
  await r.runtime.settled()
  t.match(r.stats(), { points_written: 3, write_errors: 0, points_dropped: 0 })
  const got = (await influx.readAll('rt')).sort(byTime)
  t.same(got.map((p) => p.name), ['written', 'written', 'written'])
  t.same(got[0], { name: 'written', tags: { host: 'a', via: 'kapacitor' }, fields: { one: 2n }, time: 5n }, 'static tags over the point\'s')
  t.same(got[1]!.tags, { host: 'a', via: 'kapacitor' })
  t.equal(got[1]!.time, 1700000000123456789n)
  t.equal(got[1]!.fields['big'], 9223372036854775807n)
  t.equal(got[1]!.fields['above'], 9007199254740993n)
  t.equal(got[1]!.fields['neg'], -9223372036854775808n)
  t.equal(got[1]!.fields['one'], 1)
  t.equal(typeof got[1]!.fields['one'], 'number', '1.0 stays a float')
  t.equal(got[1]!.fields['f'], 0.1)
  t.equal(got[1]!.fields['s'], 'a "quoted" string')
  t.equal(got[1]!.fields['b'], true)
  t.same(got[2], { name: 'written', tags: { host: 'b', via: 'kapacitor' }, fields: { f: -0.5, b: false, s: '' }, time: 1700000001000000001n })
})

t.test('defaults: the point\'s own db, rp and name; buffer size triggers a write without the timer', async (t) => {
  await influx.createDatabase('own')
  const r = start(t, `stream|from().measurement('cpu')|influxDBOut().buffer(2)`, { dbrp: { db: 'own', rp: 'autogen' } })
  r.write('cpu v=1i 1\ncpu v=2i 2\ncpu v=3i 3')
  await r.runtime.settled()
  t.equal(r.stats()['points_written'], 2, 'the first two went when the buffer was full')
  t.equal(r.runtime.pending, 1)
  r.scheduler.advance(10_000)
  await r.runtime.settled()
  t.equal(r.stats()['points_written'], 3)
  t.same((await influx.readAll('own')).sort(byTime).map((p) => [p.name, p.fields['v'], p.time]), [['cpu', 1n, 1n], ['cpu', 2n, 2n], ['cpu', 3n, 3n]])
})

t.test('precision s: times divided and written with precision=s', async (t) => {
  await influx.createDatabase('prec')
  const r = start(t, `stream|from().measurement('m')|influxDBOut().database('prec').precision('s').flushInterval(1s)`)
  r.write('m v=1i 1700000000999999999\nm v=2i 1700000002000000000')
  r.scheduler.advance(1000)
  await r.runtime.settled()
  t.same((await influx.readAll('prec')).sort(byTime).map((p) => p.time), [1700000000000000000n, 1700000002000000000n])
})

t.test('create(): the database and the named retention policy, before the first write', async (t) => {
  const r = start(t, `stream|from().measurement('m')|influxDBOut().database('made').retentionPolicy('week').create()`)
  await r.runtime.settled()
  const rps = await influx.queryExact('SHOW RETENTION POLICIES ON "made"')
  t.ok((rps as any).results[0].series[0].values.some((row: unknown[]) => row[0] === 'week'), 'retention policy created at start') // eslint-disable-line @typescript-eslint/no-explicit-any
  r.write('m v=1i 10')
  r.scheduler.advance(10_000)
  await r.runtime.settled()
  const res = await influx.queryExact('SELECT v FROM "made"."week"."m"', { epoch: 'ns' }) as any // eslint-disable-line @typescript-eslint/no-explicit-any
  t.same(res.results[0].series[0].values, [[10n, 1n]])
  // a second task creating the same again is fine
  const again = start(t, `stream|from().measurement('m')|influxDBOut().database('made').retentionPolicy('week').create()`)
  await again.runtime.settled()
  t.match(again.stats(), { points_dropped: 0 })
})

t.test('batches: points written with the batch\'s group tags', async (t) => {
  await influx.createDatabase('batches')
  const r = start(t, `stream|from().measurement('cpu').groupBy('host')
  |window().period(10s).every(10s)
  |influxDBOut().database('batches').measurement('win')`)
  r.write(['cpu,host=a v=1i 1000000000', 'cpu,host=b v=2i 2000000000', 'cpu,host=a v=3i 11000000000', 'cpu,host=b v=4i 12000000000'].join('\n'))
  r.scheduler.advance(10_000)
  await r.runtime.settled()
  t.match(r.stats(), { points_written: 2, points_dropped: 0 })
  const got = (await influx.readAll('batches')).sort(byTime)
  t.same(got.map((p) => [p.name, p.tags['host'], p.fields['v'], p.time]), [['win', 'a', 1n, 1000000000n], ['win', 'b', 2n, 2000000000n]], 'the first window of each host')
})

t.test('influxd down, then back: retried, every point written once', async (t) => {
  const down = await RestartableInfluxd.create(t)
  await down.client.query('CREATE DATABASE flaky')
  await down.stop()
  const r = start(t, `stream|from().measurement('m')|influxDBOut().database('flaky')`, { urls: [down.url], opts: { retries: 5, retryBaseMs: 1000 } })
  r.write('m v=1i 1\nm v=2i 2\nm v=3i 3')
  r.scheduler.advance(10_000)
  await r.runtime.settled()
  t.match(r.stats(), { points_written: 0, write_errors: 1 })
  r.scheduler.advance(1000) // first retry, still down
  await r.runtime.settled()
  t.match(r.stats(), { points_written: 0, write_errors: 2 })
  r.write('m v=4i 4')
  await down.start()
  // the retry (in 2 s) finds influxd back; the next flush (in 9 s) queues behind it
  r.scheduler.advance(10_000)
  await r.runtime.settled()
  t.match(r.stats(), { points_written: 4, write_errors: 2, points_dropped: 0 })
  const rows = await down.client.query('SELECT v FROM m', { db: 'flaky' })
  t.same(rows[0]!.values, [[1n, 1n], [2n, 2n], [3n, 3n], [4n, 4n]], 'each point once, in order')
})

t.test('what cannot be written is counted as dropped', async (t) => {
  // influxd down for good: dropped after the retries
  const r = start(t, `stream|from().measurement('m')|influxDBOut().database('x')`, { urls: [await deadUrl()], opts: { retries: 2, retryBaseMs: 100 } })
  r.write('m v=1i 1\nm v=2i 2')
  r.scheduler.advance(10_000)
  await r.runtime.settled()
  r.scheduler.advance(100)
  await r.runtime.settled()
  r.scheduler.advance(200)
  await r.runtime.settled()
  t.match(r.stats(), { points_written: 0, write_errors: 3, points_dropped: 2 })
  t.equal(r.runtime.pending, 0)

  // influxd refuses the data (field type conflict): not retried
  await influx.createDatabase('conflict')
  await influx.write('m v=1i 1', { db: 'conflict' })
  const c = start(t, `stream|from().measurement('m')|influxDBOut().database('conflict')`)
  c.write('m v="text" 2\nm w=1i 3')
  c.scheduler.advance(10_000)
  await c.runtime.settled()
  t.match(c.stats(), { write_errors: 1, points_dropped: 1, points_written: 1 }, 'the partial write names what influxd dropped')
  t.same((await influx.readAll('conflict')).map((p) => p.time).sort(), [1n, 3n])
})

t.test('the buffer is bounded: points that do not fit are dropped at once', async (t) => {
  const r = start(t, `stream|from().measurement('m')|influxDBOut().database('x').buffer(1)`, { urls: [await deadUrl()], opts: { capacity: 3, retries: 0 } })
  r.write('m v=1i 1\nm v=2i 2\nm v=3i 3\nm v=4i 4\nm v=5i 5')
  t.equal(r.stats()['points_dropped'], 2)
  t.equal(r.runtime.pending, 3)
  await r.runtime.settled()
})

t.test('task stop flushes what is buffered', async (t) => {
  await influx.createDatabase('atstop')
  const r = start(t, `stream|from().measurement('m')|influxDBOut().database('atstop')`)
  r.write('m v=1i 1\nm v=2i 2')
  r.execution.stop()
  await r.runtime.settled()
  t.equal((await influx.readAll('atstop')).length, 2)
})

t.test('no cluster configured: the task does not start; a bad precision is a define error', async (t) => {
  const defined = definePipeline(`stream|from()|influxDBOut()`, { type: 'stream', dbrps: [{ db: 'a', rp: 'b' }] })
  t.throws(() => new TaskExecution({ id: 'x', type: 'stream', dbrps: defined.dbrps, pipeline: defined.pipeline, logger: silent, clock: new ManualScheduler().clock, services: newTaskServices(), scheduler: new ManualScheduler() }),
    new TaskStartError('influxDBOut: no InfluxDB cluster is configured ([[influxdb]])'))
  const named = definePipeline(`stream|from()|influxDBOut().cluster('nope')`, { type: 'stream', dbrps: [{ db: 'a', rp: 'b' }] })
  const services = newTaskServices({ influxdb: createInfluxDBService([defaultClusterConfig({ name: 'only', urls: [influx.url] })], silent) })
  t.throws(() => new TaskExecution({ id: 'x', type: 'stream', dbrps: named.dbrps, pipeline: named.pipeline, logger: silent, clock: new ManualScheduler().clock, services, scheduler: new ManualScheduler() }),
    new TaskStartError('influxDBOut: unknown InfluxDB cluster "nope"'))
  t.throws(() => definePipeline(`stream|from()|influxDBOut().precision('x')`, { type: 'stream', dbrps: [{ db: 'a', rp: 'b' }] }), /invalid precision "x"/)
  t.throws(() => definePipeline(`stream|from()|influxDBOut().buffer(0)`, { type: 'stream', dbrps: [{ db: 'a', rp: 'b' }] }), /buffer must be greater than zero/)
  t.throws(() => definePipeline(`stream|from()|influxDBOut().flushInterval(0s)`, { type: 'stream', dbrps: [{ db: 'a', rp: 'b' }] }), /flushInterval must be greater than zero/)
})

t.test('through a daemon with [[influxdb]]: /write to kapacitord → task → influxd', async (t) => {
  await influx.createDatabase('fromdaemon')
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-out-'))
  const base = defaultConfig()
  const config: Config = {
    ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false },
    sections: { influxdb: [{ name: 'local', urls: [influx.url], 'disable-subscriptions': true }] },
  }
  const daemon = await startDaemon({ config, logger: silent })
  t.teardown(async () => { await daemon.stop(); rmSync(dataDir, { recursive: true, force: true }) })
  const url = `http://127.0.0.1:${daemon.httpAddress.port}`
  const res = await fetch(`${url}/kapacitor/v1/tasks`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'copy', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'enabled',
      script: "stream|from().measurement('cpu')|eval(lambda: \"v\" * 2).as('double')|influxDBOut().database('fromdaemon').buffer(1)",
    }),
  })
  t.equal(res.status, 200, await res.text())
  const w = await fetch(`${url}/write?db=telegraf&rp=autogen`, { method: 'POST', body: 'cpu,host=h v=21i 1700000000000000007\n' })
  t.equal(w.status, 204)
  // buffer(1): written on arrival; influxd is an external process, polled for a bounded time
  const deadline = Date.now() + 10_000
  let got: Awaited<ReturnType<Influxd['readAll']>> = []
  while (got.length === 0 && Date.now() < deadline) {
    got = await influx.readAll('fromdaemon')
    if (got.length === 0) await new Promise((r) => setTimeout(r, 50))
  }
  t.same(got, [{ name: 'cpu', tags: { host: 'h' }, fields: { double: 42n }, time: 1700000000000000007n }])
})
