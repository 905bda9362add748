/**
 * The InfluxQL function nodes at run time (reference §2.5, §10.9; Kapacitor's influxql.go).
 *
 * - Batch input: one reducer per batch, made for the kind of the first point's field;
 *   one result per batch. An empty batch (or one where no point had the field) yields
 *   only count/sum's 0.
 * - Stream input (no window): per group, points with the same time are reduced together
 *   and the result is emitted when a point with another time arrives (the last bucket is
 *   never flushed).
 * - Transforms (elapsed, difference, movingAverage, cumulativeSum): one reducer per group
 *   kept across points on a stream, one per batch on batches; one output per input point,
 *   with the point's time.
 *
 * Output: aggregates emit {as: value} with the group tags; selectors the whole selected
 * point (field renamed to `as`); batch-providing functions (distinct, top, bottom,
 * holtWinters) a batch whose points carry {as: value} and, for top/bottom, the selected
 * points' tags. A missing field or a value of another type than the reducer's is a node
 * error and the point is skipped (Kapacitor's stream transforms then re-emit their previous
 * result; here a skipped point emits nothing).
 */
import type { Group } from '../model/group.js'
import type { Fields, Tags, FieldValue } from '../model/point.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { propFlag, propString } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'
import type { TickValue } from './define-node.js'
import type { InfluxQLInfo } from './influxql.js'
import { GO_TYPE, reducerFactory, valueKind, type Reduced, type Reducer, type ReducerArgs, type ValueKind } from './influxql-reducers.js'

const SIMPLE_SELECTORS = new Set(['first', 'last', 'min', 'max', 'percentile'])
const TRANSFORMS = new Set(['elapsed', 'difference', 'movingAverage', 'cumulativeSum'])

/** A stream group's current time bucket (aggregates) or running reducer (transforms). */
interface StreamState {
  name: string
  time: bigint
  reducer: Reducer | null
  /** the field kind the reducer was made for; other kinds are refused */
  kind: ValueKind | undefined
}

/** A batch's reducer while its points are added. */
interface BatchAcc { reducer: Reducer | null; kind: ValueKind }

export class InfluxQLRuntime extends BaseRuntime {
  private readonly method: string
  private readonly field: string
  private readonly as: string
  private readonly args: ReducerArgs
  private readonly simpleSelector: boolean
  private readonly transform: boolean
  private readonly batchOut: boolean
  private readonly pointTimes: boolean
  private readonly emptyOK: boolean
  private readonly streams: GroupStates<StreamState | null>
  // the reducer maker of the last field kind seen (Kapacitor keeps one per node and re-makes it when the kind changes)
  private kind: ValueKind | undefined
  private factory: (() => Reducer) | undefined

  constructor(node: PipelineNode, ctx: NodeContext, info: InfluxQLInfo) {
    super(ctx)
    const type = node.type
    this.method = type === 'holtWintersWithFit' ? 'holtWinters' : type
    this.field = stringArg(node.args[info.fieldArg])
    this.as = propString(node, 'as')
    this.args = reducerArgs(type, node.args)
    this.simpleSelector = SIMPLE_SELECTORS.has(type)
    this.transform = TRANSFORMS.has(type)
    this.batchOut = node.output === 'batch' && !this.transform
    this.pointTimes = propFlag(node, 'usePointTimes') || this.transform || info.alwaysPointTimes
    this.emptyOK = info.emptyBatchValue
    this.streams = ctx.groups(() => null)
  }

  // ------------------------------------------------------------------ stream input

  protected override point(p: PointMessage): void {
    if (this.transform) return this.streamTransform(p)
    let s = this.streams.get(p.group)
    if (s === null) {
      s = { name: p.name, time: p.time, reducer: null, kind: undefined }
      this.streams.set(p.group, s)
    } else if (p.time !== s.time) {
      // time moved on: the previous bucket is complete
      if (s.reducer !== null) this.emitResult(s.reducer.emit(), s.name, p.group, p.group.tags, s.time)
      s.name = p.name
      s.time = p.time
      s.reducer = null
    }
    const value = this.fieldValue(p.fields)
    if (s.reducer === null) {
      s.reducer = this.reducerFor(value)
      s.kind = valueKind(value)
    } else this.check(value, s.kind!)
    s.reducer.add(value, p.time, p)
  }

  private streamTransform(p: PointMessage): void {
    let s = this.streams.get(p.group)
    if (s === null) {
      s = { name: p.name, time: p.time, reducer: null, kind: undefined }
      this.streams.set(p.group, s)
    }
    const value = this.fieldValue(p.fields)
    if (s.reducer === null) {
      s.reducer = this.reducerFor(value)
      s.kind = valueKind(value)
    } else this.check(value, s.kind!)
    s.reducer.add(value, p.time, p)
    const r = s.reducer.emit()
    if (r.length !== 1) return
    this.ctx.emit({
      kind: 'point', name: s.name, db: '', rp: '', group: p.group,
      tags: p.group.tags, fields: { [this.as]: r[0]!.value }, time: r[0]!.time ?? p.time,
    })
  }

