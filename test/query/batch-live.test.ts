/**
 * Batch query nodes against a real influxd, on a fake clock: ManualScheduler drives the
 * schedule (no test sleeps for a timer); the only waits are bounded polls for influxd's
 * answer to arrive. Known points are written around T0 and each case checks which range a
 * tick queried, the batches it produced, their times and that integers stay integers.
 */
import t from 'tap'
import { pino } from 'pino'
import { definePipeline } from '../../src/interp/eval/define.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { newTaskServices, type TaskServices } from '../../src/pipeline/services.js'
import { TaskExecution } from '../../src/pipeline/task-execution.js'
import { defaultClusterConfig } from '../../src/query/influxdb-config.js'
import { createInfluxDBService } from '../../src/query/influxdb-service.js'
import { silentLogger } from '../../src/server/logger.js'
import { startInfluxd } from '../fixtures/influxd.js'

const S = 1_000_000_000n
/** 2026-01-01T00:00:00Z */
const T0 = 1_767_225_600n * S
const iso = (offsetS: number): string => new Date(Number(T0 / 1_000_000n) + offsetS * 1000).toISOString().replace('.000Z', 'Z')

interface Series { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }

const influx = await startInfluxd()
t.teardown(() => influx.stop())
await influx.createDatabase('telegraf')
{
  // host a and b, one point a second from T0-30s to T0+39s: value = i joined with .5 (-15.5, 0.5…), count = int i
  const lines: string[] = []
  for (let i = -30; i < 40; i++) {
    for (const host of ['a', 'b']) lines.push(`cpu,host=${host} value=${i}.5,count=${i}i ${T0 / S + BigInt(i)}`)
  }
  const r = await influx.write(lines.join('\n'), { db: 'telegraf', precision: 's' })
  if (r.status !== 204) throw new Error(`write: ${r.status} ${r.body}`)
}

function servicesFor(url: string): TaskServices {
  return newTaskServices({ influxdb: createInfluxDBService([defaultClusterConfig({ name: 'local', urls: [url], timeoutMs: 5_000 })], silentLogger()) })
}

function start(script: string, scheduler: ManualScheduler, services: TaskServices): TaskExecution {
  const d = definePipeline(script, { type: 'batch', dbrps: [{ db: 'telegraf', rp: 'autogen' }] })
  return new TaskExecution({
    id: 'batch', type: d.type, dbrps: d.dbrps, pipeline: d.pipeline, logger: pino({ level: 'silent' }),
    clock: scheduler.clock, scheduler, services,
  })
}

function stat(e: TaskExecution, node: string, key: string): number {
  return e.stats()['node-stats'][node]?.[key] ?? -1
}

/** Waits (bounded) until influxd's answer has been turned into batches or counted as an error. */
async function settled(e: TaskExecution, node: string, expected: { batches?: number; errors?: number }): Promise<void> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const okB = expected.batches === undefined || stat(e, node, 'batches_queried') >= expected.batches
    const okE = expected.errors === undefined || stat(e, node, 'query_errors') >= expected.errors
    if (okB && okE) return
    if (Date.now() > deadline) throw new Error(`${node}: no answer from influxd (${JSON.stringify(e.stats()['node-stats'][node])})`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function waitFor(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 20))
  }
}

function output(services: TaskServices, endpoint = 'out'): Series[] {
  return (JSON.parse(services.httpOut.get('batch', endpoint)!.render()) as { series: Series[] | null }).series ?? []
}

t.test('every: each tick queries [tick - period, tick); integers stay integers', async (t) => {
  const scheduler = new ManualScheduler(T0 + 3n * S)
  const services = servicesFor(influx.url)
  const e = start(`batch
    |query('SELECT "value", "count" FROM "telegraf"."autogen"."cpu"')
        .every(10s)
        .groupBy('host')
    |eval(lambda: "count" / 2)
        .as('half')
        .keep('count', 'half')
    |httpOut('out')`, scheduler, services)
  t.teardown(() => e.stop())
  scheduler.advance(9_999)
  t.equal(stat(e, 'query1', 'batches_queried'), 0, 'nothing before the first tick')
  scheduler.advance(1)
  await settled(e, 'query1', { batches: 2 })
  const out = output(services)
  t.same(out.map((s) => s.tags), [{ host: 'a' }, { host: 'b' }])
  const a = out[0]!
  t.same(a.columns, ['time', 'count', 'half'])
  t.same(a.values.map((v) => v[0]), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(iso), 'the points of [start+3s, start+13s)')
  t.same(a.values.map((v) => v[2]), [1, 2, 2, 3, 3, 4, 4, 5, 5, 6], 'an integer divided by an integer is an integer')
  t.equal(stat(e, 'query1', 'points_queried'), 20)

  scheduler.advance(10_000)
  await settled(e, 'query1', { batches: 4 })
  t.same(output(services)[1]!.values.map((v) => v[0]), [13, 14, 15, 16, 17, 18, 19, 20, 21, 22].map(iso), 'the next period')
  t.equal(stat(e, 'query1', 'query_errors'), 0)
})

