/**
 * trickle(): turns each batch into stream points (reference §2.3; Kapacitor's trickle.go):
 * one point per batch point, named after the batch, with the point's own tags, fields and
 * time, the batch's group, and no database or retention policy (as Kapacitor's). Points,
 * barriers and delete-group messages pass through.
 */
import type { BatchMessage, PointMessage } from '../pipeline/messages.js'
import { BaseRuntime } from '../pipeline/runtime.js'

export class TrickleRuntime extends BaseRuntime {
  protected override point(p: PointMessage): void {
    this.ctx.emit(p)
  }

  protected override batch(b: BatchMessage): void {
    for (const p of b.points) {
      this.ctx.emit({ kind: 'point', db: '', rp: '', name: b.name, tags: p.tags, fields: p.fields, time: p.time, group: b.group })
    }
  }
}
