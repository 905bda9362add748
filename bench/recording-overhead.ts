/**
 * recording-overhead: `/write` throughput (points/s) of one daemon (`node
 * bin/kapacitord.js`, its own process) with an active open-ended recording (every point
 * appended to LevelDB before the 204) against the same daemon without one, same run,
 * interleaved (with, without, with, without), best run of each. Same bodies as
 * bench/ingest.ts: 5000-line Telegraf payloads (gen_telegraf.py), autocannon from a
 * second process.
 *
 * Figures: `recording-overhead` (points/s with a recording, baseline without, ratio) and
 * `recording-overhead-per-cpu` (points per CPU-second of the server process, which holds
 * up better when other work shares the machine), plus the bytes stored per point.
 *
 * env: BENCH_DURATION (s per run, default 8), BENCH_CONNECTIONS (default 4), BENCH_ROUNDS (default 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { api } from './lib/api.js'
import { emit, genTelegrafLines, interleaved, log, pointsPerCpuSecond, ratio, round, runLoadOn, startKapacitord, type LoadResult, type Server } from './lib/procs.js'

const LINES_PER_BODY = 5000
const BODIES = 20
const DURATION = Number(process.env.BENCH_DURATION ?? 8)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const R = '/kapacitor/v1/recordings'

interface Recording { id: string; size: number; status: string }

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-recording-'))
  let server: Server | undefined
  try {
    const lines = await genTelegrafLines(LINES_PER_BODY * BODIES)
    const files: string[] = []
    for (let i = 0; i < BODIES; i++) {
      const f = join(dir, `body-${i}.lp`)
      writeFileSync(f, lines.slice(i * LINES_PER_BODY, (i + 1) * LINES_PER_BODY).join('\n') + '\n')
      files.push(f)
    }
    server = await startKapacitord()
    const s = server
    const spec = { bodyFiles: files, connections: CONNECTIONS, durationS: DURATION, warmupS: 2, url: `${s.url}/write?db=telegraf` }
    const bytesPerPoint: number[] = []
    let n = 0
    const withRecording = async (): Promise<LoadResult> => {
      const id = `bench-${n++}`
      await api(s.url, 'POST', `${R}/stream`, { id })
      const r = await runLoadOn(s, spec)
      const rec = await api(s.url, 'POST', `${R}/${id}/stop`, {}) as Recording
      // warm-up and measured run both recorded: every acknowledged point of both is in it
      bytesPerPoint.push(rec.size / ((r.ok * LINES_PER_BODY)))
      await api(s.url, 'DELETE', `${R}/${id}`)
      return r
    }
    const runs = await interleaved(ROUNDS, withRecording, () => runLoadOn(s, spec))
    const withPps = (runs.ours.ok * LINES_PER_BODY) / runs.ours.duration_s
    const withoutPps = (runs.baseline.ok * LINES_PER_BODY) / runs.baseline.duration_s
    emit({
      name: 'recording-overhead', value: round(withPps), unit: 'points/s', baseline: round(withoutPps), ratio: ratio(withPps, withoutPps),
      p50_ms: runs.ours.latency_p50_ms, p99_ms: runs.ours.latency_p99_ms,
      baseline_p50_ms: runs.baseline.latency_p50_ms, baseline_p99_ms: runs.baseline.latency_p99_ms,
      non2xx: runs.ours.non2xx + runs.ours.errors, connections: CONNECTIONS, lines_per_request: LINES_PER_BODY, rounds: ROUNDS,
      runs: runs.oursRuns.map((r) => round((r.ok * LINES_PER_BODY) / r.duration_s)),
      baseline_runs: runs.baselineRuns.map((r) => round((r.ok * LINES_PER_BODY) / r.duration_s)),
      // upper bound: the size includes the warm-up's points too
      stored_bytes_per_point_max: round(Math.max(...bytesPerPoint), 1),
    })
    const withCpu = pointsPerCpuSecond(runs.oursRuns, LINES_PER_BODY)
    const withoutCpu = pointsPerCpuSecond(runs.baselineRuns, LINES_PER_BODY)
    emit({
      name: 'recording-overhead-per-cpu', value: round(withCpu), unit: 'points/cpu-s', baseline: round(withoutCpu), ratio: ratio(withCpu, withoutCpu),
      cpu_s: runs.oursRuns.map((r) => r.server_cpu_s), baseline_cpu_s: runs.baselineRuns.map((r) => r.server_cpu_s),
    })
    log('recording-overhead: done')
  } finally {
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
