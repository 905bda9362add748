/**
 * parse: line-protocol parsing throughput on the Telegraf-shaped payload
 * (gen_telegraf.py, 200,000 lines, ~242 bytes median), split into `/write`-sized bodies
 * of 5000 lines, each FULLY materialized (every Point with name, tags object, typed fields,
 * bigint time) — ours (src/ingest/line-protocol-parser.ts) against the npm package
 * `influx-line-protocol-parser` on the same bytes (its public function, one call per line
 * of the body decoded to a string; it is wrong on many inputs, but it is the baseline).
 * Figures: `parse` (lines/s) and `parse-throughput` (MB/s, 10^6 bytes), from the best of
 * the measured runs after warm-up (the machine may be shared; the best run is the one least
 * disturbed; the median is logged too). Target: ≥ 100 MB/s and ≥ 8× the baseline.
 *
 * env: BENCH_PARSE_LINES (default 200000), BENCH_PARSE_BODY_LINES (default 5000),
 *      BENCH_PARSE_RUNS (default 7).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseLineProtocol } from '../src/ingest/line-protocol-parser.js'
import { emit, genTelegrafPath, log, ratio, round, PYTHON } from './lib/procs.js'

const LINES = Number(process.env.BENCH_PARSE_LINES ?? 200_000)
const BODY_LINES = Number(process.env.BENCH_PARSE_BODY_LINES ?? 5000)
const RUNS = Number(process.env.BENCH_PARSE_RUNS ?? 7)
const WARMUP = 3

type Baseline = (line: string) => unknown

function payload(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'bench-parse-'))
  try {
    const file = join(dir, 'telegraf.lp')
    execFileSync(PYTHON, [genTelegrafPath(), '--lines', String(LINES), '--out', file], { stdio: ['ignore', 'ignore', 'inherit'] })
    return readFileSync(file)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The payload cut into bodies of BODY_LINES whole lines. */
function bodies(all: Buffer): Buffer[] {
  const out: Buffer[] = []
  let start = 0
  while (start < all.length) {
    let end = start
    for (let n = 0; n < BODY_LINES && end < all.length; n++) {
      const nl = all.indexOf(0x0a, end)
      end = nl < 0 ? all.length : nl + 1
    }
    out.push(all.subarray(start, end))
    start = end
  }
  return out
}

function runOurs(list: readonly Buffer[]): number {
  let n = 0
  const opts = { db: 'telegraf', rp: 'autogen', precision: 'ns' as const, now: 1_700_000_000_000_000_000n }
  for (const body of list) {
    const r = parseLineProtocol(body, opts)
    if (r.errors.length > 0) throw new Error(`unexpected parse error: ${r.errors[0]!.reason}`)
    n += r.points.length
  }
  return n
}

function runBaseline(list: readonly Buffer[], parse: Baseline): number {
  let n = 0
  for (const body of list) {
    const lines = body.toString('utf8').split('\n')
    const out: unknown[] = []
    for (const line of lines) if (line !== '') out.push(parse(line))
    n += out.length
  }
  return n
}

function measure(label: string, run: () => number, expectLines: number): number {
  for (let k = 0; k < WARMUP; k++) run()
  const times: number[] = []
  for (let k = 0; k < RUNS; k++) {
    const t0 = process.hrtime.bigint()
    const n = run()
    const dt = Number(process.hrtime.bigint() - t0) / 1e9
    if (n !== expectLines) throw new Error(`${label}: ${n} points for ${expectLines} lines`)
    times.push(dt)
  }
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)]!
  log(`parse: ${label}: runs ${times.map((t) => round(t * 1000)).join(' ')} ms, best ${round(times[0]! * 1000)} ms, median ${round(median * 1000)} ms`)
  return times[0]!
}

function main(): void {
  const all = payload()
  const list = bodies(all)
  let lines = 0
  for (let k = 0; k < all.length; k++) if (all[k] === 0x0a) lines++
  log(`parse: ${lines} lines, ${all.length} bytes (${round(all.length / lines)} B/line), ${list.length} bodies`)

  const require = createRequire(import.meta.url)
  const baselineParse = require('influx-line-protocol-parser') as Baseline

  const ours = measure('ours', () => runOurs(list), lines)
  const base = measure('influx-line-protocol-parser', () => runBaseline(list, baselineParse), lines)

  const linesPerS = lines / ours
  const baseLinesPerS = lines / base
  const mbPerS = all.length / ours / 1e6
  const baseMbPerS = all.length / base / 1e6
  emit({ name: 'parse', value: round(linesPerS), unit: 'lines/s', baseline: round(baseLinesPerS), ratio: ratio(linesPerS, baseLinesPerS) })
  emit({ name: 'parse-throughput', value: round(mbPerS, 1), unit: 'MB/s', baseline: round(baseMbPerS, 1), ratio: ratio(mbPerS, baseMbPerS) })
}

main()
