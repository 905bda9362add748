/**
 * ingest: points/s through `POST /write` with 5000-line bodies of the Telegraf payload
 * (gen_telegraf.py), on loopback, load from a second process (autocannon, 4
 * connections), against our daemon (`node bin/kapacitord.js`, its own process) and
 * against a private influxd's own `/write` on the same bodies in the same run.
 * Figures: `ingest` (points/s, baseline influxd, with p50/p99 request latency),
 * `ingest-per-cpu` (points per CPU-second of the server process, all threads: holds up
 * when other work shares the machine) and `ingest-p99` (ms). Target: ≥ 3× influxd.
 *
 * Two rounds, interleaved (ours, influxd, ours, influxd), best run of each reported.
 *
 * env: BENCH_DURATION (s per run, default 8), BENCH_CONNECTIONS (default 4), BENCH_ROUNDS (default 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emit, genTelegrafLines, pointsPerCpuSecond, ingestVars, interleaved, log, ratio, round, runLoadOn, startInfluxd, startKapacitord, type LoadResult, type Server } from './lib/procs.js'

const LINES_PER_BODY = 5000
const BODIES = 20
const DURATION = Number(process.env.BENCH_DURATION ?? 8)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'))
  const servers: Server[] = []
  try {
    const lines = await genTelegrafLines(LINES_PER_BODY * BODIES)
    const files: string[] = []
    let bytes = 0
    for (let i = 0; i < BODIES; i++) {
      const body = lines.slice(i * LINES_PER_BODY, (i + 1) * LINES_PER_BODY).join('\n') + '\n'
      bytes += Buffer.byteLength(body)
      const f = join(dir, `body-${i}.lp`)
      writeFileSync(f, body)
      files.push(f)
    }
    log(`ingest: ${BODIES} bodies of ${LINES_PER_BODY} lines, ${round(bytes / BODIES / 1024)} KiB each`)

    const ours = await startKapacitord()
    servers.push(ours)
    const influx = await startInfluxd('telegraf')
    servers.push(influx)

    const spec = { bodyFiles: files, connections: CONNECTIONS, durationS: DURATION, warmupS: 2 }
    const before = await ingestVars(ours.url)
    const runs = await interleaved(ROUNDS,
      () => runLoadOn(ours, { ...spec, url: `${ours.url}/write?db=telegraf` }),
      () => runLoadOn(influx, { ...spec, url: `${influx.url}/write?db=telegraf` }))
    const after = await ingestVars(ours.url)
    const o: LoadResult = runs.ours
    const b: LoadResult = runs.baseline

    // The daemon's own counters over all runs (warm-ups included): a check that every
    // answered request's points were parsed and counted, none refused.
    const counted = after.points_received - before.points_received
    const expectedCounted = (after.http.writes_ok - before.http.writes_ok) * LINES_PER_BODY
    const oursPps = (o.ok * LINES_PER_BODY) / o.duration_s
    const basePps = (b.ok * LINES_PER_BODY) / b.duration_s
    emit({
      name: 'ingest', value: round(oursPps), unit: 'points/s', baseline: round(basePps), ratio: ratio(oursPps, basePps),
      p50_ms: o.latency_p50_ms, p99_ms: o.latency_p99_ms, baseline_p50_ms: b.latency_p50_ms, baseline_p99_ms: b.latency_p99_ms,
      connections: CONNECTIONS, lines_per_request: LINES_PER_BODY,
      non2xx: o.non2xx + o.errors, baseline_non2xx: b.non2xx + b.errors,
      counted_by_daemon: counted === expectedCounted && after.lines_rejected === before.lines_rejected,
      target_ratio: 3, rounds: ROUNDS,
      runs: runs.oursRuns.map((r) => round((r.ok * LINES_PER_BODY) / r.duration_s)),
      baseline_runs: runs.baselineRuns.map((r) => round((r.ok * LINES_PER_BODY) / r.duration_s)),
    })
    // Points per CPU-second of the server process (all its threads): robust to other load on the machine.
    const oCpu = pointsPerCpuSecond(runs.oursRuns, LINES_PER_BODY)
    const bCpu = pointsPerCpuSecond(runs.baselineRuns, LINES_PER_BODY)
    emit({
      name: 'ingest-per-cpu', value: round(oCpu), unit: 'points/cpu-s', baseline: round(bCpu), ratio: ratio(oCpu, bCpu),
      cpu_s: runs.oursRuns.map((r) => r.server_cpu_s), baseline_cpu_s: runs.baselineRuns.map((r) => r.server_cpu_s),
    })
    emit({
      name: 'ingest-p99', value: o.latency_p99_ms, unit: 'ms', baseline: b.latency_p99_ms, ratio: ratio(o.latency_p99_ms, b.latency_p99_ms),
      lines_per_request: LINES_PER_BODY,
    })
  } finally {
    for (const s of servers.reverse()) await s.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
