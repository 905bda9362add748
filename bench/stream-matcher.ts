/**
 * stream-matcher: points/s routed from parsed `/write` bodies to 1,000 enabled stream
 * tasks, each on its own measurement (`stream|from().measurement('m<i>').where(…)`), in
 * process: the real Matcher (src/match/matcher.ts) in front of real TaskExecutions.
 * The points are the Telegraf payload (gen_telegraf.py, 100 hosts) with each series'
 * measurement renamed to `m<k mod 1000>` (k = the series' order of first appearance), so
 * that every task gets one or two series; parsed once, in bodies of 5,000 lines, by the
 * daemon's parser, before anything is timed.
 *
 * Baseline (written here, labelled `naive-scan`): per point, a scan over every task's
 * inputs comparing db, rp and measurement, delivering to the ones that match — what a
 * router without an index does. Same tasks, same points, same deliveries (checked).
 * Runs are interleaved (ours, baseline, …), each repeating passes over the points for a
 * time budget; the best run of each is reported, also as CPU ns per point (this process's
 * CPU time, steadier than wall time on a shared machine).
 *
 * env: BENCH_TASKS (default 1000), BENCH_POINTS (default 100000), BENCH_RUNS (default 5),
 *      BENCH_RUN_MS (default 1500).
 */
import type { Point } from '../src/model/point.js'
import type { StreamInput } from '../src/pipeline/task-execution.js'
import { emit, genTelegrafLines, log, ratio, round } from './lib/procs.js'
import { DB, RP, parseBodies, startTasks } from './lib/stream-tasks.js'

const TASKS = Number(process.env.BENCH_TASKS ?? 1000)
const POINTS = Number(process.env.BENCH_POINTS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 1500)
const PER_BODY = 5000

function script(i: number): string {
  return `stream\n    |from()\n        .measurement('m${i}')\n        .where(lambda: "host" != '')\n`
}

/** Renames each series' measurement to m<k mod TASKS> (k = order of first appearance of the series). */
function spreadMeasurements(lines: readonly string[]): string[] {
  const bySeries = new Map<string, number>()
  return lines.map((line) => {
    const sp = line.indexOf(' ')
    const series = line.slice(0, sp)
    let k = bySeries.get(series)
    if (k === undefined) bySeries.set(series, (k = bySeries.size))
    const comma = series.indexOf(',')
    const tagsAndRest = comma < 0 ? line.slice(sp) : line.slice(comma)
    return `m${k % TASKS}${tagsAndRest}`
  })
}

/** The baseline router: no index, every input looked at for every point. */
function naiveScan(inputs: readonly StreamInput[], bodies: readonly Point[][]): number {
  let delivered = 0
  for (let b = 0; b < bodies.length; b++) {
    const points = bodies[b]!
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!
      for (let j = 0; j < inputs.length; j++) {
        const input = inputs[j]!
        if (input.db === p.db && input.rp === p.rp && (input.measurement === '' || input.measurement === p.name)) {
          input.deliver(p)
          delivered++
        }
      }
    }
  }
  return delivered
}

interface Rate { wall: number; cpu: number }

/**
 * Passes over all bodies until `RUN_MS` has elapsed: points per wall second, and per CPU
 * second of this process (steadier when other work shares the machine).
 */
function timed(pass: () => void, points: number): Rate {
  const t0 = process.hrtime.bigint()
  const c0 = process.cpuUsage()
  let n = 0
  let elapsed = 0
  do {
    pass()
    n += points
    elapsed = Number(process.hrtime.bigint() - t0) / 1e6
  } while (elapsed < RUN_MS)
  const c = process.cpuUsage(c0)
  return { wall: (n * 1000) / elapsed, cpu: (n * 1e6) / (c.user + c.system) }
}

async function main(): Promise<void> {
  const lines = spreadMeasurements(await genTelegrafLines(POINTS))
  const bodies = parseBodies(lines, PER_BODY)
  const total = bodies.reduce((n, b) => n + b.length, 0)
  const names = new Set(bodies.flatMap((b) => b.map((p) => p.name)))
  log(`stream-matcher: ${total} points over ${names.size} measurements, ${TASKS} tasks`)

  const tasks = startTasks(Array.from({ length: TASKS }, (_, i) => script(i)))
  try {
    const inputs = tasks.executions.flatMap((e) => e.inputs())
    if (inputs.some((i) => i.db !== DB || i.rp !== RP)) throw new Error('unexpected task input dbrp')

    // one untimed pass each: warm-up, and the check that both routers deliver the same points
    const routed0 = tasks.matcher.routed
    for (const b of bodies) tasks.matcher.write(b)
    const routedByMatcher = tasks.matcher.routed - routed0
    const deliveredByScan = naiveScan(inputs, bodies)
    if (routedByMatcher !== total || deliveredByScan !== total) {
      throw new Error(`routing differs: matcher routed ${routedByMatcher}, naive scan delivered ${deliveredByScan}, points ${total}`)
    }

    const ours: Rate[] = []
    const base: Rate[] = []
    for (let r = 0; r < RUNS; r++) {
      ours.push(timed(() => { for (const b of bodies) tasks.matcher.write(b) }, total))
      base.push(timed(() => { naiveScan(inputs, bodies) }, total))
      log(`run ${r + 1}: matcher ${round(ours[r]!.wall)} points/s (${round(ours[r]!.cpu)}/cpu-s), naive scan ${round(base[r]!.wall)} points/s (${round(base[r]!.cpu)}/cpu-s)`)
    }
    const o = Math.max(...ours.map((x) => x.wall))
    const b = Math.max(...base.map((x) => x.wall))
    const oCpu = Math.max(...ours.map((x) => x.cpu))
    const bCpu = Math.max(...base.map((x) => x.cpu))
    // every point passed each task's from() where-lambda once per delivery: the tasks really ran
    const collected = tasks.executions.reduce((n, e) => n + (e.stats()['node-stats']['from1']?.collected ?? 0), 0)
    emit({
      name: 'stream-matcher', value: round(o), unit: 'points/s', baseline: round(b), ratio: ratio(o, b),
      baseline_kind: 'naive-scan', tasks: TASKS, points: total, measurements: names.size,
      ns_per_point: round(1e9 / o, 1), baseline_ns_per_point: round(1e9 / b, 1),
      cpu_ns_per_point: round(1e9 / oCpu, 1), baseline_cpu_ns_per_point: round(1e9 / bCpu, 1),
      from_collected: collected, runs: ours.map((x) => round(x.wall)), baseline_runs: base.map((x) => round(x.wall)),
    })
  } finally {
    tasks.stop()
  }
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