t.test('align, period and offset; grouped by time the batch time is the last bucket', async (t) => {
  const scheduler = new ManualScheduler(T0 + 3n * S)
  const services = servicesFor(influx.url)
  const e = start(`var q = batch
    |query('SELECT mean("value") AS "mean", sum("count") AS "sum" FROM "telegraf"."autogen"."cpu" WHERE "host" = \\'a\\'')
        .every(10s)
        .period(20s)
        .offset(5s)
        .align()
        .groupBy(time(5s))
q
    |httpOut('rows')
q
    |sum('sum')
    |httpOut('total')`, scheduler, services)
  t.teardown(() => e.stop())
  // aligned: the first tick is T0+10s, querying [T0-15s, T0+5s) in 5s buckets
  scheduler.advance(6_999)
  t.equal(stat(e, 'query1', 'batches_queried'), 0)
  scheduler.advance(1)
  await settled(e, 'query1', { batches: 1 })
  const [rows] = output(services, 'rows')
  t.same(rows!.columns, ['time', 'mean', 'sum'])
  t.same(rows!.values, [[iso(-15), -13.5, -65], [iso(-10), -8.5, -40], [iso(-5), -3.5, -15], [iso(0), 2.5, 10]])
  t.same(output(services, 'total')[0]!.values, [[iso(0), -110]], 'the batch time is the last bucket; the sum of integers an integer')
})

t.test('cron: six fields, seconds first', async (t) => {
  const scheduler = new ManualScheduler(T0 + 3n * S)
  const services = servicesFor(influx.url)
  const e = start(`batch
    |query('SELECT "count" FROM "telegraf"."autogen"."cpu" WHERE "host" = \\'b\\'')
        .cron('*/5 * * * * *')
        .period(5s)
    |count('count')
    |httpOut('out')`, scheduler, services)
  t.teardown(() => e.stop())
  scheduler.advance(1_999)
  t.equal(stat(e, 'query1', 'batches_queried'), 0)
  scheduler.advance(1)
  await settled(e, 'query1', { batches: 1 })
  t.same(output(services)[0]!.values, [[iso(5), 5]], 'fired at T0+5s for [T0, T0+5s); the batch time is the query stop')
  scheduler.advance(5_000)
  await settled(e, 'query1', { batches: 2 })
  t.same(output(services)[0]!.values, [[iso(10), 5]])
})

t.test('a query that does not parse refuses the task at start, with its position', async (t) => {
  const scheduler = new ManualScheduler(T0)
  t.throws(() => start(`batch
    |query('SELECT "value" FROM')
        .every(10s)
    |httpOut('out')`, scheduler, servicesFor(influx.url)), { name: 'TaskStartError', message: /^query1: .*line 1 char \d+/ })
})

t.test('an unknown cluster is a connect error, counted every tick; the task keeps running', async (t) => {
  const scheduler = new ManualScheduler(T0)
  const e = start(`batch
    |query('SELECT "value" FROM "telegraf"."autogen"."cpu"')
        .every(1s)
        .cluster('nope')
    |httpOut('out')`, scheduler, servicesFor(influx.url))
  t.teardown(() => e.stop())
  scheduler.advance(1_000)
  scheduler.advance(1_000)
  await waitFor(() => stat(e, 'query1', 'connect_errors') === 2)
  t.equal(stat(e, 'query1', 'query_errors'), 0)
  t.ok(e.executing)
})

t.test('alignGroup lines the GROUP BY time buckets up with the start; fill fills the empty ones', async (t) => {
  const run = async (props: string): Promise<unknown[][]> => {
    const scheduler = new ManualScheduler(T0 + 3n * S)
    const services = servicesFor(influx.url)
    const e = start(`batch
    |query('SELECT count("count") AS "n" FROM "telegraf"."autogen"."cpu" WHERE "host" = \\'a\\'')
        .every(10s)
        .groupBy(time(5s))
${props}
    |httpOut('out')`, scheduler, services)
    t.teardown(() => e.stop())
    scheduler.advance(10_000)
    await settled(e, 'query1', { batches: 1 })
    return output(services)[0]!.values
  }
  t.same(await run(''), [[iso(0), 2], [iso(5), 5], [iso(10), 3]], '[T0+3s, T0+13s) in epoch-aligned buckets')
  t.same(await run('        .alignGroup()'), [[iso(3), 5], [iso(8), 5]], 'buckets from the start')
  const scheduler = new ManualScheduler(T0 + 35n * S)
  const services = servicesFor(influx.url)
  const e = start(`batch
    |query('SELECT count("count") AS "n" FROM "telegraf"."autogen"."cpu" WHERE "host" = \\'a\\'')
        .every(10s)
        .groupBy(time(5s))
        .fill(-1)
    |httpOut('out')`, scheduler, services)
  t.teardown(() => e.stop())
  scheduler.advance(10_000)
  await settled(e, 'query1', { batches: 1 })
  t.same(output(services)[0]!.values, [[iso(35), 5], [iso(40), -1]], 'no points after T0+39s: the bucket at T0+40s is filled')
})
