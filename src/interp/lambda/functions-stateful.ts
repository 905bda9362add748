/**
 * Stateful functions. Their state lives in the caller's LambdaState (one per group per
 * node), one slot per call site, so one compiled lambda serves every group.
 */
import { exactlyMessage, fixed, funcError, type FunctionSpec } from './function-spec.js'

interface SigmaState { mean: number; m2: number; n: number }
interface CountState { n: bigint }
interface SpreadState { min: number; max: number }

const sigma: FunctionSpec<SigmaState> = {
  name: 'sigma', arity: [1], arityMessage: exactlyMessage('sigma', 1), returns: fixed('float'), signatures: [['float']],
  newState: () => ({ mean: 0, m2: 0, n: 0 }),
  call([a], s) {
    if (typeof a !== 'number') return funcError('value is not a float')
    s.n++
    const delta = a - s.mean
    s.mean += delta / s.n
    s.m2 += delta * (a - s.mean)
    const variance = s.m2 / (s.n - 1)
    if (s.n < 2 || variance === 0) return 0
    return Math.abs(a - s.mean) / Math.sqrt(variance)
  },
}

const count: FunctionSpec<CountState> = {
  name: 'count', arity: [0], arityMessage: 'count expects exactly zero arguments', returns: fixed('int'), signatures: [[]],
  newState: () => ({ n: 0n }),
  call(_args, s) {
    s.n = BigInt.asIntN(64, s.n + 1n)
    return s.n
  },
}

const spread: FunctionSpec<SpreadState> = {
  name: 'spread', arity: [1], arityMessage: exactlyMessage('spread', 1), returns: fixed('float'), signatures: [['float']],
  newState: () => ({ min: Infinity, max: -Infinity }),
  call([a], s) {
    if (typeof a !== 'number') return funcError('value is not a float')
    if (a < s.min) s.min = a
    if (a > s.max) s.max = a
    return s.max - s.min
  },
}

const TWO_63 = 2 ** 63

/** rand([n]): a non-negative int64 (Go's rand.Int63), or in [0, n) with n (rand.Int63n). */
const rand: FunctionSpec = {
  name: 'rand', arity: [0, 1], arityMessage: 'rand expects zero or one argument', returns: fixed('int'), signatures: [[], ['int']],
  call(args, _s, ctx) {
    if (args.length === 0) return BigInt(Math.floor(ctx.random() * TWO_63)) & ((1n << 63n) - 1n)
    const n = args[0]
    if (typeof n !== 'bigint') return funcError('rand expects an int argument')
    if (n <= 0n) return funcError('invalid argument to rand: n must be > 0')
    return BigInt(Math.floor(ctx.random() * Number(n))) % n
  },
}

export const statefulFunctions: readonly FunctionSpec[] = [sigma as FunctionSpec, count as FunctionSpec, spread as FunctionSpec, rand]
