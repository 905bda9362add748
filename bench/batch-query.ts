/**
 * batch-query: rows/s from an InfluxDB query result into a batch pipeline. A private
 * influxd holds BENCH_ROWS points (default 1,000,000: 100 hosts × 10,000 seconds, an int
 * and a float field each); a batch task
 * `batch|query('SELECT "value", "n" FROM …').period(…).every(…).groupBy('host')|mean('value')|httpOut('out')`
 * runs one tick (ManualScheduler drives the schedule; the client, influxd and the pipeline
 * are real), timed from the tick until every series has gone through the pipeline: the
 * query over HTTP, MessagePack decoding, one batch per series, the batch messages and
 * the mean of each.
 *
 * Baseline: influxd serving the same rendered query to a plain POST /query (MessagePack,
 * epoch=ns), body read and not decoded — the rate at which InfluxDB hands the rows out.
 * Rounds interleaved (ours, influxd, …), best run of each.
 *
 * env: BENCH_ROWS (default 1000000), BENCH_ROUNDS (default 3).
 */
import { performance } from 'node:perf_hooks'
import { pino } from 'pino'
import { definePipeline } from '../src/interp/eval/define.js'
import { ManualScheduler } from '../src/pipeline/scheduler.js'
import { newTaskServices } from '../src/pipeline/services.js'
import { TaskExecution } from '../src/pipeline/task-execution.js'
import { prepareBatchQuery } from '../src/query/batch-query.js'
import { defaultClusterConfig } from '../src/query/influxdb-config.js'
import { createInfluxDBService } from '../src/query/influxdb-service.js'
import { startInfluxd } from '../test/fixtures/influxd.js'
import { emit, log, ratio, round } from './lib/procs.js'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const HOSTS = 100
const SECONDS = Math.ceil(ROWS / HOSTS)
const S = 1_000_000_000n
/** 2026-01-01T00:00:00Z */
const T0 = 1_767_225_600n * S
const QUERY = 'SELECT "value", "n" FROM "bench"."autogen"."cpu"'
const silent = pino({ level: 'silent' })

async function load(influx: Awaited<ReturnType<typeof startInfluxd>>): Promise<void> {
  const t0 = performance.now()
  const PER_BODY = 10_000
  let lines: string[] = []
  for (let s = 0; s < SECONDS; s++) {
    for (let h = 0; h < HOSTS; h++) {
      lines.push(`cpu,host=host${h} value=${(s % 100) + h / 100},n=${s}i ${T0 / S + BigInt(s)}`)
      if (lines.length === PER_BODY) {
        const r = await influx.write(lines.join('\n'), { db: 'bench', precision: 's' })
        if (r.status !== 204) throw new Error(`influxd /write: ${r.status} ${r.body}`)
        lines = []
      }
    }
  }
  if (lines.length > 0) await influx.write(lines.join('\n'), { db: 'bench', precision: 's' })
  log(`batch-query: ${HOSTS * SECONDS} rows written in ${round((performance.now() - t0) / 1000, 1)} s`)
}

async function ours(url: string): Promise<number> {
  const period = `${SECONDS}s`
  const d = definePipeline(`batch
    |query('${QUERY}')
        .period(${period})
        .every(${period})
        .groupBy('host')
    |mean('value')
    |httpOut('out')`, { type: 'batch', dbrps: [{ db: 'bench', rp: 'autogen' }] })
  const scheduler = new ManualScheduler(T0)
  const services = newTaskServices({ influxdb: createInfluxDBService([defaultClusterConfig({ name: 'bench', urls: [url] })], silent) })
  const e = new TaskExecution({ id: 'bench', type: d.type, dbrps: d.dbrps, pipeline: d.pipeline, logger: silent, clock: scheduler.clock, scheduler, services })
  const stats = (): Record<string, number> => e.stats()['node-stats']['query1']!
  const query = e.cell('query1')!
  const mean = e.cell('mean2')!
  const t0 = performance.now()
  scheduler.advance(SECONDS * 1000)
  // a cheap poll (1 ms timer, two counters) so that the wait costs next to nothing
  while (mean.emitted < HOSTS) {
    if (query.counter('query_errors').value > 0 || query.counter('connect_errors').value > 0) throw new Error(`query failed: ${JSON.stringify(stats())}`)
    await new Promise((r) => setTimeout(r, 1))
  }
  const seconds = (performance.now() - t0) / 1000
  const rows = stats()['points_queried']!
  e.stop()
  if (rows !== HOSTS * SECONDS) throw new Error(`expected ${HOSTS * SECONDS} rows, got ${rows}`)
  return rows / seconds
}

async function baseline(url: string): Promise<number> {
  const q = prepareBatchQuery(QUERY).render({ start: T0, stop: T0 + BigInt(SECONDS) * S, groupBy: { tags: ['host'], star: false } })
  const t0 = performance.now()
  const res = await fetch(`${url}/query?epoch=ns`, {
    method: 'POST', body: new URLSearchParams({ q }), headers: { Accept: 'application/x-msgpack' },
  })
  if (res.status !== 200) throw new Error(`influxd /query: ${res.status} ${await res.text()}`)
  await res.arrayBuffer()
  return (HOSTS * SECONDS) / ((performance.now() - t0) / 1000)
}

async function main(): Promise<void> {
  const influx = await startInfluxd()
  try {
    await influx.createDatabase('bench')
    await load(influx)
    const oursRuns: number[] = []
    const baseRuns: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      oursRuns.push(await ours(influx.url))
      log(`ours run ${i + 1}: ${round(oursRuns[i]!)} rows/s`)
      baseRuns.push(await baseline(influx.url))
      log(`baseline run ${i + 1}: ${round(baseRuns[i]!)} rows/s`)
    }
    const o = Math.max(...oursRuns)
    const b = Math.max(...baseRuns)
    emit({
      name: 'batch-query', value: round(o), unit: 'rows/s', baseline: round(b), ratio: ratio(o, b),
      baseline_kind: 'influxd answering the same query (MessagePack, body read, not decoded)',
      rows: HOSTS * SECONDS, series: HOSTS, rounds: ROUNDS, runs: oursRuns.map((r) => round(r)), baseline_runs: baseRuns.map((r) => round(r)),
    })
  } finally {
    await influx.stop()
  }
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
