/**
 * changeDetect(fields…): passes a point only when one of the fields differs from the last
 * passed point of its group; the first point always passes (reference §2.3; Kapacitor's
 * change_detect.go). Values of different types differ (1 and 1.0 too). A field missing
 * from a point is an error (counted) and is not compared, so a point missing every field
 * is dropped and leaves the state as it was. On a batch edge the previous point is per
 * batch.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { Group } from '../model/group.js'
import type { Fields } from '../model/point.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { tickString } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'

interface Last {
  /** the fields of the last passed point */
  fields: Fields | null
}

export class ChangeDetectRuntime extends BaseRuntime {
  private readonly fields: string[]
  private readonly last: GroupStates<Last>

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.fields = node.args.map(tickString)
    this.last = ctx.groups(() => ({ fields: null }))
  }

  protected override point(p: PointMessage): void {
    if (this.changed(this.last.get(p.group), p.fields, p.group)) this.ctx.emit(p)
  }

  protected override batch(b: BatchMessage): void {
    this.last.get(b.group)
    const last: Last = { fields: null }
    const points: BatchPoint[] = []
    for (const p of b.points) if (this.changed(last, p.fields, b.group)) points.push(p)
    this.ctx.emit(points.length === b.points.length ? b : { ...b, points })
  }

  /** Tells whether the point passes (and then makes it the last one). */
  private changed(last: Last, fields: Fields, group: Group): boolean {
    const prev = last.fields
    let changed = false
    for (const f of this.fields) {
      const v = fields[f]
      if (v === undefined) {
        this.ctx.error(new Error(`expected field ${f} not found`), { group, field: f })
        continue
      }
      if (prev === null || prev[f] !== v) changed = true
    }
    if (changed) last.fields = fields
    return changed
  }
}
