/** Math functions: float arguments only (Kapacitor refuses ints: wrap them in float()). */
import { exactlyMessage, fixed, funcError, goTypeName, type FunctionSpec } from './function-spec.js'
import { erf, erfc, gamma, goPow, jn, logb, pow10, yn } from './special-math.js'
import { typeOf, type Value } from './values.js'

const ONE: Record<string, (x: number) => number> = {
  abs: Math.abs, acos: Math.acos, acosh: Math.acosh, asin: Math.asin, asinh: Math.asinh, atan: Math.atan,
  atanh: Math.atanh, cbrt: Math.cbrt, ceil: Math.ceil, cos: Math.cos, cosh: Math.cosh, erf, erfc, exp: Math.exp,
  exp2: (x) => 2 ** x, expm1: Math.expm1, floor: Math.floor, gamma, j0: (x) => jn(0, x), j1: (x) => jn(1, x),
  log: Math.log, log10: Math.log10, log1p: Math.log1p, log2: Math.log2, logb, sin: Math.sin, sinh: Math.sinh,
  sqrt: Math.sqrt, tan: Math.tan, tanh: Math.tanh, trunc: Math.trunc, y0: (x) => yn(0, x), y1: (x) => yn(1, x),
}

const TWO: Record<string, (x: number, y: number) => number> = {
  atan2: Math.atan2, hypot: Math.hypot, max: Math.max, min: Math.min, mod: (x, y) => x % y, pow: goPow,
}

const floatArg = (name: string, v: Value): number =>
  typeof v === 'number' ? v : funcError(`cannot pass ${goTypeName(typeOf(v))} to ${name}, must be float64`)

const one: readonly FunctionSpec[] = Object.entries(ONE).map(([name, f]) => ({
  name, arity: [1], arityMessage: exactlyMessage(name, 1), returns: fixed('float'), signatures: [['float']],
  call: ([a]) => f(floatArg(name, a as Value)),
}))

const two: readonly FunctionSpec[] = Object.entries(TWO).map(([name, f]) => ({
  name, arity: [2], arityMessage: exactlyMessage(name, 2), returns: fixed('float'), signatures: [['float', 'float']],
  call: ([a, b]) => f(floatArg(name, a as Value), floatArg(name, b as Value)),
}))

/** Go's int(int64) on 64-bit: the value itself; the Bessel order and the pow10 exponent. */
const order = (v: bigint): number => Number(v)

const ifFns: readonly FunctionSpec[] = (['jn', 'yn'] as const).map((name) => ({
  name, arity: [2], arityMessage: exactlyMessage(name, 2), returns: fixed('float'), signatures: [['int', 'float']],
  call: ([a, b]) => {
    if (typeof a !== 'bigint') return funcError(`cannot pass ${goTypeName(typeOf(a as Value))} to ${name} as first arg, must be int64`)
    if (typeof b !== 'number') return funcError(`cannot pass ${goTypeName(typeOf(b as Value))} to ${name} as second arg, must be float64`)
    return name === 'jn' ? jn(order(a), b) : yn(order(a), b)
  },
}))

export const mathFunctions: readonly FunctionSpec[] = [
  ...one,
  ...two,
  ...ifFns,
  {
    // Kapacitor's own (mis)message for pow10's arity is "expects exactly two arguments"
    name: 'pow10', arity: [1], arityMessage: 'pow10 expects exactly two arguments', returns: fixed('float'), signatures: [['int']],
    call: ([a]) => typeof a === 'bigint' ? pow10(order(a)) : funcError(`cannot pass ${goTypeName(typeOf(a as Value))} to pow10, must be int64`),
  },
]
