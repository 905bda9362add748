/**
 * stream-e2e: points/s through `POST /write` into 10 enabled stream tasks, each
 * `from().measurement(…).where(…).groupBy(…)|window().period(10s).every(10s)|mean(…)|httpOut(…)`,
 * over the Telegraf payload of 585 hosts (gen_telegraf.py: 10,003 series), against the
 * same bodies sent to a private influxd's own `/write` in the same run. Our daemon
 * (`node bin/kapacitord.js`), influxd and the load generator (bench/lib/raw-load.ts, 4
 * keep-alive connections) are three processes. Tasks are defined over the HTTP API
 * (`POST /kapacitor/v1/tasks`) before the load starts.
 *
 * The lines carry no timestamp, so both servers stamp them with the receive time: the
 * bodies are replayed over and over, and the tasks' windows must see time move on (with
 * the payload's own timestamps every replay would go back in time and the windows would
 * buffer for ever). Bodies of 5,000 lines.
 *
 * Figures: `stream-e2e` (points/s, baseline influxd, target ≥ 2.5×) and
 * `stream-e2e-per-cpu` (points per CPU-second of the server process: holds up when other
 * work shares the machine). Two rounds, interleaved (ours, influxd, ours, influxd), best
 * run of each. After the runs, every task must be executing, have seen points in its
 * from() and no node errors; the windows emitted are counted.
 *
 * env: BENCH_DURATION (s per run, default 8), BENCH_CONNECTIONS (default 4), BENCH_ROUNDS (default 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emit, genTelegrafLines, pointsPerCpuSecond, ingestVars, interleaved, log, ratio, round, runLoadOn, startInfluxd, startKapacitord, type LoadResult, type Server } from './lib/procs.js'
import { api } from './lib/api.js'

const HOSTS = 585
const LINES_PER_BODY = 5000
const BODIES = 20
const DURATION = Number(process.env.BENCH_DURATION ?? 8)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const TARGET = 2.5

interface TaskDef { id: string; measurement: string; where: string; groupBy: string; field: string }

/** Ten alerting-style tasks over the Telegraf measurements (every series is seen by at least one). */
const TASKS: TaskDef[] = [
  { id: 'cpu_idle', measurement: 'cpu', where: `"cpu" == 'cpu-total'`, groupBy: `'host'`, field: 'usage_idle' },
  { id: 'cpu_user', measurement: 'cpu', where: `"cpu" != 'cpu-total'`, groupBy: `'host', 'cpu'`, field: 'usage_user' },
  { id: 'mem_used', measurement: 'mem', where: `"used_percent" >= 0.0`, groupBy: `'host'`, field: 'used_percent' },
  { id: 'disk_root', measurement: 'disk', where: `"path" == '/'`, groupBy: `'host'`, field: 'used_percent' },
  { id: 'diskio_sda', measurement: 'diskio', where: `"name" == 'sda'`, groupBy: `'host'`, field: 'io_time' },
  { id: 'net_eth0', measurement: 'net', where: `"interface" == 'eth0'`, groupBy: `'host'`, field: 'bytes_recv' },
  { id: 'load1', measurement: 'system', where: `isPresent("load1")`, groupBy: `'host'`, field: 'load1' },
  { id: 'procs', measurement: 'processes', where: `"total" > 0`, groupBy: `'host'`, field: 'total' },
  { id: 'swap_dc1', measurement: 'swap', where: `"host" =~ /\\.dc1\\./`, groupBy: `'host'`, field: 'used_percent' },
  { id: 'ctx_switches', measurement: 'kernel', where: `"host" =~ /^web-/`, groupBy: `'host'`, field: 'context_switches' },
]

function script(t: TaskDef): string {
  return `stream
    |from()
        .measurement('${t.measurement}')
        .where(lambda: ${t.where})
        .groupBy(${t.groupBy})
    |window()
        .period(10s)
        .every(10s)
    |mean('${t.field}')
    |httpOut('out')
`
}

interface TaskView { executing: boolean; error: string; stats: { 'node-stats'?: Record<string, Record<string, number>> } }

async function defineTasks(url: string): Promise<void> {
  for (const t of TASKS) {
    const v = await api(url, 'POST', '/kapacitor/v1/tasks', {
      id: t.id, type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: script(t), status: 'enabled',
    }) as TaskView
    if (!v.executing) throw new Error(`task ${t.id} is not executing: ${v.error}`)
  }
}

