/**
 * define-time (whole define): parse + check + evaluate into a PipelineDef
 * (definePipeline) for the generated scripts of 100, 1,000 and 5,000 nodes of
 * bench/define-time.ts, best of the measured runs after warm-up. One figure per size:
 * `tick-define-<n>` (ms).
 *
 * env: BENCH_DEFINE_RUNS (default 7).
 */
import { definePipeline } from '../src/interp/eval/define.js'
import { generateScript } from './define-time.js'
import { emit, log, round } from './lib/procs.js'

const RUNS = Number(process.env.BENCH_DEFINE_RUNS ?? 7)
const WARMUP = 2
const SIZES = [100, 1000, 5000]

for (const nodes of SIZES) {
  const script = generateScript(nodes)
  const times: number[] = []
  for (let r = 0; r < WARMUP + RUNS; r++) {
    const t0 = process.hrtime.bigint()
    const d = definePipeline(script)
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (d.pipeline.nodes.length < nodes) throw new Error(`only ${d.pipeline.nodes.length} nodes`)
    if (r >= WARMUP) times.push(ms)
  }
  times.sort((a, b) => a - b)
  log(`tick-define-${nodes}: best ${round(times[0]!, 2)} ms, median ${round(times[times.length >> 1]!, 2)} ms`)
  emit({ name: `tick-define-${nodes}`, value: round(times[0]!, 2), unit: 'ms', baseline: null, ratio: null })
}
