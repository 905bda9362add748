/**
 * The reducers behind the InfluxQL function nodes, as pure objects: `add` takes one value
 * (already checked to be of the reducer's input kind) with its time and point, `emit`
 * returns the reduced points. They follow InfluxDB's query reducers that Kapacitor wraps
 * (reference §2.5): the same tie-breaks (first/last prefer the larger value at equal times,
 * min/max the earlier time), nearest-rank percentile without interpolation, int64 sums kept
 * exact and wrapping like Go's, count always an int, mean/median/stddev always floats.
 */
import type { FieldValue } from '../model/point.js'
import type { BatchPoint } from '../pipeline/messages.js'
import { holtWinters } from './influxql-holt-winters.js'

export type ValueKind = 'float' | 'int' | 'string' | 'bool'

export function valueKind(v: FieldValue): ValueKind {
  switch (typeof v) {
    case 'number': return 'float'
    case 'bigint': return 'int'
    case 'string': return 'string'
    default: return 'bool'
  }
}

/** Go's names for the kinds, for error messages. */
export const GO_TYPE: Readonly<Record<ValueKind, string>> = { float: 'float64', int: 'int64', string: 'string', bool: 'bool' }

/** One reduced point. `time` undefined = InfluxDB's ZeroTime (the node uses the batch time). */
export interface Reduced {
  readonly value: FieldValue
  readonly time: bigint | undefined
  /** the selected input point (selectors: its tags and fields are emitted; top/bottom: its tags) */
  readonly point?: BatchPoint
}

export interface Reducer {
  add(value: FieldValue, time: bigint, point: BatchPoint): void
  emit(): Reduced[]
}

export interface ReducerArgs {
  /** percentile (0–100) */
  readonly percentile?: number
  /** top/bottom count, movingAverage window, holtWinters horizon */
  readonly n?: number
  /** top/bottom extra fields-and-tags: one output row per distinct combination */
  readonly fieldsAndTags?: readonly string[]
  /** elapsed unit, holtWinters interval (ns) */
  readonly unit?: bigint
  /** holtWinters season */
  readonly m?: number
  readonly withFit?: boolean
}

interface Sample {
  readonly value: FieldValue
  readonly time: bigint
  readonly point: BatchPoint
}

const I64 = (x: bigint): bigint => BigInt.asIntN(64, x)

/** Total order used by InfluxDB's value sorts: numbers/strings by `<`, false before true. */
function less(a: FieldValue, b: FieldValue): boolean {
  if (typeof a === 'boolean') return !a && (b as boolean)
  return (a as number) < (b as number)
}

const greater = (a: FieldValue, b: FieldValue): boolean => less(b, a)

function byValue(a: Sample, b: Sample): number {
  return less(a.value, b.value) ? -1 : less(b.value, a.value) ? 1 : 0
}

function toFloat(v: FieldValue): number {
  return typeof v === 'bigint' ? Number(v) : (v as number)
}

// ---------------------------------------------------------------- selectors (prev/curr)

type Pick = (prev: Sample, cur: Sample) => boolean

class SelectReducer implements Reducer {
  private best: Sample | undefined
  constructor(private readonly replaces: Pick) {}
  add(value: FieldValue, time: bigint, point: BatchPoint): void {
    const cur = { value, time, point }
    if (this.best === undefined || this.replaces(this.best, cur)) this.best = cur
  }
  emit(): Reduced[] {
    return this.best === undefined ? [] : [this.best]
  }
}

const firstPick = (kind: ValueKind): Pick => kind === 'bool'
  ? (p, c) => c.time < p.time || (c.time === p.time && !c.value && (p.value as boolean))
  : (p, c) => c.time < p.time || (c.time === p.time && greater(c.value, p.value))
const lastPick = (kind: ValueKind): Pick => kind === 'bool'
  ? (p, c) => c.time > p.time || (c.time === p.time && (c.value as boolean) && !p.value)
  : (p, c) => c.time > p.time || (c.time === p.time && greater(c.value, p.value))
const minPick: Pick = (p, c) => less(c.value, p.value) || (c.value === p.value && c.time < p.time)
const maxPick: Pick = (p, c) => greater(c.value, p.value) || (c.value === p.value && c.time < p.time)

// ---------------------------------------------------------------- aggregates

class CountReducer implements Reducer {
  private n = 0n
  add(): void { this.n++ }
  emit(): Reduced[] { return [{ value: this.n, time: undefined }] }
}

