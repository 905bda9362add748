/**
 * batchesOverRange (agreement §3): a batch task's queries over a past range, as batch
 * recordings and /replays/batch run them — against a real influxd with known points.
 */
import t from 'tap'
import { definePipeline } from '../../src/interp/eval/define.js'
import { fixedClock } from '../../src/model/clock.js'
import { batchesOverRange } from '../../src/query/batch-range.js'
import { defaultClusterConfig } from '../../src/query/influxdb-config.js'
import { createInfluxDBService } from '../../src/query/influxdb-service.js'
import type { RecordedBatch } from '../../src/record/types.js'
import { silentLogger } from '../../src/server/logger.js'
import { startInfluxd } from '../fixtures/influxd.js'

const S = 1_000_000_000n
/** 2026-01-01T00:00:00Z */
const T0 = 1_767_225_600n * S

const influx = await startInfluxd()
t.teardown(() => influx.stop())
await influx.createDatabase('db')
{
  const lines: string[] = []
  for (let i = 0; i < 40; i++) lines.push(`m,host=${i % 2 === 0 ? 'a' : 'b'} v=${i}i ${T0 / S + BigInt(i)}`)
  const r = await influx.write(lines.join('\n'), { db: 'db', precision: 's' })
  if (r.status !== 204) throw new Error(r.body)
}
const service = createInfluxDBService([defaultClusterConfig({ name: 'local', urls: [influx.url] })], silentLogger())

async function collect(it: AsyncIterable<RecordedBatch>): Promise<RecordedBatch[]> {
  const out: RecordedBatch[] = []
  for await (const b of it) out.push(b)
  return out
}

const summary = (b: RecordedBatch): unknown => ({ source: b.source, tags: b.tags, tmax: b.tmax, times: b.points.map((p) => (p.time - T0) / S), v: b.points.map((p) => p.fields['v']) })

t.test('every query node over [start, stop), stepping by its schedule', async (t) => {
  const d = definePipeline(`var a = batch
    |query('SELECT "v" FROM "db"."autogen"."m" WHERE "host" = \\'a\\'')
        .every(10s)
var b = batch
    |query('SELECT max("v") AS "v" FROM "db"."autogen"."m"')
        .every(20s)
        .groupBy(time(10s), 'host')
a|join(b).as('a', 'b')|httpOut('out')`, { type: 'batch', dbrps: [{ db: 'db', rp: 'autogen' }] })
  const got = await collect(batchesOverRange(d.pipeline, service, T0, T0 + 40n * S, { clock: fixedClock(T0 + 3600n * S) }))
  // sources in Kapacitor's collector order (the pipeline walk): b's query is 0, a's is 1
  t.same(got.filter((b) => b.source === 1).map(summary), [0, 1, 2, 3].map((k) => ({
    source: 1, tags: {}, tmax: T0 + BigInt(10 * (k + 1)) * S,
    times: [0, 2, 4, 6, 8].map((x) => BigInt(x + 10 * k)), v: [0, 2, 4, 6, 8].map((x) => BigInt(x + 10 * k)),
  })), "a's query: four 10 s periods, integers exact, batch time = query stop")
  t.same(got.filter((b) => b.source === 0).map(summary), [
    { source: 0, tags: { host: 'a' }, tmax: T0 + 10n * S, times: [0n, 10n], v: [8n, 18n] },
    { source: 0, tags: { host: 'b' }, tmax: T0 + 10n * S, times: [0n, 10n], v: [9n, 19n] },
    { source: 0, tags: { host: 'a' }, tmax: T0 + 30n * S, times: [20n, 30n], v: [28n, 38n] },
    { source: 0, tags: { host: 'b' }, tmax: T0 + 30n * S, times: [20n, 30n], v: [29n, 39n] },
  ], "b's query: two 20 s periods grouped by time(10s): batch time = the last bucket")
  t.same(got.map((b) => b.source), [0, 0, 0, 0, 1, 1, 1, 1], 'source by source')
})

t.test('no query ends after now; offsets move the ranges back', async (t) => {
  const d = definePipeline(`batch
    |query('SELECT "v" FROM "db"."autogen"."m" WHERE "host" = \\'b\\'')
        .every(10s)
        .offset(5s)
    |httpOut('out')`, { type: 'batch', dbrps: [{ db: 'db', rp: 'autogen' }] })
  const got = await collect(batchesOverRange(d.pipeline, service, T0, T0 + 40n * S, { clock: fixedClock(T0 + 26n * S) }))
  t.same(got.map((b) => [b.tmax, b.points.map((p) => (p.time - T0) / S)]), [
    [T0 + 5n * S, [1n, 3n]],
    [T0 + 15n * S, [5n, 7n, 9n, 11n, 13n]],
    [T0 + 25n * S, [15n, 17n, 19n, 21n, 23n]],
  ], 'ticks at 10, 20, 30 s query [t-15s, t-5s); the tick at 40 s would end after now')
})

t.test('a failing query rejects', async (t) => {
  const d = definePipeline(`batch
    |query('SELECT "v" FROM "db"."autogen"."m"')
        .every(10s)
        .cluster('elsewhere')
    |httpOut('out')`, { type: 'batch', dbrps: [{ db: 'db', rp: 'autogen' }] })
  await t.rejects(collect(batchesOverRange(d.pipeline, service, T0, T0 + 40n * S)), { name: 'InfluxDBError' })
})
