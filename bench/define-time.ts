/**
 * define-time (parse part): how long parsing a TICKscript takes for generated scripts of
 * 100, 1,000 and 5,000 nodes (a node is one `|step()` of a pipeline; each pipeline is
 * from → where lambda → window → mean → alert with properties, the shape of real tasks).
 *
 * Figures (ms):
 * - `tick-parse-import`: loading the parser module (once per process);
 * - `tick-parse-cold-100`: the first parse in the process (the parser not yet optimised
 *   by the JIT: a one-time cost, what the first task defined after a start pays);
 * - `tick-parse-<n>`: warm, the best of the measured runs after a warm-up on every size
 *   (runs repeat until BENCH_DEFINE_MIN_MS of measuring per size, at least BENCH_DEFINE_RUNS;
 *   the best, not the median, because a shared machine adds noise only upwards).
 *
 * env: BENCH_DEFINE_RUNS (default 7), BENCH_DEFINE_MIN_MS (default 1500).
 */
import { pathToFileURL } from 'node:url'
import { emit, log, round } from './lib/procs.js'

const RUNS = Number(process.env.BENCH_DEFINE_RUNS ?? 7)
const MIN_MS = Number(process.env.BENCH_DEFINE_MIN_MS ?? 1500)
export const SIZES = [100, 1000, 5000]

/** Times `fn` (ms): at least `RUNS` runs and `MIN_MS` of them (capped at 200 runs); best and median. */
export function measure(fn: () => void): { best: number; median: number; runs: number } {
  const times: number[] = []
  let spent = 0
  while ((times.length < RUNS || spent < MIN_MS) && times.length < 200) {
    const t0 = process.hrtime.bigint()
    fn()
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    times.push(ms)
    spent += ms
  }
  times.sort((a, b) => a - b)
  return { best: times[0]!, median: times[times.length >> 1]!, runs: times.length }
}

/** Milliseconds since `t0` (a process.hrtime.bigint()). */
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6
}

/** A script of about `nodes` chain nodes, 5 per pipeline. */
export function generateScript(nodes: number): string {
  const out: string[] = ['dbrp "telegraf"."autogen"', '', 'var threshold = 80', '']
  for (let i = 0; i * 5 < nodes; i++) {
    out.push(
      `// pipeline ${i}`,
      `var p${i} = stream`,
      '    |from()',
      `        .measurement('cpu_${i}')`,
      `        .where(lambda: "host" =~ /^web-${i}/ AND "cpu" == 'cpu-total')`,
      `        .groupBy('host', 'dc')`,
      '    |window()',
      '        .period(1m)',
      '        .every(10s)',
      `    |mean('usage_idle')`,
      `        .as('mean')`,
      '    |eval(lambda: 100.0 - "mean", lambda: float("count") / 2.0)',
      `        .as('used', 'half')`,
      '    |alert()',
      `        .id('cpu-${i}-{{ index .Tags "host" }}')`,
      '        .warn(lambda: "used" > threshold)',
      '        .crit(lambda: "used" > 95.0 OR ("half" > 10.5 AND "used" >= 90))',
      "        .message('''{{ .ID }} is {{ .Level }}''')",
      '        .stateChangesOnly()',
      '',
    )
  }
  return out.join('\n')
}

async function main(): Promise<void> {
  const scripts = SIZES.map((n) => generateScript(n))
  let t0 = process.hrtime.bigint()
  const { parseTickScript } = await import('../src/interp/parse.js')
  const importMs = msSince(t0)
  log(`tick-parse-import: ${round(importMs, 2)} ms`)
  emit({ name: 'tick-parse-import', value: round(importMs, 2), unit: 'ms', baseline: null, ratio: null })
  t0 = process.hrtime.bigint()
  parseTickScript(scripts[0]!)
  const coldMs = msSince(t0)
  log(`tick-parse-cold-${SIZES[0]}: ${round(coldMs, 2)} ms (first parse in the process)`)
  emit({ name: `tick-parse-cold-${SIZES[0]}`, value: round(coldMs, 2), unit: 'ms', baseline: null, ratio: null })
  // warm-up on every size, so that the small sizes are not measured while the JIT is still at work
  for (let r = 0; r < 3; r++) for (const s of scripts) parseTickScript(s)
  SIZES.forEach((nodes, i) => {
    const script = scripts[i]!
    const m = measure(() => {
      if (parseTickScript(script).statements.length === 0) throw new Error('empty program')
    })
    log(`tick-parse-${nodes}: ${script.length} bytes, best ${round(m.best, 2)} ms, median ${round(m.median, 2)} ms of ${m.runs}`)
    emit({ name: `tick-parse-${nodes}`, value: round(m.best, 2), unit: 'ms', baseline: null, ratio: null })
  })
}

// run when executed (bench/run.ts), not when another bench imports generateScript
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
