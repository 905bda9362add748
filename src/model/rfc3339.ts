/**
 * RFC 3339 with nanoseconds, as Go's time.RFC3339Nano prints a UTC time (trailing zeros of
 * the fraction dropped, no fraction when zero): 1971-01-01T00:00:10.5Z. Exact for any
 * bigint nanosecond instant (no float rounding).
 */
const NS_PER_MS = 1_000_000n
const NS_PER_S = 1_000_000_000n

export function formatRFC3339Nano(ns: bigint): string {
  let sec = ns / NS_PER_S
  let nanos = ns - sec * NS_PER_S
  if (nanos < 0n) { nanos += NS_PER_S; sec -= 1n }
  const iso = new Date(Number(sec) * 1000).toISOString() // …:SS.000Z
  const base = iso.slice(0, iso.length - 5)
  if (nanos === 0n) return `${base}Z`
  return `${base}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}Z`
}

/** Parses an RFC 3339 time (with up to 9 fraction digits and a zone) to exact nanoseconds. */
export function parseRFC3339Nano(text: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text)
  if (!m) return undefined
  const ms = Date.parse(`${m[1]!}${m[3]!}`)
  if (Number.isNaN(ms)) return undefined
  const frac = m[2] ? BigInt(m[2].padEnd(9, '0')) : 0n
  return BigInt(ms) * NS_PER_MS + frac
}
