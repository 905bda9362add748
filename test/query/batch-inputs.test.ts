/**
 * A batch task's replay inputs (`TaskExecution.batchInputs()`): one per query node in
 * pipeline order, each turning a recorded batch into the batch message a live query would
 * emit — the group from the batch tags (plus the measurement with groupByMeasurement),
 * points without tags getting the batch's, the batch time rule, exact integers — and
 * nothing scheduled when the queries are external.
 */
import t from 'tap'
import { pino } from 'pino'
import { definePipeline } from '../../src/interp/eval/define.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { newTaskServices, type TaskServices } from '../../src/pipeline/services.js'
import { TaskExecution } from '../../src/pipeline/task-execution.js'
import type { InfluxDBService } from '../../src/query/influxdb.js'
import type { RecordedBatch } from '../../src/record/types.js'

const S = 1_000_000_000n

function start(script: string, opts: { services?: TaskServices; scheduler?: ManualScheduler; queries?: 'scheduled' | 'external' } = {}): { e: TaskExecution; services: TaskServices } {
  const d = definePipeline(script, { type: 'batch', dbrps: [{ db: 'db', rp: 'rp' }] })
  const services = opts.services ?? newTaskServices()
  const scheduler = opts.scheduler ?? new ManualScheduler(0n)
  const e = new TaskExecution({
    id: 'task', type: d.type, dbrps: d.dbrps, pipeline: d.pipeline, logger: pino({ level: 'silent' }),
    clock: scheduler.clock, scheduler, services, queries: opts.queries ?? 'external',
  })
  return { e, services }
}

const out = (services: TaskServices, endpoint = 'out'): unknown => JSON.parse(services.httpOut.get('task', endpoint)!.render())

function batch(over: Partial<RecordedBatch> & { points: RecordedBatch['points'] }): RecordedBatch {
  return { source: 0, name: 'cpu', tags: {}, ...over }
}

t.test("one input per query node, in Kapacitor's collector order; none for a stream task", async (t) => {
  // Kapacitor's Pipeline.Walk: query1's subtree is finished first, so query2 comes first
  // (its TestBatch_JoinOn recordings are in that order)
  const { e } = start(`var a = batch|query('SELECT v FROM db.rp.a').every(1s)
var b = batch|query('SELECT v FROM db.rp.b').every(1s)
a|join(b).as('a', 'b')|httpOut('out')`)
  t.same(e.batchInputs().map((i) => [i.node, i.index]), [['query2', 0], ['query1', 1]])
  const { e: e3 } = start(`batch|query('SELECT v FROM db.rp.a').every(1s)|httpOut('a')
batch|query('SELECT v FROM db.rp.b').every(1s)|httpOut('b')`)
  t.same(e3.batchInputs().map((i) => i.node), ['query3', 'query1'], 'independent queries: the last written first')
  const s = definePipeline("stream|from().measurement('m')|httpOut('out')", { type: 'stream', dbrps: [{ db: 'db', rp: 'rp' }] })
  const se = new TaskExecution({ id: 's', type: s.type, dbrps: s.dbrps, pipeline: s.pipeline, logger: pino({ level: 'silent' }), clock: new ManualScheduler().clock, services: newTaskServices() })
  t.same(se.batchInputs(), [])
})

t.test('group from the batch tags; points without tags get them; integers stay integers', async (t) => {
  const { e, services } = start(`batch|query('SELECT v FROM db.rp.cpu').every(10s).groupBy('host')
    |sum('v')
    |httpOut('out')`)
  const [input] = e.batchInputs()
  input!.deliver(batch({ tags: { host: 'a' }, tmax: 10n * S, points: [{ time: 1n * S, tags: {}, fields: { v: 2n } }, { time: 2n * S, tags: {}, fields: { v: 3n } }] }))
  t.same(out(services), { series: [{ name: 'cpu', tags: { host: 'a' }, columns: ['time', 'sum'], values: [['1970-01-01T00:00:10Z', 5]] }] })
  const { e: e2, services: s2 } = start(`batch|query('SELECT v FROM db.rp.cpu').every(10s).groupBy('host')
    |eval(lambda: "v" / 2).as('half')
    |httpOut('out')`)
  e2.batchInputs()[0]!.deliver(batch({ tags: { host: 'a' }, points: [{ time: 1n * S, tags: {}, fields: { v: 5n } }] }))
  t.same(out(s2), { series: [{ name: 'cpu', tags: { host: 'a' }, columns: ['time', 'half'], values: [['1970-01-01T00:00:01Z', 2]] }] }, 'int / int is an int: the values came in as integers')
})