class FloatSumReducer implements Reducer {
  private sum = 0
  add(v: FieldValue): void { this.sum += v as number }
  emit(): Reduced[] { return [{ value: this.sum, time: undefined }] }
}

class IntSumReducer implements Reducer {
  private sum = 0n
  add(v: FieldValue): void { this.sum = I64(this.sum + (v as bigint)) }
  emit(): Reduced[] { return [{ value: this.sum, time: undefined }] }
}

class FloatMeanReducer implements Reducer {
  private sum = 0
  private count = 0
  add(v: FieldValue): void { this.sum += v as number; this.count++ }
  emit(): Reduced[] { return [{ value: this.sum / this.count, time: undefined }] }
}

class IntMeanReducer implements Reducer {
  private sum = 0n
  private count = 0
  add(v: FieldValue): void { this.sum = I64(this.sum + (v as bigint)); this.count++ }
  emit(): Reduced[] { return [{ value: Number(this.sum) / this.count, time: undefined }] }
}

/** Keeps every sample for the reducers that need the whole set. */
class SliceReducer implements Reducer {
  private readonly samples: Sample[] = []
  constructor(private readonly reduce: (a: Sample[]) => Reduced[]) {}
  add(value: FieldValue, time: bigint, point: BatchPoint): void { this.samples.push({ value, time, point }) }
  emit(): Reduced[] { return this.samples.length === 0 ? [] : this.reduce(this.samples) }
}

function median(a: Sample[]): Reduced[] {
  if (a.length === 1) return [{ value: toFloat(a[0]!.value), time: undefined }]
  const s = [...a].sort(byValue)
  const h = s.length >> 1
  if (s.length % 2 === 1) return [{ value: toFloat(s[h]!.value), time: undefined }]
  const lo = s[h - 1]!.value
  const hi = s[h]!.value
  // as InfluxDB: lo + (hi − lo)/2, the difference taken in the input type
  const value = typeof lo === 'bigint' ? Number(lo) + Number(I64((hi as bigint) - lo)) / 2 : (lo as number) + ((hi as number) - (lo as number)) / 2
  return [{ value, time: undefined }]
}

/** InfluxDB's mode scan over the value-sorted samples (its tie rules included). */
function mode(a: Sample[]): Reduced[] {
  if (a.length === 1) return [{ value: a[0]!.value, time: undefined }]
  if (typeof a[0]!.value === 'boolean') {
    let t = 0
    for (const p of a) if (p.value) t++
    return [{ value: t >= a.length - t, time: undefined }]
  }
  const s = [...a].sort(byValue)
  let mostFreq = 0
  let currFreq = 0
  let currMode = s[0]!.value
  let mostMode = s[0]!.value
  let mostTime = s[0]!.time
  let currTime = s[0]!.time
  for (const p of s) {
    if (p.value !== currMode) {
      currFreq = 1
      currMode = p.value
      currTime = p.time
      continue
    }
    currFreq++
    if (mostFreq > currFreq || (mostFreq === currFreq && currTime > mostTime)) continue
    mostFreq = currFreq
    mostMode = p.value
    mostTime = p.time
  }
  return [{ value: mostMode, time: undefined }]
}

function spread(a: Sample[]): Reduced[] {
  if (typeof a[0]!.value === 'bigint') {
    let min = a[0]!.value as bigint
    let max = min
    for (const p of a) {
      const v = p.value as bigint
      if (v < min) min = v
      if (v > max) max = v
    }
    return [{ value: I64(max - min), time: undefined }]
  }
  let min = a[0]!.value as number
  let max = min
  for (const p of a) {
    min = Math.min(min, p.value as number)
    max = Math.max(max, p.value as number)
  }
  return [{ value: max - min, time: undefined }]
}

/** Sample standard deviation; InfluxDB gives a nil point (Kapacitor writes 0) under two values; float NaNs are skipped. */
function stddev(a: Sample[]): Reduced[] {
  if (a.length < 2) return [{ value: 0, time: undefined }]
  let mean = 0
  let count = 0
  for (const p of a) {
    const v = toFloat(p.value)
    if (Number.isNaN(v) && typeof p.value === 'number') continue
    count++
    mean += (v - mean) / count
  }
  let variance = 0
  for (const p of a) {
    const v = toFloat(p.value)
    if (Number.isNaN(v) && typeof p.value === 'number') continue
    variance += (v - mean) * (v - mean)
  }
  return [{ value: Math.sqrt(variance / (count - 1)), time: undefined }]
}

