/** InfluxQL duration text (influxql.FormatDuration / ParseDuration), as Kapacitor's string() and duration() use it. */

const UNITS: readonly [bigint, string][] = [
  [7n * 24n * 3_600_000_000_000n, 'w'],
  [24n * 3_600_000_000_000n, 'd'],
  [3_600_000_000_000n, 'h'],
  [60_000_000_000n, 'm'],
  [1_000_000_000n, 's'],
  [1_000_000n, 'ms'],
  [1_000n, 'u'],
]

export function formatInfluxDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  for (const [unit, suffix] of UNITS) if (ns % unit === 0n) return `${ns / unit}${suffix}`
  return `${ns}ns`
}

const PARSE_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n, n: 1n, u: 1_000n, 'µ': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n,
  h: 3_600_000_000_000n, d: 24n * 3_600_000_000_000n, w: 7n * 24n * 3_600_000_000_000n,
}

/** influxql.ParseDuration: `[-]` then one or more `<digits><unit>`; undefined when invalid. */
export function parseInfluxDuration(text: string): bigint | undefined {
  let i = 0
  let neg = false
  if (text[0] === '-') { neg = true; i = 1 }
  if (i >= text.length) return undefined
  let total = 0n
  const re = /(\d+)(ns|ms|n|u|µ|s|m|h|d|w)/y
  while (i < text.length) {
    re.lastIndex = i
    const m = re.exec(text)
    if (m === null) return undefined
    total += BigInt(m[1]) * PARSE_UNITS[m[2]]
    i = re.lastIndex
  }
  return BigInt.asIntN(64, neg ? -total : total)
}
