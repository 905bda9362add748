/**
 * shift(d): moves a point's time, a batch's time and every batch point's time by `d`
 * (which may be negative). Barriers pass unchanged, as in Kapacitor's shift.go.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { BaseRuntime, type NodeContext } from '../pipeline/runtime.js'

export class ShiftRuntime extends BaseRuntime {
  private readonly shift: bigint

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    const d = node.args[0]
    this.shift = d?.type === 'duration' ? d.ns : d?.type === 'int' ? d.value : 0n
  }

  protected override point(p: PointMessage): void {
    this.ctx.emit({ ...p, time: p.time + this.shift })
  }

  protected override batch(b: BatchMessage): void {
    const points: BatchPoint[] = new Array<BatchPoint>(b.points.length)
    for (let i = 0; i < b.points.length; i++) {
      const p = b.points[i]!
      points[i] = { name: p.name, tags: p.tags, fields: p.fields, time: p.time + this.shift }
    }
    this.ctx.emit({ ...b, tmax: b.tmax + this.shift, points })
  }
}
