/**
 * influxdb-out: points/s that a stream task's influxDBOut writes into a private influxd
 * (`stream|from()|influxDBOut().database(…).buffer(5000)`, real timers, the real client),
 * against influxd's own `/write` rate for the same points in the same run: the same lines,
 * pre-encoded in bodies of 5,000, POSTed one request at a time (influxDBOut's pattern:
 * one request in flight) from this process.
 *
 * Ours: the Telegraf payload (gen_telegraf.py, 585 hosts) parsed once to points, fed to
 * the task in chunks of 5,000 (yielding to the event loop between chunks, as writes
 * arriving over HTTP would), timed from the first point in until influxd has acknowledged
 * the last (`points_written`). It includes what the node costs: tag merge, line encoding,
 * buffering, the client. Each run writes to a fresh database (the same series count for
 * both). Rounds interleaved (ours, influxd, …), best run of each.
 *
 * env: BENCH_POINTS (default 200000), BENCH_ROUNDS (default 2).
 */
import { performance } from 'node:perf_hooks'
import { pino } from 'pino'
import { parseLineProtocol } from '../src/ingest/line-protocol-parser.js'
import { definePipeline } from '../src/interp/eval/define.js'
import { Matcher } from '../src/match/matcher.js'
import { systemClock } from '../src/model/clock.js'
import type { Point } from '../src/model/point.js'
import type { CreateRuntime } from '../src/nodes/define-node.js'
import { InfluxDBOutRuntime } from '../src/nodes/influxdb-out-runtime.js'
import { newTaskServices } from '../src/pipeline/services.js'
import { TaskExecution } from '../src/pipeline/task-execution.js'
import { defaultClusterConfig } from '../src/query/influxdb-config.js'
import { createInfluxDBService } from '../src/query/influxdb-service.js'
import { startInfluxd } from '../test/fixtures/influxd.js'
import { emit, genTelegrafLines, log, ratio, round } from './lib/procs.js'

const POINTS = Number(process.env.BENCH_POINTS ?? 200_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const BUFFER = 5000
const HOSTS = 585
const silent = pino({ level: 'silent' })

async function ours(url: string, db: string, points: readonly Point[]): Promise<number> {
  const defined = definePipeline(`stream|from()|influxDBOut().database('${db}').buffer(${BUFFER}).flushInterval(1s)`,
    { type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }] })
  // the whole set may wait in the node: the figure is the write rate, not the overflow policy
  const pipeline = {
    ...defined.pipeline,
    nodes: defined.pipeline.nodes.map((n) => {
      if (n.type !== 'influxDBOut') return n
      const create: CreateRuntime = (node, ctx) => new InfluxDBOutRuntime(node, ctx, { capacity: points.length })
      return { ...n, spec: { ...n.spec, create } }
    }),
  }
  const services = newTaskServices({ influxdb: createInfluxDBService([defaultClusterConfig({ name: 'bench', urls: [url] })], silent) })
  const execution = new TaskExecution({ id: 'bench', type: 'stream', dbrps: defined.dbrps, pipeline, logger: silent, clock: systemClock, services })
  const matcher = new Matcher()
  matcher.add('bench', execution.inputs())
  const name = pipeline.nodes.find((n) => n.type === 'influxDBOut')!.name
  const runtime = execution.cell(name)!.runtime as InfluxDBOutRuntime
  const stat = (k: string): number => execution.stats()['node-stats'][name]![k] ?? 0
  const t0 = performance.now()
  for (let i = 0; i < points.length; i += BUFFER) {
    matcher.write(points.slice(i, i + BUFFER))
    await new Promise((r) => setImmediate(r))
  }
  runtime.flush()
  while (stat('points_written') + stat('points_dropped') < points.length) await runtime.settled().then(() => new Promise((r) => setImmediate(r)))
  const seconds = (performance.now() - t0) / 1000
  execution.stop()
  if (stat('points_dropped') > 0 || stat('write_errors') > 0) throw new Error(`influxDBOut: ${stat('points_dropped')} dropped, ${stat('write_errors')} write errors`)
  return points.length / seconds
}

async function baseline(url: string, db: string, bodies: readonly string[], count: number): Promise<number> {
  const t0 = performance.now()
  for (const body of bodies) {
    const res = await fetch(`${url}/write?db=${db}`, { method: 'POST', body })
    if (res.status !== 204) throw new Error(`influxd /write: ${res.status} ${await res.text()}`)
    await res.arrayBuffer()
  }
  return count / ((performance.now() - t0) / 1000)
}

async function main(): Promise<void> {
  const lines = await genTelegrafLines(POINTS, 1, HOSTS)
  const { points, errors } = parseLineProtocol(Buffer.from(lines.join('\n') + '\n'), { db: 'telegraf', rp: 'autogen', precision: 'ns', now: 0n })
  if (errors.length > 0) throw new Error(`payload: ${errors[0]!.reason}`)
  const bodies: string[] = []
  for (let i = 0; i < lines.length; i += BUFFER) bodies.push(lines.slice(i, i + BUFFER).join('\n') + '\n')
  log(`influxdb-out: ${points.length} points, ${bodies.length} bodies of ${BUFFER}`)

  const influx = await startInfluxd()
  try {
    const oursRuns: number[] = []
    const baseRuns: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      await influx.createDatabase(`ours${i}`)
      oursRuns.push(await ours(influx.url, `ours${i}`, points))
      log(`ours run ${i + 1}: ${round(oursRuns[i]!)} points/s`)
      await influx.createDatabase(`base${i}`)
      baseRuns.push(await baseline(influx.url, `base${i}`, bodies, points.length))
      log(`baseline run ${i + 1}: ${round(baseRuns[i]!)} points/s`)
    }
    const o = Math.max(...oursRuns)
    const b = Math.max(...baseRuns)
    emit({
      name: 'influxdb-out', value: round(o), unit: 'points/s', baseline: round(b), ratio: ratio(o, b),
      baseline_kind: 'influxd /write, same lines pre-encoded, one request at a time',
      points: points.length, buffer: BUFFER, rounds: ROUNDS, runs: oursRuns.map((r) => round(r)), baseline_runs: baseRuns.map((r) => round(r)),
    })
  } finally {
    await influx.stop()
  }
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
