/**
 * Go-specific values a template's data may hold. JS has no time.Time / time.Duration /
 * struct-vs-map distinction, so data builders wrap or mark them:
 * - `new GoTime(ns)` prints like Go's time.Time.String() in UTC, JSON as RFC 3339 nano;
 * - `new GoDuration(ns)` prints like Duration.String(), JSON as integer nanoseconds;
 * - plain objects are Go maps (sorted keys when printed or JSON-encoded); `goStruct(obj)`
 *   marks one as a struct (fields in key order, `{v1 v2}` when printed, a missing field
 *   is an execution error); `goStringMap(obj)` marks a map[string]string, whose missing
 *   keys `index` as "" (like Kapacitor's Tags) instead of `<no value>`.
 */
import { formatRFC3339Nano } from '../../model/rfc3339.js'
import { formatGoTime } from './time-format.js'

export class GoTemplateError extends Error {
  override readonly name = 'GoTemplateError'
}

const NS_PER_S = 1_000_000_000n

export class GoTime {
  constructor(readonly ns: bigint) {}

  /** `2006-01-02 15:04:05.999999999 +0000 UTC`. */
  toString(): string {
    const iso = formatRFC3339Nano(this.ns) // 2006-01-02T15:04:05.999999999Z
    return `${iso.slice(0, 10)} ${iso.slice(11, iso.length - 1)} +0000 UTC`
  }

  toJSON(): string { return formatRFC3339Nano(this.ns) }

  // Methods a template may call ({{ .Time.Unix }}), named as Go names them.
  Unix(): bigint { return floorDiv(this.ns, NS_PER_S) }
  UnixNano(): bigint { return this.ns }
  UnixMilli(): bigint { return floorDiv(this.ns, 1_000_000n) }
  UTC(): GoTime { return this }
  Format(layout: string): string { return formatGoTime(this.ns, layout) }
  String(): string { return this.toString() }
}

export class GoDuration {
  constructor(readonly ns: bigint) {}

  /** Go's Duration.String(): `0s`, `1.5s`, `1m30s`, `2h0m0s`, `500ms`, `1µs`. */
  toString(): string { return formatDuration(this.ns) }

  toJSON(): bigint { return this.ns }

  Nanoseconds(): bigint { return this.ns }
  Seconds(): number { return Number(this.ns) / 1e9 }
  Minutes(): number { return Number(this.ns) / 6e10 }
  Hours(): number { return Number(this.ns) / 3.6e12 }
  String(): string { return this.toString() }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q
}

function formatDuration(d: bigint): string {
  if (d === 0n) return '0s'
  const neg = d < 0n
  let u = neg ? -d : d
  let out: string
  if (u < NS_PER_S) {
    // Sub-second: the largest unit that keeps an integer part (ns, µs, ms).
    let unit: string, scale: bigint
    if (u < 1000n) { unit = 'ns'; scale = 1n } else if (u < 1_000_000n) { unit = 'µs'; scale = 1000n } else { unit = 'ms'; scale = 1_000_000n }
    out = fraction(u, scale) + unit
  } else {
    const h = u / 3_600_000_000_000n
    u -= h * 3_600_000_000_000n
    const m = u / 60_000_000_000n
    u -= m * 60_000_000_000n
    out = `${fraction(u, NS_PER_S)}s`
    if (h > 0n) out = `${h}h${m}m${out}`
    else if (m > 0n) out = `${m}m${out}`
  }
  return neg ? `-${out}` : out
}

/** `v / scale` in decimal with trailing zeros of the fraction trimmed. */
function fraction(v: bigint, scale: bigint): string {
  const int = v / scale
  const rem = v % scale
  if (rem === 0n) return String(int)
  const digits = String(scale).length - 1
  return `${int}.${String(rem).padStart(digits, '0').replace(/0+$/, '')}`
}

const structs = new WeakMap<object, string>()
const stringMaps = new WeakSet<object>()

/**
 * Marks `obj` as a Go struct (see the module comment); `typeName` (e.g. "kapacitor.idInfo")
 * appears in error messages. Returns `obj`.
 */
export function goStruct<T extends object>(obj: T, typeName = 'struct'): T {
  structs.set(obj, typeName)
  return obj
}

/** Marks `obj` as a Go map[string]string (see the module comment). Returns `obj`. */
export function goStringMap<T extends object>(obj: T): T {
  stringMaps.add(obj)
  return obj
}

export function isStruct(v: object): boolean { return structs.has(v) }
export function isStringMap(v: object): boolean { return stringMaps.has(v) }

/** A Go map: a plain object (not a struct, array, GoTime/GoDuration) or a JS Map. */
export function isMap(v: unknown): v is Record<string, unknown> | Map<unknown, unknown> {
  if (v === null || typeof v !== 'object') return false
  if (v instanceof Map) return true
  if (Array.isArray(v) || v instanceof GoTime || v instanceof GoDuration || structs.has(v)) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** Keys of a map in Go's sorted order (fmt and encoding/json both sort). */
export function sortedEntries(m: Record<string, unknown> | Map<unknown, unknown>): [unknown, unknown][] {
  const entries: [unknown, unknown][] = m instanceof Map ? [...m.entries()] : Object.entries(m)
  return entries.sort((a, b) => compareKeys(a[0], b[0]))
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a < b ? -1 : a > b ? 1 : 0
  const sa = String(a), sb = String(b)
  return sa < sb ? -1 : sa > sb ? 1 : 0
}

/** The Go type name of a value, for error messages and %!verb(type=value). */
export function goTypeName(v: unknown): string {
  switch (typeof v) {
    case 'string': return 'string'
    case 'number': return 'float64'
    case 'bigint': return 'int64'
    case 'boolean': return 'bool'
    case 'function': return 'func'
    case 'undefined': return '<nil>'
  }
  if (v === null) return '<nil>'
  if (v instanceof GoTime) return 'time.Time'
  if (v instanceof GoDuration) return 'time.Duration'
  if (Array.isArray(v)) return '[]interface {}'
  if (isMap(v)) return stringMaps.has(v) ? 'map[string]string' : 'map[string]interface {}'
  return structs.get(v as object) ?? 'struct'
}
