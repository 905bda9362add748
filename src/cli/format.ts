/**
 * Text output as Kapacitor's Go CLI prints it: `%-Ns` columns, `%v` of DBRP lists,
 * `time.RFC822` dates, `%v` of var values.
 */
import type { ApiVar, Dbrp } from './client.js'

/** Go's `%-Ns`: left-aligned, padded with spaces to at least `width` characters. */
export function padRight(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length)
}

/** Go's `%Nd` / `%Nv`: right-aligned. */
export function padLeft(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s
}

/** Go's `%q`: a double-quoted string with escapes (JSON's escapes are the same for the characters names use). */
export function goQuote(s: string): string {
  return JSON.stringify(s)
}

/** `fmt.Sprint([]client.DBRP{...})`: `["telegraf"."autogen" "db"."rp"]`. */
export function dbrpList(dbrps: readonly Dbrp[] | undefined): string {
  return `[${(dbrps ?? []).map((d) => `${goQuote(d.db)}.${goQuote(d.rp)}`).join(' ')}]`
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const RFC3339 = /^(\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::\d\d(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i

/**
 * Go's `t.Format(time.RFC822)` (`02 Jan 06 15:04 MST`) of an RFC 3339 time from the API,
 * in the time's own offset as the Go client keeps it: `UTC` for `Z`, else `+hhmm`
 * (the name Go gives a parsed offset that is not the local zone's). Kapacitor's zero
 * time (`0001-01-01T00:00:00Z`, a task never enabled) prints `01 Jan 01 00:00 UTC`.
 * Anything unparsable is printed as it came.
 */
export function rfc822(time: string | undefined): string {
  if (time === undefined || time === '') return '01 Jan 01 00:00 UTC'
  const m = RFC3339.exec(time)
  if (m === null) return time
  const [, year, month, day, hour, minute, zone] = m as unknown as [string, string, string, string, string, string, string]
  const mon = MONTHS[Number(month) - 1] ?? month
  const yy = String(Number(year) % 100).padStart(2, '0')
  const z = zone.toUpperCase() === 'Z' ? 'UTC' : zone.replace(':', '')
  return `${day} ${mon} ${yy} ${hour}:${minute} ${z}`
}

/** Go's `time.Duration.String()` of nanoseconds: `1h0m0s`, `1.5s`, `500ms`, `0s`. */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  const neg = ns < 0n
  let u = neg ? -ns : ns
  let out: string
  if (u < 1_000_000_000n) {
    // below one second: the largest unit that keeps a non-zero integer part
    const [unit, size] = u < 1_000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1_000n] : ['ms', 1_000_000n]
    out = fraction(u, size) + unit
  } else {
    const h = u / 3_600_000_000_000n
    u -= h * 3_600_000_000_000n
    const m = u / 60_000_000_000n
    u -= m * 60_000_000_000n
    out = `${fraction(u, 1_000_000_000n)}s`
    if (h > 0n || m > 0n) out = `${m}m${out}`
    if (h > 0n) out = `${h}h${out}`
  }
  return neg ? `-${out}` : out
}

function fraction(v: bigint, unit: bigint): string {
  const whole = v / unit
  const rest = v % unit
  if (rest === 0n) return String(whole)
  const digits = String(unit).length - 1
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = { ns: 1n, us: 1_000n, 'µs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n }

/**
 * Go's time.ParseDuration (`1m`, `1h30m`, `1.5s`); undefined for anything else. A local
 * copy of the interpreter's parser: importing src/interp/eval costs the CLI ~0.4 s of startup.
 */
export function parseGoDuration(text: string): bigint | undefined {
  const m = /^(-?)((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(text)
  if (m === null) return undefined
  let total = 0n
  for (const part of m[2]!.matchAll(/(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h)/g)) {
    const size = DURATION_UNITS[part[3]!]!
    const frac = part[2] ?? ''
    total += BigInt(part[1]!) * size + (frac === '' ? 0n : (BigInt(frac) * size) / 10n ** BigInt(frac.length))
  }
  return m[1] === '-' ? -total : total
}

/** `%v` of a var's value as the Go client decodes it (durations as Go durations, lists as `[a, b]`). */
export function varValue(v: ApiVar): string {
  const value = v.value
  if (value === undefined || value === null) return '<nil>'
  if (v.type === 'list' && Array.isArray(value)) return varList(value as ApiVar[])
  if (v.type === 'duration') {
    // the Go client decodes either form into a time.Duration and prints its String()
    if (typeof value === 'number' && Number.isInteger(value)) return goDuration(BigInt(value))
    const ns = typeof value === 'string' ? parseGoDuration(value) : undefined
    return ns === undefined ? String(value) : goDuration(ns)
  }
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** Kapacitor's varListToStr: lists hold strings or a star. */
function varList(list: readonly ApiVar[]): string {
  return `[${list.map((e) => (e.type === 'star' ? '*' : String(e.value ?? ''))).join(', ')}]`
}

/**
 * Go's `t.Local().Format(time.RFC822)`, as `list recordings|replays` prints dates: in the
 * CLI's time zone, named as Intl names it (`UTC`, `PST`, `GMT+1`).
 */
export function rfc822Local(time: string | undefined): string {
  if (time === undefined || time === '') return rfc822(time)
  const d = new Date(time)
  if (Number.isNaN(d.getTime())) return time
  const two = (n: number): string => String(n).padStart(2, '0')
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? ''
  return `${two(d.getDate())} ${MONTHS[d.getMonth()]} ${two(d.getFullYear() % 100)} ${two(d.getHours())}:${two(d.getMinutes())} ${zone}`
}

/** go-humanize's Bytes: SI units, one decimal below 10 (`999 B`, `1.2 kB`, `12 MB`). */
export function humanBytes(n: number): string {
  if (n < 10) return `${n} B`
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB']
  const e = Math.min(Math.floor(Math.log(n) / Math.log(1000)), sizes.length - 1)
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10
  return `${val < 10 ? val.toFixed(1) : val.toFixed(0)} ${sizes[e]}`
}

/**
 * Go's `json.Marshal` of a value the Go client decoded from JSON (maps, slices, float64,
 * strings): object keys sorted (as strings, so `"10"` before `"9"`), `<`, `>`, `&`,
 * U+2028 and U+2029 escaped as `\uXXXX`. Numbers print as JavaScript prints them, which
 * for a float64 is what Go prints.
 */
export function goJson(value: unknown): string {
  return marshal(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function marshal(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(marshal).join(',')}]`
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${marshal(o[k])}`).join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}
