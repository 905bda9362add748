/**
 * small-writes: requests/s of one-line `POST /write` requests over 64 keep-alive
 * connections (load from a second process, autocannon), our daemon vs a private
 * influxd in the same run, with p99 latency. Target: ≥ 2× influxd.
 *
 * env: BENCH_DURATION (s, default 10).
 */
import { emit, genTelegrafLines, ingestVars, log, ratio, round, runLoad, startInfluxd, startKapacitord, type Server } from './lib/procs.js'

const CONNECTIONS = 64
const DURATION = Number(process.env.BENCH_DURATION ?? 10)

async function main(): Promise<void> {
  const servers: Server[] = []
  try {
    // 500 different Telegraf lines, one per request, cycled.
    const bodies = (await genTelegrafLines(500, 2)).map((l) => l + '\n')
    const ours = await startKapacitord()
    servers.push(ours)
    const influx = await startInfluxd('telegraf')
    servers.push(influx)

    const spec = { bodies, connections: CONNECTIONS, durationS: DURATION, warmupS: 2 }
    const before = await ingestVars(ours.url)
    const o = await runLoad({ ...spec, url: `${ours.url}/write?db=telegraf` })
    const after = await ingestVars(ours.url)
    log(`ours: ${JSON.stringify(o)}`)
    const b = await runLoad({ ...spec, url: `${influx.url}/write?db=telegraf` })
    log(`influxd: ${JSON.stringify(b)}`)

    const oursRps = o.ok / o.duration_s
    const baseRps = b.ok / b.duration_s
    emit({
      name: 'small-writes', value: round(oursRps), unit: 'requests/s', baseline: round(baseRps), ratio: ratio(oursRps, baseRps),
      p50_ms: o.latency_p50_ms, p99_ms: o.latency_p99_ms, baseline_p50_ms: b.latency_p50_ms, baseline_p99_ms: b.latency_p99_ms,
      connections: CONNECTIONS, non2xx: o.non2xx + o.errors, baseline_non2xx: b.non2xx + b.errors,
      counted_by_daemon: after.http.writes_ok - before.http.writes_ok >= o.ok && after.lines_rejected === before.lines_rejected,
      target_ratio: 2,
    })
  } finally {
    for (const s of servers.reverse()) await s.stop()
  }
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
