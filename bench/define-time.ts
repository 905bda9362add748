/**
 * define-time (parse part): how long parsing a TICKscript takes for generated scripts of
 * 100, 1,000 and 5,000 nodes (a node is one `|step()` of a pipeline; each pipeline is
 * from → where lambda → window → mean → alert with properties, the shape of real tasks),
 * best of the measured runs after warm-up. One figure per size: `tick-parse-<n>` (ms).
 *
 * env: BENCH_DEFINE_RUNS (default 7).
 */
import { pathToFileURL } from 'node:url'
import { parseTickScript } from '../src/interp/parse.js'
import { emit, log, round } from './lib/procs.js'

const RUNS = Number(process.env.BENCH_DEFINE_RUNS ?? 7)
const WARMUP = 2
const SIZES = [100, 1000, 5000]

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

function main(): void {
  for (const nodes of SIZES) {
    const script = generateScript(nodes)
    const times: number[] = []
    for (let r = 0; r < WARMUP + RUNS; r++) {
      const t0 = process.hrtime.bigint()
      const p = parseTickScript(script)
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      if (p.statements.length === 0) throw new Error('empty program')
      if (r >= WARMUP) times.push(ms)
    }
    times.sort((a, b) => a - b)
    log(`tick-parse-${nodes}: ${script.length} bytes, best ${round(times[0]!, 2)} ms, median ${round(times[times.length >> 1]!, 2)} ms`)
    emit({ name: `tick-parse-${nodes}`, value: round(times[0]!, 2), unit: 'ms', baseline: null, ratio: null })
  }
}

// run when executed (bench/run.ts), not when another bench imports generateScript
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main()
