/**
 * kapacitorLoopback(): writes each point (each point of a batch) back into the daemon's
 * own stream through `services.loopback`, with the node's database, retention policy,
 * measurement (when set) and static tags (over the point's). Barriers and delete-groups
 * end here. A task whose own dbrps include the node's db/rp would feed itself: it fails
 * to start with Kapacitor's "loop detected on dbrp" error.
 *
 * Kapacitor names a batch's points after the batch even when `.measurement()` is set
 * (its BatchPoint ignores it); here `.measurement()` applies to both, as documented.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { Point, Tags } from '../model/point.js'
import type { BatchMessage, PointMessage } from '../pipeline/messages.js'
import { propCalls, propString, tickString } from '../pipeline/props.js'
import { BaseRuntime, type Counter, type NodeContext } from '../pipeline/runtime.js'
import { TaskStartError } from '../pipeline/task-execution.js'

export class KapacitorLoopbackRuntime extends BaseRuntime {
  private readonly db: string
  private readonly rp: string
  private readonly measurement: string
  private readonly tags: ReadonlyArray<readonly [string, string]>
  private readonly written: Counter
  /** merged tags per source tags object: the parser shares one per series */
  private readonly merged = new WeakMap<Tags, Tags>()

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.db = propString(node, 'database')
    this.rp = propString(node, 'retentionPolicy')
    for (const d of ctx.dbrps) {
      if (d.db === this.db && d.rp === this.rp) throw new TaskStartError(`loop detected on dbrp: ${JSON.stringify(d.db)}.${JSON.stringify(d.rp)}`)
    }
    this.measurement = propString(node, 'measurement')
    this.tags = propCalls(node, 'tag').map(([k, v]) => [tickString(k!), tickString(v!)] as const)
    this.written = ctx.counter('points_written')
  }

  protected override point(p: PointMessage): void {
    this.write([{ db: this.db, rp: this.rp, name: this.measurement || p.name, tags: this.withTags(p.tags), fields: p.fields, time: p.time }])
  }

  protected override batch(b: BatchMessage): void {
    const name = this.measurement || b.name
    const out: Point[] = new Array(b.points.length)
    for (let i = 0; i < b.points.length; i++) {
      const p = b.points[i]!
      out[i] = { db: this.db, rp: this.rp, name, tags: this.withTags(p.tags), fields: p.fields, time: p.time }
    }
    if (out.length > 0) this.write(out)
  }

  protected override barrier(): void {}

  protected override deleteGroup(): void {}

  private write(points: readonly Point[]): void {
    this.ctx.services.loopback(points)
    this.written.add(points.length)
  }

  private withTags(tags: Tags): Tags {
    if (this.tags.length === 0) return tags
    let t = this.merged.get(tags)
    if (t === undefined) {
      const m: Record<string, string> = { ...tags }
      for (const [k, v] of this.tags) m[k] = v
      t = Object.freeze(m)
      this.merged.set(tags, t)
    }
    return t
  }
}
