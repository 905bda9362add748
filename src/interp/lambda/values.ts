/**
 * Lambda values (Kapacitor's tick/stateful value types) and the per-point error.
 *
 * int = bigint (int64, arithmetic wraps like Go), float = number, string, bool = boolean,
 * duration = `Duration` (ns), time = `Instant` (ns since the epoch), regex = RegExp
 * (translated from RE2, see regex.ts), missing = `Missing` (a reference the point does not have).
 */
import type { FieldValue } from '../../model/point.js'

export class Duration {
  constructor(readonly ns: bigint) {}
}

export class Instant {
  constructor(readonly ns: bigint) {}
}

/** A missing reference; carries the reference name for Kapacitor's error wording. */
export class Missing {
  constructor(readonly reference: string) {}
}

export type Value = bigint | number | string | boolean | Duration | Instant | RegExp | Missing

/** Kapacitor's ValueType names (ast.ValueType.String()). */
export type ValueType = 'int' | 'float' | 'string' | 'boolean' | 'regex' | 'time' | 'duration' | 'missing'

export function typeOf(v: Value): ValueType {
  switch (typeof v) {
    case 'bigint': return 'int'
    case 'number': return 'float'
    case 'string': return 'string'
    case 'boolean': return 'boolean'
    default:
      if (v instanceof Duration) return 'duration'
      if (v instanceof Instant) return 'time'
      if (v instanceof RegExp) return 'regex'
      return 'missing'
  }
}

/** What a lambda reads from a stream point or a batch point. */
export interface PointLike {
  readonly name: string
  readonly tags: Readonly<Record<string, string>>
  readonly fields: Readonly<Record<string, FieldValue>>
  readonly time: bigint
}

/**
 * A per-point evaluation failure (type mismatch at run time, missing value, int ÷ 0, a
 * function refusing its argument). The node counts it and drops/skips the point.
 */
export class LambdaEvalError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LambdaEvalError'
  }
}

export const INT64_MIN = -(2n ** 63n)
export const INT64_MAX = 2n ** 63n - 1n

export function wrap64(x: bigint): bigint {
  return BigInt.asIntN(64, x)
}

/** Go's int64(f) as amd64 does it: truncation; NaN and out-of-range give MinInt64. */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 9223372036854775808 || f < -9223372036854775808) return INT64_MIN
  return BigInt(Math.trunc(f))
}
