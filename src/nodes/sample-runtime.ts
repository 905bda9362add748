/**
 * sample(n | d): keeps a subset of the points (reference §2.3; Kapacitor's sample.go).
 * With an int n, a per-group counter keeps the 1st, (n+1)th … point; on a batch edge the
 * counter starts again with every batch. With a duration d, a point is kept when its time
 * is exactly on a multiple of d (the batch itself always passes, with the kept points).
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'
import { truncateTime } from './from-runtime.js'

export class SampleRuntime extends BaseRuntime {
  private readonly n: bigint
  private readonly every: bigint
  private readonly counts: GroupStates<{ count: bigint }>

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    const rate = node.args[0]
    this.n = rate?.type === 'int' ? rate.value : 0n
    this.every = rate?.type === 'duration' ? rate.ns : 0n
    this.counts = ctx.groups(() => ({ count: 0n }))
  }

  protected override point(p: PointMessage): void {
    if (this.every > 0n) {
      if (truncateTime(p.time, this.every) === p.time) this.ctx.emit(p)
      return
    }
    const c = this.counts.get(p.group)
    const keep = c.count % this.n === 0n
    c.count++
    if (keep) this.ctx.emit(p)
  }

  protected override batch(b: BatchMessage): void {
    this.counts.get(b.group)
    const points: BatchPoint[] = []
    for (let i = 0; i < b.points.length; i++) {
      const p = b.points[i]!
      if (this.every > 0n ? truncateTime(p.time, this.every) === p.time : BigInt(i) % this.n === 0n) points.push(p)
    }
    this.ctx.emit(points.length === b.points.length ? b : { ...b, points })
  }
}
