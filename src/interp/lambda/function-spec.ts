/**
 * The shape of a built-in lambda function. Every group module (functions-*.ts) exports a
 * list of these; functions.ts indexes them by name.
 */
import type { Clock } from '../../model/clock.js'
import { LambdaEvalError, type Value, type ValueType } from './values.js'

/** What a call sees besides its arguments: the per-call-site state (stateful functions) and the clock. */
export interface CallContext {
  readonly clock: Clock
  readonly random: () => number
}

export interface FunctionSpec<S = unknown> {
  readonly name: string
  /** Accepted argument counts. */
  readonly arity: readonly number[]
  /** Kapacitor's own message for a wrong argument count. */
  readonly arityMessage: string
  /** The result type when it is known from the argument types. */
  readonly returns: (types: readonly (ValueType | undefined)[]) => ValueType | undefined
  /**
   * Kapacitor's Signature(): the argument type lists accepted when the caller type-checks the
   * call first (operand of an operator, argument of a function). Narrower than `call` for
   * some functions (e.g. int(duration) works only where the call is not type-checked).
   */
  readonly signatures: readonly (readonly ValueType[])[]
  /** Stateful functions: a fresh state per group (per LambdaState). */
  readonly newState?: () => S
  /** Throws FuncError (or LambdaEvalError) with Kapacitor's message on refusal. */
  readonly call: (args: readonly Value[], state: S, ctx: CallContext) => Value
}

/** A function refusing its arguments; the compiler prefixes `error calling "<name>": `. */
export class FuncError extends Error {}

export function funcError(message: string): never {
  throw new FuncError(message)
}

export { LambdaEvalError }

/** Go's %T of a lambda value type. */
export function goTypeName(t: ValueType): string {
  switch (t) {
    case 'int': return 'int64'
    case 'float': return 'float64'
    case 'string': return 'string'
    case 'boolean': return 'bool'
    case 'duration': return 'time.Duration'
    case 'time': return 'time.Time'
    case 'regex': return '*regexp.Regexp'
    case 'missing': return '*ast.Missing'
  }
}

export const fixed = (t: ValueType) => (): ValueType => t

const WORDS = ['zero', 'one', 'two', 'three', 'four']
export function exactlyMessage(name: string, n: number): string {
  return `${name} expects exactly ${WORDS[n]} argument${n === 1 ? '' : 's'}`
}

/** Go's fmt %v of a float64: shortest digits, exponent form when the exponent is < -4 or ≥ 6 (strconv 'g', -1). */
export function goFloatV(f: number): string {
  if (Number.isNaN(f)) return 'NaN'
  if (f === Infinity) return '+Inf'
  if (f === -Infinity) return '-Inf'
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  const [mant, expText] = f.toExponential().split('e') as [string, string]
  const exp = Number(expText)
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp)
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`
  }
  return formatFloatF(f)
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function formatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN'
  if (f === Infinity) return '+Inf'
  if (f === -Infinity) return '-Inf'
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  const neg = f < 0
  const [mant, expText] = Math.abs(f).toExponential().split('e') as [string, string]
  const digits = mant.replace('.', '')
  const exp = Number(expText)
  let out: string
  if (exp >= 0) {
    out = digits.length <= exp + 1 ? digits + '0'.repeat(exp + 1 - digits.length) : `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`
  }
  return neg ? '-' + out : out
}
