/** Shared helpers for the lambda tests: hand-built AST nodes, parsing, points and evaluation. */
import type { Expr, Loc } from '../../../src/interp/ast.js'
import { TickScriptError } from '../../../src/interp/errors.js'
import { parseLambdaExpr } from '../../../src/interp/parse.js'
import { compileLambda, type LambdaScope } from '../../../src/interp/lambda/compile.js'
import { LambdaState } from '../../../src/interp/lambda/state.js'
import { LambdaEvalError, type PointLike, type Value } from '../../../src/interp/lambda/values.js'
import { fixedClock } from '../../../src/model/clock.js'
import type { FieldValue } from '../../../src/model/point.js'

const P = { offset: 0, line: 1, column: 1 }
export const L: Loc = { start: P, end: P }

export const int = (v: bigint | number): Expr => ({ kind: 'Int', value: BigInt(v), text: String(v), loc: L })
export const flt = (v: number): Expr => ({ kind: 'Float', value: v, text: String(v), loc: L })
export const str = (v: string): Expr => ({ kind: 'String', value: v, triple: false, loc: L })
export const ref = (name: string): Expr => ({ kind: 'Reference', name, loc: L })
export const bool = (v: boolean): Expr => ({ kind: 'Bool', value: v, loc: L })
export const dur = (ns: bigint): Expr => ({ kind: 'Duration', ns, text: `${ns}ns`, loc: L })
export const re = (source: string): Expr => ({ kind: 'Regex', source, loc: L })
export const id = (name: string): Expr => ({ kind: 'Ident', name, loc: L })
export const bin = (op: Extract<Expr, { kind: 'Binary' }>['op'], left: Expr, right: Expr): Expr => ({ kind: 'Binary', op, left, right, loc: L })
export const un = (op: '-' | '!', operand: Expr): Expr => ({ kind: 'Unary', op, operand, loc: L })
export const call = (name: string, ...args: Expr[]): Expr => ({ kind: 'Call', name: { kind: 'Ident', name, loc: L }, args, loc: L })

export function point(fields: Record<string, FieldValue> = {}, tags: Record<string, string> = {}, time = 0n): PointLike {
  return { name: 'm', tags, fields, time }
}

export const EMPTY = point()

export type Outcome = { value: Value } | { error: string } | { problem: string }

/** Compiles (source text or AST) and evaluates on a point; reports a value, a per-point error or a define-time problem. */
export function run(src: string | Expr, p: PointLike = EMPTY, scope?: LambdaScope, state?: LambdaState): Outcome {
  let compiled
  try {
    compiled = compileLambda(typeof src === 'string' ? parseLambdaExpr(src) : src, scope)
  } catch (e) {
    if (e instanceof TickScriptError) return { problem: e.problems.map((x) => x.message).join('; ') }
    throw e
  }
  try {
    return { value: compiled.eval(p, state ?? compiled.newState({ clock: fixedClock(0n), random: () => 0.5 })) }
  } catch (e) {
    if (e instanceof LambdaEvalError) return { error: e.message }
    throw e
  }
}

/** The value, or a string `error: …` / `problem: …`, easy to compare in tables. */
export function ev(src: string | Expr, p?: PointLike, scope?: LambdaScope, state?: LambdaState): unknown {
  const o = run(src, p, scope, state)
  if ('value' in o) return o.value
  if ('error' in o) return `error: ${o.error}`
  return `problem: ${o.problem}`
}
