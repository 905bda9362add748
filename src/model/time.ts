/** Timestamp precisions accepted on `/write` and how many nanoseconds one unit is. */
export type Precision = 'ns' | 'u' | 'ms' | 's' | 'm' | 'h'

const NANOS_PER_UNIT: Readonly<Record<Precision, bigint>> = {
  ns: 1n,
  u: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
}

/**
 * Reads a `precision` query parameter as influxd 1.x does: `n`/`ns`/absent are
 * nanoseconds, `u`, `ms`, `s`, `m`, `h` are what they say, and anything else
 * (`us`, `µ`, `rfc3339`, …) is silently nanoseconds.
 */
export function parsePrecision(text: string | undefined | null): Precision {
  switch (text) {
    case 'u': case 'ms': case 's': case 'm': case 'h': return text
    default: return 'ns'
  }
}

export function nanosPerUnit(precision: Precision): bigint {
  return NANOS_PER_UNIT[precision]
}

/** Truncates a nanosecond instant to a precision (towards minus infinity, as Go's Truncate does for positive times). */
export function truncateToPrecision(ns: bigint, precision: Precision): bigint {
  const unit = NANOS_PER_UNIT[precision]
  return unit === 1n ? ns : ns - (((ns % unit) + unit) % unit)
}
