/**
 * define-time (whole define): parse + check + evaluate into a PipelineDef
 * (definePipeline) for the generated scripts of 100, 1,000 and 5,000 nodes of
 * bench/define-time.ts.
 *
 * Figures (ms):
 * - `tick-define-import`: loading the define modules (parser, node specs, lambda compiler);
 * - `tick-define-cold-100`: the first define in the process (a one-time JIT cost);
 * - `tick-define-<n>`: warm, best of the measured runs after a warm-up on every size
 *   (see measure() in bench/define-time.ts).
 *
 * env: BENCH_DEFINE_RUNS (default 7), BENCH_DEFINE_MIN_MS (default 1500).
 */
import { SIZES, generateScript, measure, msSince } from './define-time.js'
import { emit, log, round } from './lib/procs.js'

const scripts = SIZES.map((n) => generateScript(n))
let t0 = process.hrtime.bigint()
const { definePipeline } = await import('../src/interp/eval/define.js')
const importMs = msSince(t0)
log(`tick-define-import: ${round(importMs, 2)} ms`)
emit({ name: 'tick-define-import', value: round(importMs, 2), unit: 'ms', baseline: null, ratio: null })
t0 = process.hrtime.bigint()
definePipeline(scripts[0]!)
const coldMs = msSince(t0)
log(`tick-define-cold-${SIZES[0]}: ${round(coldMs, 2)} ms (first define in the process)`)
emit({ name: `tick-define-cold-${SIZES[0]}`, value: round(coldMs, 2), unit: 'ms', baseline: null, ratio: null })
for (let r = 0; r < 3; r++) for (const s of scripts) definePipeline(s)

SIZES.forEach((nodes, i) => {
  const script = scripts[i]!
  const m = measure(() => {
    const d = definePipeline(script)
    if (d.pipeline.nodes.length < nodes) throw new Error(`only ${d.pipeline.nodes.length} nodes`)
  })
  log(`tick-define-${nodes}: best ${round(m.best, 2)} ms, median ${round(m.median, 2)} ms of ${m.runs}`)
  emit({ name: `tick-define-${nodes}`, value: round(m.best, 2), unit: 'ms', baseline: null, ratio: null })
})
