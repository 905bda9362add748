/**
 * groupBy(tags… | *): re-groups (reference §2.3, §10.5; Kapacitor's group_by.go).
 * Stream: the point keeps all its tags, only its group (dimensions and id) changes.
 * Batch: the points of incoming batches are re-bucketed into one batch per new group; the
 * buckets are emitted when a batch with a different time (or a barrier with a different
 * time) arrives — Kapacitor's one-batch latency. Each bucket keeps the incoming batch's
 * name and time; its points are sorted by time. Buckets pending at task stop are not
 * emitted (Kapacitor does not flush them either). The measurement is part of the new group
 * with `.byMeasurement()` or when it already was part of the incoming group.
 */
import { groupCacheFor, type Group, type GroupCache, type StarGroupCache } from '../model/group.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BarrierMessage, BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { propFlag, propStrings, tickString } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'

interface Bucket {
  readonly group: Group
  readonly name: string
  readonly tmax: bigint
  readonly db: string | undefined
  readonly rp: string | undefined
  readonly points: BatchPoint[]
}

export class GroupByRuntime extends BaseRuntime {
  /** groups with the measurement: byMeasurement(), or an incoming group that has it (Kapacitor ORs them) */
  private readonly byNameGroups: GroupCache | StarGroupCache
  /** groups without it; undefined with byMeasurement() */
  private readonly plainGroups: GroupCache | StarGroupCache | undefined
  /** pending buckets; counted as the node's working cardinality like Kapacitor's groups map */
  private readonly buckets: GroupStates<Bucket | null>
  private lastTime: bigint | undefined

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    // lambda dimensions are not groupable: Kapacitor only takes tag names and *
    const dims = node.args.filter((a) => a.type === 'string' || a.type === 'star').map(tickString)
    const exclude = propStrings(node, 'exclude')
    this.byNameGroups = groupCacheFor(dims, true, exclude)
    this.plainGroups = propFlag(node, 'byMeasurement') ? undefined : groupCacheFor(dims, false, exclude)
    this.buckets = ctx.groups(() => null)
  }

  private cacheFor(incoming: Group): GroupCache | StarGroupCache {
    return incoming.dims.byName || this.plainGroups === undefined ? this.byNameGroups : this.plainGroups
  }

  protected override point(p: PointMessage): void {
    const group = this.cacheFor(p.group).get(p.name, p.tags)
    this.ctx.emit(group === p.group ? p : { ...p, group })
  }

  protected override batch(b: BatchMessage): void {
    this.flushIfNewTime(b.tmax)
    const groups = this.cacheFor(b.group)
    for (const p of b.points) {
      const group = groups.get(b.name, p.tags)
      let bucket = this.buckets.get(group)
      if (bucket === null) {
        bucket = { group, name: b.name, tmax: b.tmax, db: b.db, rp: b.rp, points: [] }
        this.buckets.set(group, bucket)
      }
      bucket.points.push(p)
    }
  }

  protected override barrier(m: BarrierMessage): void {
    this.flushIfNewTime(m.time)
    this.ctx.emit(m)
  }

  private flushIfNewTime(t: bigint): void {
    if (t === this.lastTime) return
    this.lastTime = t
    if (this.buckets.size === 0) return
    const pending: Bucket[] = []
    for (const [, bucket] of this.buckets.entries()) if (bucket !== null) pending.push(bucket)
    for (const bucket of pending) this.buckets.delete(bucket.group)
    for (const bk of pending) {
      // points of several source batches were appended in arrival order
      const points = isSorted(bk.points) ? bk.points : bk.points.slice().sort((a, c) => (a.time < c.time ? -1 : a.time > c.time ? 1 : 0))
      this.ctx.emit({
        kind: 'batch', name: bk.name, tmax: bk.tmax, group: bk.group, tags: bk.group.tags, points,
        ...(bk.db !== undefined ? { db: bk.db } : {}), ...(bk.rp !== undefined ? { rp: bk.rp } : {}),
      })
    }
  }
}

function isSorted(points: readonly BatchPoint[]): boolean {
  for (let i = 1; i < points.length; i++) if (points[i]!.time < points[i - 1]!.time) return false
  return true
}