/** Nearest rank: index floor(n·p/100 + 0.5) − 1 of the value-sorted samples; none outside the range. */
export function percentileIndex(n: number, p: number): number {
  return Math.floor((n * p) / 100 + 0.5) - 1
}

function percentile(p: number): (a: Sample[]) => Reduced[] {
  return (a) => {
    const i = percentileIndex(a.length, p)
    if (i < 0 || i >= a.length) return []
    const s = [...a].sort(byValue)
    return [s[i]!]
  }
}

/** Distinct values, each with its first point's time, ordered by time then value; no tags. */
function distinct(a: Sample[]): Reduced[] {
  const seen = new Map<FieldValue, Sample>()
  for (const p of a) if (!seen.has(p.value)) seen.set(p.value, p)
  const out = [...seen.values()].sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : byValue(x, y)))
  return out.map((p) => ({ value: p.value, time: p.time }))
}

function topBottom(n: number, fieldsAndTags: readonly string[], top: boolean): (a: Sample[]) => Reduced[] {
  const better = (x: Sample, y: Sample): boolean =>
    (top ? greater(x.value, y.value) : less(x.value, y.value)) || (x.value === y.value && x.time < y.time)
  return (a) => {
    let pts = a
    if (fieldsAndTags.length > 0) {
      // one point per distinct combination of the named fields/tags: the best of each
      const best = new Map<string, Sample>()
      for (const p of a) {
        const key = fieldsAndTags.map((k) => String(p.point.fields[k] ?? p.point.tags[k] ?? '')).join(',')
        const cur = best.get(key)
        if (cur === undefined || better(p, cur)) best.set(key, p)
      }
      pts = [...best.values()]
    }
    const chosen = [...pts].sort((x, y) => (better(x, y) ? -1 : better(y, x) ? 1 : 0)).slice(0, Math.max(0, n))
    // then ordered by time (stable: equal times keep the value order)
    return chosen.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0))
  }
}

// ---------------------------------------------------------------- transforms (one output per input)

class ElapsedReducer implements Reducer {
  private prev: bigint | undefined
  private curr: bigint | undefined
  constructor(private readonly unit: bigint) {
    if (unit <= 0n) throw new Error('elapsed unit must be greater than zero')
  }
  add(_v: FieldValue, time: bigint): void {
    this.prev = this.curr
    this.curr = time
  }
  emit(): Reduced[] {
    if (this.prev === undefined || this.curr === undefined) return []
    return [{ value: (this.curr - this.prev) / this.unit, time: this.curr }]
  }
}

class DifferenceReducer implements Reducer {
  private prev: Sample | undefined
  private curr: Sample | undefined
  private unread = false
  add(value: FieldValue, time: bigint, point: BatchPoint): void {
    // a point that does not advance time is skipped (only the first of a time counts)
    if (this.curr !== undefined && this.curr.time === time) return
    this.prev = this.curr
    this.curr = { value, time, point }
    this.unread = this.prev !== undefined
  }
  emit(): Reduced[] {
    if (!this.unread) return []
    this.unread = false
    const c = this.curr!
    const p = this.prev!.value
    const value = typeof c.value === 'bigint' ? I64(c.value - (p as bigint)) : (c.value as number) - (p as number)
    return [{ value, time: c.time }]
  }
}

class MovingAverageReducer implements Reducer {
  private readonly buf: FieldValue[] = []
  private pos = 0
  private fsum = 0
  private isum = 0n
  private time = 0n
  constructor(private readonly n: number) {
    if (n < 1) throw new Error('movingAverage window must be greater than zero')
  }
  add(v: FieldValue, time: bigint): void {
    const int = typeof v === 'bigint'
    if (this.buf.length < this.n) this.buf.push(v)
    else {
      const old = this.buf[this.pos]!
      if (int) this.isum = I64(this.isum - (old as bigint))
      else this.fsum -= old as number
      this.buf[this.pos] = v
    }
    if (int) this.isum = I64(this.isum + v)
    else this.fsum += v as number
    this.time = time
    this.pos = (this.pos + 1) % this.n
  }
  emit(): Reduced[] {
    if (this.buf.length < this.n) return []
    const sum = typeof this.buf[0] === 'bigint' ? Number(this.isum) : this.fsum
    return [{ value: sum / this.buf.length, time: this.time }]
  }
}

