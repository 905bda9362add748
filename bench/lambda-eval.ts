/**
 * lambda-eval: evaluations per second of `"value" > 80 AND "host" =~ /^web/` over a batch of
 * 10,000 points (half of them match), with the compiled lambda (src/interp/lambda/compile.ts:
 * closures built once) against a naive AST-walking interpreter written here as the baseline
 * (a recursive switch over the parsed AST per evaluation, regex compiled once).
 * Best of the measured runs after warm-up.
 *
 * env: BENCH_LAMBDA_POINTS (default 10000), BENCH_LAMBDA_RUNS (default 7), BENCH_LAMBDA_ROUNDS (default 50).
 */
import type { Expr } from '../src/interp/ast.js'
import { parseLambdaExpr } from '../src/interp/parse.js'
import { compileLambda } from '../src/interp/lambda/compile.js'
import type { PointLike } from '../src/interp/lambda/values.js'
import { emit, log, ratio, round } from './lib/procs.js'

const POINTS = Number(process.env.BENCH_LAMBDA_POINTS ?? 10_000)
const RUNS = Number(process.env.BENCH_LAMBDA_RUNS ?? 7)
const ROUNDS = Number(process.env.BENCH_LAMBDA_ROUNDS ?? 50)
const SOURCE = '"value" > 80 AND "host" =~ /^web/'

function makePoints(): PointLike[] {
  const out: PointLike[] = []
  for (let i = 0; i < POINTS; i++) {
    const match = i % 2 === 0
    // non-matching points fail on either side, so both operands are exercised
    const value = match ? 81 + (i % 19) : i % 4 === 1 ? 50 + (i % 7) : 90.5
    const host = match || i % 4 === 1 ? `web${i % 13}` : `db${i % 13}`
    out.push({ name: 'cpu', tags: { host, region: 'eu' }, fields: { value, idle: 100 - value }, time: BigInt(i) * 1_000_000_000n })
  }
  return out
}

/** The baseline: walks the AST for every evaluation. */
function naiveEval(e: Expr, p: PointLike, regexes: Map<Expr, RegExp>): unknown {
  switch (e.kind) {
    case 'Int': return e.value
    case 'Float': return e.value
    case 'String': return e.value
    case 'Bool': return e.value
    case 'Regex': {
      let re = regexes.get(e)
      if (re === undefined) regexes.set(e, (re = new RegExp(e.source)))
      return re
    }
    case 'Reference': {
      const f = p.fields[e.name]
      if (f !== undefined) return f
      return p.tags[e.name]
    }
    case 'Binary': {
      if (e.op === 'AND') return naiveEval(e.left, p, regexes) === true && naiveEval(e.right, p, regexes) === true
      if (e.op === 'OR') return naiveEval(e.left, p, regexes) === true || naiveEval(e.right, p, regexes) === true
      const a = naiveEval(e.left, p, regexes)
      const b = naiveEval(e.right, p, regexes)
      switch (e.op) {
        case '>': return Number(a) > Number(b)
        case '<': return Number(a) < Number(b)
        case '=~': return (b as RegExp).test(a as string)
        case '==': return a === b
        default: throw new Error(`baseline: unsupported operator ${e.op}`)
      }
    }
    default: throw new Error(`baseline: unsupported node ${e.kind}`)
  }
}

function measure(evalOne: (p: PointLike) => boolean, points: readonly PointLike[]): { rate: number; matched: number } {
  let matched = 0
  const t0 = process.hrtime.bigint()
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < points.length; i++) if (evalOne(points[i])) matched++
  }
  const ns = Number(process.hrtime.bigint() - t0)
  return { rate: (ROUNDS * points.length) / (ns / 1e9), matched }
}

function best(evalOne: (p: PointLike) => boolean, points: readonly PointLike[], label: string): number {
  for (let i = 0; i < 3; i++) measure(evalOne, points)
  const rates: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const { rate, matched } = measure(evalOne, points)
    if (matched !== (ROUNDS * points.length) / 2) throw new Error(`${label}: ${matched} matches, expected half`)
    rates.push(rate)
  }
  rates.sort((a, b) => a - b)
  log(`${label}: best ${round(rates[rates.length - 1])} evals/s, median ${round(rates[Math.floor(rates.length / 2)])}`)
  return rates[rates.length - 1]
}

const points = makePoints()
const ast = parseLambdaExpr(SOURCE)
const compiled = compileLambda(ast)
const state = compiled.newState()
const regexes = new Map<Expr, RegExp>()

const value = best((p) => compiled.evalBool(p, state), points, 'compiled')
const baseline = best((p) => naiveEval(ast, p, regexes) === true, points, 'naive AST walk')
emit({ name: 'lambda-eval', value: round(value), unit: 'evals/s', baseline: round(baseline), ratio: ratio(value, baseline) })
