/**
 * A batch task whose InfluxDB goes away: every period while influxd is stopped is one
 * logged, counted query error (`query_errors`) and the task keeps running; once influxd is
 * back the next period's query succeeds. The schedule runs on ManualScheduler; the waits
 * are bounded polls for the real influxd's answer (or refusal).
 */
import t from 'tap'
import { pino } from 'pino'
import { definePipeline } from '../../src/interp/eval/define.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { TaskExecution } from '../../src/pipeline/task-execution.js'
import { defaultClusterConfig } from '../../src/query/influxdb-config.js'
import { createInfluxDBService } from '../../src/query/influxdb-service.js'
import { silentLogger } from '../../src/server/logger.js'
import { RestartableInfluxd } from './restartable-influxd.js'

const S = 1_000_000_000n
/** 2026-01-01T00:00:00Z */
const T0 = 1_767_225_600n * S

t.test('influxd stopped for three periods, then back', async (t) => {
  const influx = await RestartableInfluxd.create(t)
  await influx.client.query('CREATE DATABASE "telegraf"')
  const lines: string[] = []
  for (let i = 0; i < 60; i++) lines.push(`cpu,host=a n=${i}i ${T0 / S + BigInt(i)}`)
  await influx.client.write(lines.join('\n'), { db: 'telegraf', precision: 's' })

  const scheduler = new ManualScheduler(T0)
  const services = newTaskServices({ influxdb: createInfluxDBService([defaultClusterConfig({ name: 'local', urls: [influx.url], timeoutMs: 5_000 })], silentLogger()) })
  const d = definePipeline(`batch
    |query('SELECT "n" FROM "telegraf"."autogen"."cpu"')
        .every(10s)
    |last('n')
    |httpOut('out')`, { type: 'batch', dbrps: [{ db: 'telegraf', rp: 'autogen' }] })
  const e = new TaskExecution({
    id: 'outage', type: d.type, dbrps: d.dbrps, pipeline: d.pipeline, logger: pino({ level: 'silent' }),
    clock: scheduler.clock, scheduler, services,
  })
  t.teardown(() => e.stop())
  const stat = (k: string): number => e.stats()['node-stats']['query1']![k]!
  const waitFor = async (what: string, cond: () => boolean): Promise<void> => {
    const deadline = Date.now() + 20_000
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`${what}: not reached (${JSON.stringify(e.stats()['node-stats']['query1'])})`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  const last = (): unknown => (JSON.parse(services.httpOut.get('outage', 'out')!.render()) as { series?: Array<{ values: unknown[][] }> }).series?.[0]?.values

  scheduler.advance(10_000)
  await waitFor('first period', () => stat('batches_queried') === 1)
  t.same(last(), [['2026-01-01T00:00:10Z', 9]], 'the first period [T0, T0+10s)')

  await influx.stop()
  for (let i = 1; i <= 3; i++) {
    scheduler.advance(10_000)
    await waitFor(`error ${i}`, () => stat('query_errors') === i)
    t.ok(e.executing, `still executing after ${i} failed period(s)`)
  }
  t.equal(stat('query_errors'), 3, 'one error per period while influxd is down')
  t.equal(stat('batches_queried'), 1)

  await influx.start()
  scheduler.advance(10_000)
  await waitFor('period after the restart', () => stat('batches_queried') === 2)
  t.same(last(), [['2026-01-01T00:00:50Z', 49]], 'the period [T0+40s, T0+50s), queried once influxd is back')
  t.equal(stat('query_errors'), 3)
  t.equal(stat('collected'), 2, 'the query node collects the batches of its own queries, as Kapacitor counts them')
  t.equal(stat('emitted'), 2)
})
