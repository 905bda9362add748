/**
 * stream-memory: heap bytes per buffered window point and per active group of a stream
 * task (Kapacitor's issue #1586 reports 3–10 KB per buffered point). The task is
 * `stream|from()|groupBy('host')|window().period(1h).every(1h)|mean('value')`: every point
 * falls inside the first hour, so nothing is emitted and everything stays buffered.
 * Points are realistic: Telegraf-like line-protocol text (`cpu,cpu=cpu-total,host=… value=…`)
 * parsed by the daemon's parser in 5,000-line bodies (it shares one tags object per
 * series) and written through the matcher, as `/write` does.
 *
 * Method (each scenario in a child `node --expose-gc` process this script starts): the bodies
 * are built first and the parser's series cache is warmed with one line per series (its
 * cost is reported apart, as `parser_bytes_per_series`: it belongs to ingest, not to the
 * task); then gc, heapUsed, feed, gc, heapUsed. Two scenarios:
 *   - points: POINTS points over 10 groups → (Δheap) / POINTS = bytes per buffered point;
 *   - groups: GROUPS groups with one point each → Δheap / GROUPS − bytes per point = bytes
 *     per active group (its window state, group object, id and map entries). Map
 *     occupancy makes this depend on GROUPS somewhat (about 460 B at 10,000 groups).
 * Baseline = the target (≤ 160 B per point, ≤ 800 B per group); ratio = value / target
 * (≤ 1 meets it).
 *
 * env: BENCH_MEM_POINTS (default 500000), BENCH_MEM_GROUPS (default 50000, below the
 *      parser's 100,000-series cache), BENCH_MEM_RUNS (default 3, median reported).
 * usage: node dist/bench/stream-memory.js                 (orchestrates)
 *        node --expose-gc dist/bench/stream-memory.js measure <points> <groups>
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { emit, log, ratio, round } from './lib/procs.js'
import { parseBody, startTasks } from './lib/stream-tasks.js'

const POINTS = Number(process.env.BENCH_MEM_POINTS ?? 500_000)
const GROUPS = Number(process.env.BENCH_MEM_GROUPS ?? 50_000)
const RUNS = Number(process.env.BENCH_MEM_RUNS ?? 3)
const PER_BODY = 5000
const TARGET_POINT = 160
const TARGET_GROUP = 800

const SCRIPT = `stream
    |from()
    |groupBy('host')
    |window()
        .period(1h)
        .every(1h)
    |mean('value')
`
/** 2023-11-14T22:00:00Z: an hour boundary (the window is not aligned, but it reads well). */
const T0 = 1_699_999_200_000_000_000n
const HOUR = 3_600_000_000_000n

function hostName(g: number): string {
  return `web-${String(g).padStart(5, '0')}.dc${(g % 3) + 1}.example.com`
}

/** `n` lines over `groups` hosts (round robin), all inside the first hour. */
function makeLines(n: number, groups: number): string[] {
  const step = HOUR / BigInt(n + 1)
  const out: string[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const g = i % groups
    const value = ((i * 7919) % 10_000) / 100 + 0.001
    out[i] = `cpu,cpu=cpu-total,host=${hostName(g)} value=${value} ${T0 + BigInt(i) * step}`
  }
  return out
}

function bodiesOf(lines: readonly string[]): Buffer[] {
  const out: Buffer[] = []
  for (let i = 0; i < lines.length; i += PER_BODY) out.push(Buffer.from(lines.slice(i, i + PER_BODY).join('\n') + '\n'))
  return out
}

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc!
  for (let i = 0; i < 4; i++) gc()
  return process.memoryUsage().heapUsed
}

interface Measured { script: string; bytes: number; parserBytes: number; cardinality: number; buffered: number }

/** One scenario in this (--expose-gc) process: Δheap of feeding `points` points over `groups` groups. */
function measure(points: number, groups: number): Measured {
  const bodies = bodiesOf(makeLines(points, groups))
  const seriesBody = Buffer.from(makeLines(groups, groups).join('\n') + '\n')
  const tasks = startTasks([SCRIPT])
  const h0 = heap()
  // warm the parser's series cache (one line per series); not delivered
  parseBody(seriesBody)
  const h1 = heap()
  for (const b of bodies) tasks.matcher.write(parseBody(b))
  const h2 = heap()
  const stats = tasks.executions[0]!.stats()['node-stats']
  const win = Object.keys(stats).find((k) => k.startsWith('window'))!
  const buffered = stats[win]!.collected ?? 0
  const emitted = stats[win]!.emitted ?? 0
  if (emitted !== 0) throw new Error(`the window emitted ${emitted} batches: points are not all buffered`)
  const cardinality = stats[win]!.working_cardinality ?? 0
  // keep everything reachable until the last heap reading
  if (bodies.length === 0 || tasks.executions.length !== 1) throw new Error('unreachable')
  tasks.stop()
  return { script: SCRIPT, bytes: h2 - h1, parserBytes: h1 - h0, cardinality, buffered }
}

function child(points: number, groups: number): Measured {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), 'measure', String(points), String(groups)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 })
  if (r.status !== 0) throw new Error(`stream-memory measure ${points} ${groups} exited ${r.status}`)
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function main(): void {
  const perPoint: number[] = []
  const perGroup: number[] = []
  const parser: number[] = []
  let script = ''
  for (let r = 0; r < RUNS; r++) {
    const p = child(POINTS, 10)
    if (p.buffered !== POINTS || p.cardinality !== 10) throw new Error(`points scenario: ${JSON.stringify(p)}`)
    const g = child(GROUPS, GROUPS)
    if (g.buffered !== GROUPS || g.cardinality !== GROUPS) throw new Error(`groups scenario: ${JSON.stringify(g)}`)
    const bp = p.bytes / POINTS
    perPoint.push(bp)
    perGroup.push(g.bytes / GROUPS - bp)
    parser.push(g.parserBytes / GROUPS)
    script = p.script
    log(`run ${r + 1}: ${round(bp, 1)} B/point, ${round(g.bytes / GROUPS - bp, 1)} B/group, parser ${round(g.parserBytes / GROUPS, 1)} B/series`)
  }
  const bp = median(perPoint)
  const bg = median(perGroup)
  const common = { script: script.replace(/\s+/g, ' ').trim(), runs: RUNS }
  emit({
    name: 'stream-memory-per-point', value: round(bp, 1), unit: 'bytes/point', baseline: TARGET_POINT, ratio: ratio(bp, TARGET_POINT),
    baseline_kind: 'target', points: POINTS, groups: 10, all_runs: perPoint.map((x) => round(x, 1)), kapacitor_issue_1586: '3-10 KB/point', ...common,
  })
  emit({
    name: 'stream-memory-per-group', value: round(bg, 1), unit: 'bytes/group', baseline: TARGET_GROUP, ratio: ratio(bg, TARGET_GROUP),
    baseline_kind: 'target', groups: GROUPS, all_runs: perGroup.map((x) => round(x, 1)),
    parser_bytes_per_series: round(median(parser), 1), ...common,
  })
}

if (process.argv[2] === 'measure') {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') throw new Error('run with --expose-gc')
  process.stdout.write(JSON.stringify(measure(Number(process.argv[3]), Number(process.argv[4]))) + '\n')
} else {
  main()
}
