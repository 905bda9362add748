/**
 * The batch query node at run time (reference §2.2, Kapacitor's batch.go QueryNode). Live,
 * it runs its InfluxQL on its schedule through the task's injected scheduler and clock:
 * each tick queries `[tick − offset − period, tick − offset)` with the node's GROUP BY and
 * FILL, and every result series becomes one batch. In a replay nothing is scheduled and
 * recorded batches come in through `deliver` — the same conversion to a batch message.
 *
 * A failing query is logged with its text and counted (`query_errors`; a missing cluster
 * is `connect_errors`); the schedule goes on, so the next tick succeeds once InfluxDB is
 * back. A query still running when the next tick comes delays that tick, as Go's ticker
 * channel does (at most one pending).
 */
import { dimensions, makeGroup, type Group } from '../model/group.js'
import type { Tags } from '../model/point.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BatchMessage, BatchPoint, Message } from '../pipeline/messages.js'
import { propArgs, propDuration, propFlag, propString, propValue } from '../pipeline/props.js'
import type { Counter, NodeContext, NodeRuntime } from '../pipeline/runtime.js'
import { prepareBatchQuery, type FillSetting, type GroupBySetting, type PreparedQuery } from '../query/batch-query.js'
import type { InfluxDBService } from '../query/influxdb.js'
import { seriesToBatches } from '../query/result-batches.js'
import { queryBounds, querySchedule, type QuerySchedule, type ScheduleSpec } from '../query/query-schedule.js'
import type { RecordedBatch } from '../record/types.js'

type Fill = FillSetting
type GroupByOptions = GroupBySetting

/** A query node's configuration, read once from its properties: what to run, when, on which cluster. */
export interface QueryPlan {
  readonly node: string
  readonly text: string
  readonly prepared: PreparedQuery
  readonly schedule: QuerySchedule
  readonly period: bigint
  readonly offset: bigint
  readonly cluster: string
  readonly byMeasurement: boolean
  readonly groupedByTime: boolean
  /** the InfluxQL of the range [start, stop) */
  render(start: bigint, stop: bigint): string
}

/** Reads a query node's properties; throws (ScheduleError, InfluxQLError) when they cannot run. */
export function queryPlan(node: PipelineNode): QueryPlan {
  const arg = node.args[0]
  const text = arg?.type === 'string' ? arg.value : ''
  const prepared = prepareBatchQuery(text)
  const every = propDuration(node, 'every')
  const cron = propString(node, 'cron')
  const spec: ScheduleSpec = cron !== '' ? { kind: 'cron', expr: cron } : { kind: 'every', every, align: propFlag(node, 'align') }
  const schedule = querySchedule(spec)
  const periodSet = (node.props.get('period')?.length ?? 0) > 0
  const period = periodSet ? propDuration(node, 'period') : cron !== '' ? 0n : every
  const groupBy = groupByOf(node)
  const alignGroup = propFlag(node, 'alignGroup')
  const fill = fillOf(node)
  return {
    node: node.name, text, prepared, schedule, period,
    offset: propDuration(node, 'offset'),
    cluster: propString(node, 'cluster'),
    byMeasurement: propFlag(node, 'groupByMeasurement'),
    groupedByTime: groupBy.time !== undefined,
    render(start, stop) {
      const hasGroup = groupBy.time !== undefined || groupBy.tags.length > 0 || groupBy.star
      return prepared.render({ start, stop, ...(hasGroup ? { groupBy } : {}), ...(fill !== undefined ? { fill } : {}), ...(alignGroup ? { alignGroup } : {}) })
    },
  }
}

function groupByOf(node: PipelineNode): GroupByOptions {
  let time: GroupByOptions['time']
  const tags: string[] = []
  let star = false
  for (const v of propArgs(node, 'groupBy')) {
    if (v.type === 'time') time = { every: v.ns, offset: v.offset }
    else if (v.type === 'string') tags.push(v.value)
    else if (v.type === 'star') star = true
  }
  return { ...(time ? { time } : {}), tags, star }
}

function fillOf(node: PipelineNode): Fill | undefined {
  const v = propValue(node, 'fill')
  if (v === undefined) return undefined
  if (v.type === 'string') return v.value as Fill
  if (v.type === 'int') return Number(v.value)
  if (v.type === 'float') return v.value
  return undefined
}

/**
 * Turns batches (a query's result series, or a recording's) into batch messages: the group
 * is the batch's tags (the query's GROUP BY dimensions) plus the measurement with
 * groupByMeasurement; points without tags of their own get the batch's; the batch time is
 * the later of its tmax and its last point's time (Kapacitor's replay rule; a live query's
 * tmax is already the query stop or the last bucket), an empty batch without tmax takes
 * the previous batch's.
 */
export class BatchConverter {
  private readonly groups = new Map<string, Group>()
  private lastTmax = 0n

  constructor(private readonly byMeasurement: boolean) {}

  convert(b: RecordedBatch, db?: string, rp?: string): BatchMessage {
    const points: BatchPoint[] = new Array(b.points.length)
    let tagsOfBatch: Tags | undefined
    for (let i = 0; i < b.points.length; i++) {
      const p = b.points[i]!
      let tags = p.tags
      if (isEmpty(tags)) tags = tagsOfBatch ??= Object.freeze({ ...b.tags })
      points[i] = { name: b.name, tags, fields: p.fields, time: p.time }
    }
    let tmax: bigint
    if (points.length === 0) tmax = b.tmax ?? this.lastTmax
    else {
      const last = points[points.length - 1]!.time
      tmax = b.tmax !== undefined && b.tmax > last ? b.tmax : last
    }
    this.lastTmax = tmax
    const group = this.groupOf(b.name, b.tags)
    return { kind: 'batch', name: b.name, tmax, group, tags: group.tags, points, ...(db ? { db } : {}), ...(rp ? { rp } : {}) }
  }

