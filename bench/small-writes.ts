/**
 * small-writes: requests/s of one-line `POST /write` requests over 64 keep-alive
 * connections (load from a second process: bench/lib/raw-load.ts, a lean generator, or
 * autocannon with BENCH_GENERATOR=autocannon), our daemon vs a private
 * influxd in the same run, with p99 latency. Target: ≥ 2× influxd. Also
 * `small-writes-per-cpu`: requests per CPU-second of each server process (all threads).
 *
 * Two rounds, interleaved (ours, influxd, ours, influxd), best run of each reported.
 *
 * env: BENCH_DURATION (s per run, default 8), BENCH_ROUNDS (default 2), BENCH_GENERATOR.
 */
import { emit, genTelegrafLines, ingestVars, interleaved, okPerSecond, ratio, round, runLoadOn, startInfluxd, startKapacitord, type LoadResult, type Server } from './lib/procs.js'

const CONNECTIONS = 64
const DURATION = Number(process.env.BENCH_DURATION ?? 8)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
// raw: bench/lib/raw-load.ts, ~10 µs of CPU per request; autocannon costs about as much per
// one-line request as our server does, which on 2 cores makes the generator the limit.
const GENERATOR: 'raw' | 'autocannon' = process.env.BENCH_GENERATOR === 'autocannon' ? 'autocannon' : 'raw'

async function main(): Promise<void> {
  const servers: Server[] = []
  try {
    // 500 different Telegraf lines, one per request, cycled.
    const bodies = (await genTelegrafLines(500, 2)).map((l) => l + '\n')
    const ours = await startKapacitord()
    servers.push(ours)
    const influx = await startInfluxd('telegraf')
    servers.push(influx)

    const spec = { bodies, connections: CONNECTIONS, durationS: DURATION, warmupS: 2, generator: GENERATOR }
    const before = await ingestVars(ours.url)
    const runs = await interleaved(ROUNDS,
      () => runLoadOn(ours, { ...spec, url: `${ours.url}/write?db=telegraf` }),
      () => runLoadOn(influx, { ...spec, url: `${influx.url}/write?db=telegraf` }))
    const after = await ingestVars(ours.url)
    const o = runs.ours
    const b = runs.baseline

    const oursRps = o.ok / o.duration_s
    const baseRps = b.ok / b.duration_s
    emit({
      name: 'small-writes', value: round(oursRps), unit: 'requests/s', baseline: round(baseRps), ratio: ratio(oursRps, baseRps),
      p50_ms: o.latency_p50_ms, p99_ms: o.latency_p99_ms, baseline_p50_ms: b.latency_p50_ms, baseline_p99_ms: b.latency_p99_ms,
      connections: CONNECTIONS, generator: GENERATOR, non2xx: o.non2xx + o.errors, baseline_non2xx: b.non2xx + b.errors,
      counted_by_daemon: after.http.writes_ok - before.http.writes_ok >= runs.oursRuns.reduce((n, r) => n + r.ok, 0) && after.lines_rejected === before.lines_rejected,
      target_ratio: 2, rounds: ROUNDS,
      runs: runs.oursRuns.map((r) => round(okPerSecond(r))),
      baseline_runs: runs.baselineRuns.map((r) => round(okPerSecond(r))),
    })
    // Requests per CPU-second of the server process (all threads): robust to other load on the machine.
    const perCpu = (rs: LoadResult[]) => {
      const cpu = rs.reduce((n, r) => n + (r.server_cpu_s ?? 0), 0)
      return cpu > 0 ? rs.reduce((n, r) => n + r.ok, 0) / cpu : 0
    }
    const oCpu = perCpu(runs.oursRuns)
    const bCpu = perCpu(runs.baselineRuns)
    emit({
      name: 'small-writes-per-cpu', value: round(oCpu), unit: 'requests/cpu-s', baseline: round(bCpu), ratio: ratio(oCpu, bCpu),
      cpu_s: runs.oursRuns.map((r) => r.server_cpu_s), baseline_cpu_s: runs.baselineRuns.map((r) => r.server_cpu_s),
      loadgen_cpu_s: runs.oursRuns.map((r) => r.loadgen_cpu_s), baseline_loadgen_cpu_s: runs.baselineRuns.map((r) => r.loadgen_cpu_s),
      run_s: runs.oursRuns.map((r) => r.duration_s),
    })
  } finally {
    for (const s of servers.reverse()) await s.stop()
  }
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
