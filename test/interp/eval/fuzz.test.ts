/**
 * definePipeline never fails otherwise than with a located TickScriptError: every
 * truncation of every fixture, and seeded token mutations (TICK_EVAL_FUZZ_SEED,
 * TICK_EVAL_FUZZ_MUTANTS), either define a pipeline or are refused with problems that each
 * carry a line, a column and a message.
 */
import t from 'tap'
import { definePipeline } from '../../../src/interp/eval/define.js'
import { TickScriptError } from '../../../src/interp/errors.js'
import { evalDir, fixtures, tickDir } from './helpers.js'

const seed = Number(process.env.TICK_EVAL_FUZZ_SEED ?? 20261125)
const mutants = Number(process.env.TICK_EVAL_FUZZ_MUTANTS ?? 3000)

function rng(s: number): () => number {
  let x = s >>> 0 || 1
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32 }
}

const sources = [...fixtures(tickDir), ...fixtures(evalDir)].map((f) => f.source)
const lines = (s: string): number => s.split('\n').length

function outcome(source: string): string | undefined {
  try {
    const d = definePipeline(source, { dbrps: [{ db: 'a', rp: 'b' }], template: true })
    if (d.pipeline.nodes.length === 0) return 'empty pipeline'
    return undefined
  } catch (e) {
    if (!(e instanceof TickScriptError)) return `not a TickScriptError: ${String(e)}`
    if (e.problems.length === 0) return 'no problems'
    const max = lines(source)
    for (const p of e.problems) {
      if (!(p.line >= 1 && p.line <= max && p.column >= 1 && p.message.length > 0)) return `badly located: ${JSON.stringify(p)}`
    }
    return undefined
  }
}

t.test('every truncation of every fixture', async (t) => {
  let n = 0
  for (const s of sources) {
    for (let i = 0; i <= s.length; i += 3) {
      const bad = outcome(s.slice(0, i))
      if (bad) t.fail(`${JSON.stringify(s.slice(0, i))}: ${bad}`)
      n++
    }
  }
  t.pass(`${n} truncations`)
})

const TOKENS = ['|', '.', '@', '(', ')', ',', 'stream', 'batch', 'var x = ', 'lambda: ', '"value"', "'s'", '10s', '5', '2.5', '*', '[', ']', 'TRUE', 'AND', '<', 'window', 'from', 'mean', 'alert', 'map', 'filter', 'groupby', 'x', '\n']

t.test(`seeded token mutations (seed ${seed})`, async (t) => {
  const r = rng(seed)
  for (let i = 0; i < mutants; i++) {
    const s = sources[Math.floor(r() * sources.length)]!
    const at = Math.floor(r() * s.length)
    const op = r()
    const tok = TOKENS[Math.floor(r() * TOKENS.length)]!
    const mutant = op < 0.4 ? s.slice(0, at) + tok + s.slice(at) : op < 0.7 ? s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 8)) : s.slice(0, at) + tok + s.slice(at + tok.length)
    const bad = outcome(mutant)
    if (bad) t.fail(`mutant ${i} (seed ${seed}): ${JSON.stringify(mutant)}: ${bad}`)
  }
  t.pass(`${mutants} mutants`)
})
