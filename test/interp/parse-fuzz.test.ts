/**
 * Seeded fuzz of the parser front: every fixture truncated at every offset, plus random
 * token mutations (insert, delete, replace) of the fixtures. Only two outcomes are allowed:
 * a Program, or a TickScriptError with exactly one problem at an in-range line/column
 * (never another exception, never a hang). A mutant that parses must also format to a
 * script with an equal AST, and to a fixed point. Seed: TICK_FUZZ_SEED, else fixed; printed so a failure can be replayed.
 */
import t from 'tap'
import { seededRandom } from '../fixtures/seeded-random.js'
import { parseTickScript } from '../../src/interp/parse.js'
import { formatProgram } from '../../src/interp/format.js'
import { TickScriptError } from '../../src/interp/errors.js'
import { stripForRoundTrip, tickFixtures } from './ast-helpers.js'
import { isDeepStrictEqual } from 'node:util'

const SEED = Number(process.env.TICK_FUZZ_SEED ?? 20261125)
const MUTANTS = Number(process.env.TICK_FUZZ_MUTANTS ?? 4000)


const TOKENS = [
  '(', ')', '[', ']', ',', '.', '|', '@', '*', '/', '//', '-', '!', '=', '==', '=~', '!~', '<', '>=', '+', '%', ';',
  "'", "'''", '"', '\\', '\n', ' ', '\t', '0', '09', '010', '1.5', '1.5s', '1h30m', '10s', '.5', '1.2.3', '5µ',
  '_x', 'x', 'lambda:', 'lambda', 'AND', 'OR', 'TRUE', 'var', 'dbrp', 'stream', '|from()', '.where(', "'a'", '"r"', '/re/',
  'é', '\u00a0', '#', '$', ':',
]

type Outcome = 'program' | 'error'

type Failer = Pick<typeof t, 'fail'>

function check(t: Failer, src: string, label: string, roundTrip: boolean): Outcome | undefined {
  let program
  try {
    program = parseTickScript(src)
  } catch (e) {
    if (!(e instanceof TickScriptError)) {
      t.fail(`${label}: not a TickScriptError: ${String(e)}`, { src })
      return undefined
    }
    const lines = src.split('\n')
    const p = e.problems[0]
    const ok = e.problems.length === 1 && p !== undefined &&
      Number.isInteger(p.line) && p.line >= 1 && p.line <= lines.length &&
      Number.isInteger(p.column) && p.column >= 1 && p.column <= lines[p.line - 1]!.length + 1 &&
      /^line \d+ char \d+: ./.test(e.message)
    if (!ok) t.fail(`${label}: bad problem ${e.message}`, { src })
    return 'error'
  }
  if (program.kind !== 'Program') t.fail(`${label}: not a Program`, { src })
  if (roundTrip) {
    try {
      const once = formatProgram(program)
      const reparsed = parseTickScript(once)
      if (!isDeepStrictEqual(stripForRoundTrip(reparsed), stripForRoundTrip(program))) t.fail(`${label}: formatted script parses to another AST`, { src, once })
      const twice = formatProgram(reparsed)
      if (once !== twice) t.fail(`${label}: format is not a fixed point`, { src, once, twice })
    } catch (e) {
      t.fail(`${label}: formatted output does not parse: ${String(e)}`, { src })
    }
  }
  return 'program'
}

t.comment(`TICK_FUZZ_SEED=${SEED}`)

t.test('every fixture truncated at every offset', async (t) => {
  let programs = 0, errors = 0
  for (const { name, source } of tickFixtures()) {
    for (let i = 0; i <= source.length; i++) {
      const r = check(t, source.slice(0, i), `${name}[0:${i}]`, false)
      if (r === 'program') programs++
      else if (r === 'error') errors++
    }
  }
  t.ok(programs > 0 && errors > 0, `${programs} programs, ${errors} located errors`)
})

t.test('token mutations', async (t) => {
  const rnd = seededRandom(SEED)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const fixtures = tickFixtures()
  let programs = 0, errors = 0
  const started = Date.now()
  for (let n = 0; n < MUTANTS; n++) {
    const f = pick(fixtures)
    let src = f.source
    const edits = 1 + Math.floor(rnd() * 3)
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(rnd() * (src.length + 1))
      const op = rnd()
      if (op < 0.4) src = src.slice(0, at) + pick(TOKENS) + src.slice(at)
      else if (op < 0.7) src = src.slice(0, at) + src.slice(at + 1 + Math.floor(rnd() * 4))
      else src = src.slice(0, at) + pick(TOKENS) + src.slice(at + 1 + Math.floor(rnd() * 3))
    }
    const r = check(t, src, `mutant ${n} of ${f.name}`, true)
    if (r === 'program') programs++
    else if (r === 'error') errors++
  }
  t.ok(programs > 0 && errors > 0, `${programs} programs, ${errors} located errors in ${Date.now() - started} ms`)
})