/** Every task executing, fed, without node errors; points collected by the from()s and windows emitted. */
async function checkTasks(url: string): Promise<{ collected: number; windows: number }> {
  let collected = 0
  let windows = 0
  for (const t of TASKS) {
    const v = await api(url, 'GET', `/kapacitor/v1/tasks/${t.id}`) as TaskView
    const stats = v.stats['node-stats'] ?? {}
    const from = Object.entries(stats).find(([k]) => k.startsWith('from'))?.[1]
    const win = Object.entries(stats).find(([k]) => k.startsWith('window'))?.[1]
    const errors = Object.entries(stats).filter(([, s]) => (s['errors'] ?? 0) > 0).map(([k, s]) => `${k}: ${s['errors']}`)
    if (!v.executing || !from || !win) throw new Error(`task ${t.id}: not executing or no stats (${v.error})`)
    if ((from['emitted'] ?? 0) === 0) throw new Error(`task ${t.id}: its from() passed no point`)
    if (errors.length > 0) throw new Error(`task ${t.id}: node errors ${errors.join(', ')}`)
    // a window emits once a point arrives 10 s after its first: with a single short round it may not have yet
    if ((win['emitted'] ?? 0) > 0) {
      const out = await api(url, 'GET', `/kapacitor/v1/tasks/${t.id}/out`) as { series?: Array<{ columns: string[] }> | null }
      if (!out.series || out.series.length === 0) throw new Error(`task ${t.id}: windows emitted but httpOut has no series`)
      if (out.series[0]!.columns.join() !== 'time,mean') throw new Error(`task ${t.id}: httpOut columns ${out.series[0]!.columns.join()}`)
    }
    collected += from['collected'] ?? 0
    windows += win['emitted'] ?? 0
  }
  return { collected, windows }
}

/** The payload without timestamps (the last space-separated token of each line). */
function withoutTimestamps(lines: readonly string[]): string[] {
  return lines.map((l) => l.slice(0, l.lastIndexOf(' ')))
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-stream-e2e-'))
  const servers: Server[] = []
  try {
    const lines = withoutTimestamps(await genTelegrafLines(LINES_PER_BODY * BODIES, 1, HOSTS))
    const series = new Set(lines.map((l) => l.slice(0, l.indexOf(' ')))).size
    const files: string[] = []
    for (let i = 0; i < BODIES; i++) {
      const f = join(dir, `body-${i}.lp`)
      writeFileSync(f, lines.slice(i * LINES_PER_BODY, (i + 1) * LINES_PER_BODY).join('\n') + '\n')
      files.push(f)
    }
    log(`stream-e2e: ${BODIES} bodies of ${LINES_PER_BODY} lines, ${series} series, ${TASKS.length} tasks`)

    const ours = await startKapacitord()
    servers.push(ours)
    await defineTasks(ours.url)
    const influx = await startInfluxd('telegraf')
    servers.push(influx)

    const spec = { bodyFiles: files, connections: CONNECTIONS, durationS: DURATION, warmupS: 2, generator: 'raw' as const }
    const before = await ingestVars(ours.url)
    const runs = await interleaved(ROUNDS,
      () => runLoadOn(ours, { ...spec, url: `${ours.url}/write?db=telegraf` }),
      () => runLoadOn(influx, { ...spec, url: `${influx.url}/write?db=telegraf` }))
    const after = await ingestVars(ours.url)
    const { collected, windows } = await checkTasks(ours.url)
    if (windows === 0) log('warning: no window has emitted yet (runs too short)')
    const o: LoadResult = runs.ours
    const b: LoadResult = runs.baseline
    const pps = (r: LoadResult) => (r.ok * LINES_PER_BODY) / r.duration_s
    const oursPps = pps(o)
    const basePps = pps(b)
    emit({
      name: 'stream-e2e', value: round(oursPps), unit: 'points/s', baseline: round(basePps), ratio: ratio(oursPps, basePps),
      baseline_kind: 'influxd /write', target_ratio: TARGET, tasks: TASKS.length, series,
      p50_ms: o.latency_p50_ms, p99_ms: o.latency_p99_ms, baseline_p50_ms: b.latency_p50_ms, baseline_p99_ms: b.latency_p99_ms,
      connections: CONNECTIONS, lines_per_request: LINES_PER_BODY,
      non2xx: o.non2xx + o.errors, baseline_non2xx: b.non2xx + b.errors,
      points_received: after.points_received - before.points_received, task_points_collected: collected, windows_emitted: windows,
      rounds: ROUNDS, runs: runs.oursRuns.map((r) => round(pps(r))), baseline_runs: runs.baselineRuns.map((r) => round(pps(r))),
    })
    const oCpu = pointsPerCpuSecond(runs.oursRuns, LINES_PER_BODY)
    const bCpu = pointsPerCpuSecond(runs.baselineRuns, LINES_PER_BODY)
    emit({
      name: 'stream-e2e-per-cpu', value: round(oCpu), unit: 'points/cpu-s', baseline: round(bCpu), ratio: ratio(oCpu, bCpu),
      cpu_s: runs.oursRuns.map((r) => r.server_cpu_s), baseline_cpu_s: runs.baselineRuns.map((r) => r.server_cpu_s),
    })
  } finally {
    for (const s of servers.reverse()) await s.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