  private groupOf(name: string, tags: Tags): Group {
    const dims = dimensions(Object.keys(tags), this.byMeasurement)
    const g = makeGroup(name, tags, dims)
    const known = this.groups.get(g.id)
    if (known) return known
    this.groups.set(g.id, g)
    return g
  }
}

function isEmpty(tags: Tags): boolean {
  for (const _ in tags) return false
  return true
}

/** What the executor sees of a query node besides a runtime: its schedule switch and its replay input. */
export interface BatchSourceRuntime extends NodeRuntime {
  /** starts the schedule (live batch tasks only) */
  start(): void
  /** emits one recorded batch (replays) */
  deliver(b: RecordedBatch): void
}

export function isBatchSource(r: NodeRuntime): r is BatchSourceRuntime {
  return typeof (r as Partial<BatchSourceRuntime>).start === 'function' && typeof (r as Partial<BatchSourceRuntime>).deliver === 'function'
}

const NS_PER_MS = 1_000_000n
/** the longest setTimeout delay */
const MAX_TIMER_MS = 2 ** 31 - 1
/** a timer waking this much before its tick (clock granularity) still fires it */
const EARLY_NS = 5n * NS_PER_MS

export class QueryRuntime implements BatchSourceRuntime {
  private plan!: QueryPlan
  private readonly converter: BatchConverter
  private readonly queryErrors: Counter
  private readonly connectErrors: Counter
  private readonly batchesQueried: Counter
  private readonly pointsQueried: Counter
  private stopped = false
  private running = false
  /** a tick that came while a query was running */
  private pending: bigint | undefined
  private cancel: (() => void) | undefined

  constructor(private readonly node: PipelineNode, private readonly ctx: NodeContext) {
    // a replay only needs the grouping; the query and schedule are read when the schedule starts
    this.converter = new BatchConverter(propFlag(node, 'groupByMeasurement'))
    this.queryErrors = ctx.counter('query_errors')
    this.batchesQueried = ctx.counter('batches_queried')
    this.pointsQueried = ctx.counter('points_queried')
    this.connectErrors = ctx.counter('connect_errors')
  }

  receive(_msg: Message): void {
    throw new Error(`${this.ctx.node.name}: a query node takes no input`)
  }

  start(): void {
    if (this.stopped || this.cancel) return
    this.plan = queryPlan(this.node)
    this.arm(this.plan.schedule.first(this.ctx.clock.nowNs()))
  }

  deliver(b: RecordedBatch): void {
    if (this.stopped) return
    this.ctx.emit(this.converter.convert(b))
  }

  stop(): void {
    this.stopped = true
    this.cancel?.()
    this.cancel = undefined
  }

  /** Waits (on the injected scheduler) until `tick` by the injected clock, then fires. */
  private arm(tick: bigint): void {
    if (this.stopped) return
    const now = this.ctx.clock.nowNs()
    const delayNs = tick > now ? tick - now : 0n
    // a whole number of ms, rounded up so that the clock has reached the tick when it fires;
    // at most what a timer can wait (about 24.8 days; a monthly cron waits in several steps)
    const ms = Math.min(Number((delayNs + NS_PER_MS - 1n) / NS_PER_MS), MAX_TIMER_MS)
    this.cancel = this.ctx.after(ms, () => {
      this.cancel = undefined
      if (this.ctx.clock.nowNs() < tick - EARLY_NS) this.arm(tick)
      else this.fire(tick)
    })
  }

  private fire(tick: bigint): void {
    if (this.stopped) return
    // the next tick: never one already in the past (a paused process skips, as Go's ticker drops ticks)
    const now = this.ctx.clock.nowNs()
    let next = this.plan.schedule.next(tick)
    while (next <= now) next = this.plan.schedule.next(next)
    this.arm(next)
    if (this.running) {
      this.pending = tick
      return
    }
    void this.run(tick)
  }

  private async run(tick: bigint): Promise<void> {
    this.running = true
    try {
      await this.query(tick)
    } catch (err) {
      this.ctx.error(err)
    } finally {
      this.running = false
    }
    const p = this.pending
    this.pending = undefined
    if (p !== undefined && !this.stopped) void this.run(p)
  }

  private async query(tick: bigint): Promise<void> {
    const { start, stop } = queryBounds(tick, this.plan)
    const q = this.plan.render(start, stop)
    const client = clientOf(this.ctx.services.influxdb, this.plan.cluster)
    if (client instanceof Error) {
      this.connectErrors.add()
      this.ctx.logger.error({ err: client.message, cluster: this.plan.cluster, query: q }, 'failed to get InfluxDB client')
      return
    }
    this.ctx.logger.debug({ query: q }, 'starting batch query')
    let series
    try {
      series = await client.query(q, {
        ...(this.plan.prepared.database ? { db: this.plan.prepared.database } : {}),
        ...(this.plan.prepared.retentionPolicy ? { rp: this.plan.prepared.retentionPolicy } : {}),
      })
    } catch (err) {
      this.queryErrors.add()
      this.ctx.logger.error({ err: err instanceof Error ? err.message : String(err), query: q }, 'error executing query')
      return
    }
    if (this.stopped) return
    const batches = seriesToBatches(series, { source: 0, stop, groupedByTime: this.plan.groupedByTime })
    for (const b of batches) {
      this.batchesQueried.add()
      this.pointsQueried.add(b.points.length)
      this.ctx.emit(this.converter.convert(b, this.plan.prepared.database, this.plan.prepared.retentionPolicy))
    }
  }
}

function clientOf(s: InfluxDBService, cluster: string): ReturnType<InfluxDBService['client']> | Error {
  try {
    return s.client(cluster)
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err))
  }
}