  // ------------------------------------------------------------------ batch input

  protected override batch(b: BatchMessage): void {
    if (this.transform) return this.batchTransform(b)
    const acc: BatchAcc = { reducer: null, kind: 'float' }
    let size = 0
    for (const p of b.points) if (this.feed(acc, p, b)) size++
    if (size === 0 && !this.emptyOK) return
    // no point had the field: Kapacitor assumes a float field
    const reducer = acc.reducer ?? this.reducerFor(0)
    this.emitResult(reducer.emit(), b.name, b.group, b.tags, b.tmax)
  }

  private batchTransform(b: BatchMessage): void {
    const acc: BatchAcc = { reducer: null, kind: 'float' }
    const points: BatchPoint[] = []
    for (const p of b.points) {
      if (!this.feed(acc, p, b)) continue
      const r = acc.reducer!.emit()
      if (r.length === 1) points.push({ name: b.name, tags: b.tags, fields: { [this.as]: r[0]!.value }, time: r[0]!.time ?? p.time })
    }
    this.ctx.emit({ ...b, points })
  }

  /**
   * Adds one batch point to the batch's reducer, made for the type of the first point that
   * has the field; a missing field or another type is a counted error and the point is skipped.
   */
  private feed(acc: BatchAcc, p: BatchPoint, b: BatchMessage): boolean {
    try {
      const value = this.fieldValue(p.fields)
      if (acc.reducer === null) {
        acc.reducer = this.reducerFor(value)
        acc.kind = valueKind(value)
      } else this.check(value, acc.kind)
      acc.reducer.add(value, p.time, p)
      return true
    } catch (err) {
      this.ctx.error(err, { group: b.group, field: this.field })
      return false
    }
  }

  // ------------------------------------------------------------------ shared

  private fieldValue(fields: Fields): FieldValue {
    const v = fields[this.field]
    if (v === undefined) throw new Error(`field "${this.field}" missing from point`)
    return v
  }

  private check(v: FieldValue, want: ValueKind): void {
    const k = valueKind(v)
    if (k !== want) throw new Error(`field ${this.field} has wrong type: got ${GO_TYPE[k]} exp ${GO_TYPE[want]}`)
  }

  private reducerFor(v: FieldValue): Reducer {
    const k = valueKind(v)
    if (k !== this.kind || this.factory === undefined) {
      const f = reducerFactory(this.method, k, this.args)
      if (typeof f === 'string') throw new Error(`invalid influxql func ${this.method} with field ${this.field}: ${f}`)
      this.kind = k
      this.factory = f
    }
    return this.factory()
  }

  private emitResult(r: Reduced[], name: string, group: Group, groupTags: Tags, time: bigint): void {
    if (this.batchOut) {
      let tmax = time
      const points: BatchPoint[] = []
      for (const ap of r) {
        const t = this.pointTimes && ap.time !== undefined ? ap.time : time
        if (t > tmax) tmax = t
        const own = ap.point?.tags
        const tags = own !== undefined && Object.keys(own).length > 0 ? { ...groupTags, ...own } : groupTags
        points.push({ name, tags, fields: { [this.as]: ap.value }, time: t })
      }
      this.ctx.emit({ kind: 'batch', name, tmax, group, tags: groupTags, points })
      return
    }
    if (r.length !== 1) return
    const ap = r[0]!
    const t = this.pointTimes && ap.time !== undefined ? ap.time : time
    let tags = groupTags
    let fields: Fields = { [this.as]: ap.value }
    if (this.simpleSelector && ap.point !== undefined) {
      tags = ap.point.tags
      fields = ap.point.fields
      if (this.as !== this.field) {
        const copy: Record<string, FieldValue> = { ...fields }
        copy[this.as] = copy[this.field]!
        delete copy[this.field]
        fields = copy
      }
    }
    this.ctx.emit({ kind: 'point', name, db: '', rp: '', group, tags, fields, time: t })
  }
}

function stringArg(v: TickValue | undefined): string {
  return v?.type === 'string' ? v.value : ''
}

function numberArg(v: TickValue | undefined): number {
  return v?.type === 'int' ? Number(v.value) : v?.type === 'float' ? v.value : 0
}

function durationArg(v: TickValue | undefined): bigint {
  return v?.type === 'duration' ? v.ns : v?.type === 'int' ? v.value : 0n
}

function reducerArgs(type: string, args: readonly TickValue[]): ReducerArgs {
  switch (type) {
    case 'percentile': return { percentile: numberArg(args[1]) }
    case 'top':
    case 'bottom': return { n: numberArg(args[0]), fieldsAndTags: args.slice(2).map(stringArg) }
    case 'elapsed': return { unit: durationArg(args[1]) }
    case 'movingAverage': return { n: numberArg(args[1]) }
    case 'holtWinters':
    case 'holtWintersWithFit':
      return { n: numberArg(args[1]), m: numberArg(args[2]), unit: durationArg(args[3]), withFit: type === 'holtWintersWithFit' }
    default: return {}
  }
}
