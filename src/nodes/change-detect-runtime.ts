/**
 * changeDetect(fields…): passes a point only when one of the fields differs from the last
 * passed point of its group; the first point always passes (reference §2.3; Kapacitor's
 * change_detect.go). Values of different types differ (1 and 1.0 too). A point missing one
 * of the fields is an error and leaves the state as it was. On a batch edge the previous
 * point is per batch.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { FieldValue, Fields } from '../model/point.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { tickString } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'

interface Last {
  values: FieldValue[] | null
}

export class ChangeDetectRuntime extends BaseRuntime {
  private readonly fields: string[]
  private readonly last: GroupStates<Last>

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.fields = node.args.map(tickString)
    this.last = ctx.groups(() => ({ values: null }))
  }

  protected override point(p: PointMessage): void {
    if (this.changed(this.last.get(p.group), p.fields)) this.ctx.emit(p)
  }

  protected override batch(b: BatchMessage): void {
    this.last.get(b.group)
    const last: Last = { values: null }
    const points: BatchPoint[] = []
    for (const p of b.points) {
      try {
        if (this.changed(last, p.fields)) points.push(p)
      } catch (err) {
        this.ctx.error(err, { group: b.group })
      }
    }
    this.ctx.emit(points.length === b.points.length ? b : { ...b, points })
  }

  /** Updates `last` and tells whether the point passes; throws when a field is missing. */
  private changed(last: Last, fields: Fields): boolean {
    const names = this.fields
    for (const f of names) {
      if (fields[f] === undefined) throw new Error(`field ${JSON.stringify(f)} missing from point, cannot detect change`)
    }
    const prev = last.values
    let changed = prev === null
    if (prev !== null) {
      for (let i = 0; i < names.length; i++) {
        if (prev[i] !== fields[names[i]!]) {
          changed = true
          break
        }
      }
    }
    if (changed) last.values = names.map((f) => fields[f]!)
    return changed
  }
}