class CumulativeSumReducer implements Reducer {
  private f = 0
  private i = 0n
  private int = false
  private time: bigint | undefined
  add(v: FieldValue, time: bigint): void {
    if (typeof v === 'bigint') {
      this.int = true
      this.i = I64(this.i + v)
    } else this.f += v as number
    this.time = time
  }
  emit(): Reduced[] {
    return this.time === undefined ? [] : [{ value: this.int ? this.i : this.f, time: this.time }]
  }
}

class HoltWintersReducer implements Reducer {
  private readonly times: bigint[] = []
  private readonly values: number[] = []
  constructor(private readonly h: number, private readonly m: number, private readonly interval: bigint, private readonly withFit: boolean) {}
  add(v: FieldValue, time: bigint): void {
    this.times.push(time)
    this.values.push(toFloat(v))
  }
  emit(): Reduced[] {
    return holtWinters(this.times, this.values, { h: this.h, m: this.m, interval: this.interval, includeFitData: this.withFit })
      .map((p) => ({ value: p.value, time: p.time }))
  }
}

// ---------------------------------------------------------------- the table

const ALL: readonly ValueKind[] = ['float', 'int', 'string', 'bool']
const NUM: readonly ValueKind[] = ['float', 'int']

interface MethodDef {
  readonly kinds: readonly ValueKind[]
  readonly create: (kind: ValueKind, args: ReducerArgs) => Reducer
}

const slice = (f: (a: Sample[]) => Reduced[]) => (): Reducer => new SliceReducer(f)

const METHODS: Readonly<Record<string, MethodDef>> = {
  count: { kinds: ALL, create: () => new CountReducer() },
  sum: { kinds: NUM, create: (k) => (k === 'int' ? new IntSumReducer() : new FloatSumReducer()) },
  mean: { kinds: NUM, create: (k) => (k === 'int' ? new IntMeanReducer() : new FloatMeanReducer()) },
  median: { kinds: NUM, create: slice(median) },
  mode: { kinds: NUM, create: slice(mode) },
  spread: { kinds: NUM, create: slice(spread) },
  stddev: { kinds: NUM, create: slice(stddev) },
  first: { kinds: ALL, create: (k) => new SelectReducer(firstPick(k)) },
  last: { kinds: ALL, create: (k) => new SelectReducer(lastPick(k)) },
  min: { kinds: NUM, create: () => new SelectReducer(minPick) },
  max: { kinds: NUM, create: () => new SelectReducer(maxPick) },
  percentile: { kinds: NUM, create: (_k, a) => new SliceReducer(percentile(a.percentile ?? 0)) },
  distinct: { kinds: ALL, create: slice(distinct) },
  top: { kinds: NUM, create: (_k, a) => new SliceReducer(topBottom(a.n ?? 0, a.fieldsAndTags ?? [], true)) },
  bottom: { kinds: NUM, create: (_k, a) => new SliceReducer(topBottom(a.n ?? 0, a.fieldsAndTags ?? [], false)) },
  elapsed: { kinds: ALL, create: (_k, a) => new ElapsedReducer(a.unit ?? 0n) },
  difference: { kinds: NUM, create: () => new DifferenceReducer() },
  movingAverage: { kinds: NUM, create: (_k, a) => new MovingAverageReducer(a.n ?? 0) },
  cumulativeSum: { kinds: NUM, create: () => new CumulativeSumReducer() },
  holtWinters: { kinds: NUM, create: (_k, a) => new HoltWintersReducer(a.n ?? 0, a.m ?? 0, a.unit ?? 0n, a.withFit ?? false) },
}

/** The reducer maker for a method on a field kind, or Kapacitor's error text when the kind is not accepted. */
export function reducerFactory(method: string, kind: ValueKind, args: ReducerArgs): (() => Reducer) | string {
  const def = METHODS[method]
  if (def === undefined) return `unknown influxql function ${method}`
  if (!def.kinds.includes(kind)) return `cannot apply ${method} to ${GO_TYPE[kind]} field`
  return () => def.create(kind, args)
}

/** Reduces a list of values in one go (tests, and anything that has the whole set). */
export function reduceValues(method: string, values: readonly FieldValue[], args: ReducerArgs = {}, times?: readonly bigint[]): Reduced[] {
  if (values.length === 0) return []
  const f = reducerFactory(method, valueKind(values[0]!), args)
  if (typeof f === 'string') throw new Error(f)
  const r = f()
  values.forEach((v, i) => {
    const time = times?.[i] ?? BigInt(i)
    r.add(v, time, { name: '', tags: {}, fields: { v }, time })
  })
  return r.emit()
}
