/**
 * trickle(): turns each batch into stream points (reference §2.3; Kapacitor's trickle.go):
 * one point per batch point, named after the batch, with the point's own tags, fields and
 * time, and the batch's group.
 */
import type { BatchMessage } from '../pipeline/messages.js'
import { BaseRuntime } from '../pipeline/runtime.js'

export class TrickleRuntime extends BaseRuntime {
  protected override batch(b: BatchMessage): void {
    const db = b.db ?? ''
    const rp = b.rp ?? ''
    for (const p of b.points) {
      this.ctx.emit({ kind: 'point', db, rp, name: b.name, tags: p.tags, fields: p.fields, time: p.time, group: b.group })
    }
  }
}