t.test('batch time: the later of tmax and the last point; an empty batch without tmax keeps the previous one', async (t) => {
  const { e, services } = start(`batch|query('SELECT v FROM db.rp.cpu').every(10s)
    |count('v')
    |httpOut('out')`)
  const input = e.batchInputs()[0]!
  input.deliver(batch({ points: [{ time: 3n * S, tags: {}, fields: { v: 1 } }] }))
  t.same(out(services), { series: [{ name: 'cpu', columns: ['time', 'count'], values: [['1970-01-01T00:00:03Z', 1]] }] }, 'no tmax: the last point')
  input.deliver(batch({ tmax: 20n * S, points: [{ time: 13n * S, tags: {}, fields: { v: 1 } }] }))
  t.same(out(services), { series: [{ name: 'cpu', columns: ['time', 'count'], values: [['1970-01-01T00:00:20Z', 1]] }] }, 'tmax after the last point')
  input.deliver(batch({ points: [] }))
  t.same(out(services), { series: [{ name: 'cpu', columns: ['time', 'count'], values: [['1970-01-01T00:00:20Z', 0]] }] }, 'an empty batch: count 0 at the previous batch time')
})

t.test('groupByMeasurement puts the measurement in the group', async (t) => {
  const { e, services } = start(`batch|query('SELECT v FROM db.rp./cpu.*/').every(10s).groupBy('host').groupByMeasurement()
    |max('v')
    |httpOut('out')`)
  const input = e.batchInputs()[0]!
  input.deliver(batch({ name: 'cpu_a', tags: { host: 'x' }, points: [{ time: 1n * S, tags: {}, fields: { v: 1 } }] }))
  input.deliver(batch({ name: 'cpu_b', tags: { host: 'x' }, points: [{ time: 1n * S, tags: {}, fields: { v: 2 } }] }))
  const series = (out(services) as { series: Array<{ name: string }> }).series
  t.same(series.map((s) => s.name).sort(), ['cpu_a', 'cpu_b'], 'two groups, one per measurement')
})

t.test('external queries never schedule, never query', async (t) => {
  let queried = 0
  const influxdb: InfluxDBService = {
    clusters: ['x'],
    client: () => ({ cluster: 'x', query: async () => { queried++; return [] }, write: async () => {} }),
  }
  const scheduler = new ManualScheduler(0n)
  const { e } = start(`batch|query('SELECT v FROM db.rp.cpu').every(1s)|httpOut('out')`, { services: newTaskServices({ influxdb }), scheduler, queries: 'external' })
  scheduler.advance(10_000)
  await new Promise((r) => setImmediate(r))
  t.equal(queried, 0)
  e.stop()
  const live = start(`batch|query('SELECT v FROM db.rp.cpu').every(1s)|httpOut('out')`, { services: newTaskServices({ influxdb }), scheduler, queries: 'scheduled' })
  for (let i = 0; i < 3; i++) {
    scheduler.advance(1_000)
    await new Promise((r) => setImmediate(r))
  }
  t.equal(queried, 3, 'scheduled: one query a second')
  live.e.stop()
  scheduler.advance(3_000)
  await new Promise((r) => setImmediate(r))
  t.equal(queried, 3, 'nothing after stop')
})

t.test('a period longer than a timer can wait (about 24.8 days) fires on time', async (t) => {
  const ticks: string[] = []
  const influxdb: InfluxDBService = {
    clusters: ['x'],
    client: () => ({ cluster: 'x', query: async (q) => { ticks.push(q); return [] }, write: async () => {} }),
  }
  const scheduler = new ManualScheduler(0n)
  const { e } = start(`batch|query('SELECT v FROM db.rp.cpu').every(30d)|httpOut('out')`, { services: newTaskServices({ influxdb }), scheduler, queries: 'scheduled' })
  t.teardown(() => e.stop())
  const day = 24 * 3600 * 1000
  scheduler.advance(29 * day)
  await new Promise((r) => setImmediate(r))
  t.equal(ticks.length, 0, 'not before its tick')
  scheduler.advance(day)
  await new Promise((r) => setImmediate(r))
  t.equal(ticks.length, 1)
  t.match(ticks[0], /time < '1970-01-31T00:00:00Z'/, 'the range ends at the tick')
})
