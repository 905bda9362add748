/**
 * flatten(): merges the points of one group and one rounded time (`.tolerance()`) into a
 * single point whose field names are the values of the `.on()` tags joined by the
 * delimiter, then the original field name (left out with `.dropOriginalFieldName()`)
 * (reference §2.3; Kapacitor's flatten.go). Stream: a group's buffer is emitted when a
 * point of another time arrives (the last one is not flushed at stop); batch: each batch's
 * runs of same-time points are flattened within the batch, which keeps its time. The
 * output carries the group tags. A point missing an `on` tag is counted as an error and
 * left out; a flattened point without fields is not emitted.
 */
import type { Group } from '../model/group.js'
import type { FieldValue } from '../model/point.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { propDuration, propFlag, propString, propStrings } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'
import { roundTime } from './from-runtime.js'

interface StreamBuffer {
  time: bigint
  readonly name: string
  readonly group: Group
  points: BatchPoint[]
}

export class FlattenRuntime extends BaseRuntime {
  private readonly on: string[]
  private readonly delimiter: string
  private readonly tolerance: bigint
  private readonly dropName: boolean
  private readonly streams: GroupStates<StreamBuffer | null>

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.on = propStrings(node, 'on')
    this.delimiter = propString(node, 'delimiter')
    this.tolerance = propDuration(node, 'tolerance')
    this.dropName = propFlag(node, 'dropOriginalFieldName')
    this.streams = ctx.groups(() => null)
  }

  protected override point(p: PointMessage): void {
    const t = roundTime(p.time, this.tolerance)
    const buf = this.streams.get(p.group)
    if (buf === null) {
      this.streams.set(p.group, { time: t, name: p.name, group: p.group, points: [p] })
      return
    }
    if (buf.time === t) {
      buf.points.push(p)
      return
    }
    const fields = this.flatten(buf.points, buf.group)
    const time = buf.time
    buf.time = t
    buf.points = [p]
    if (fields !== undefined) {
      this.ctx.emit({ kind: 'point', db: '', rp: '', name: buf.name, tags: buf.group.tags, fields, time, group: buf.group })
    }
  }

  protected override batch(b: BatchMessage): void {
    const out: BatchPoint[] = []
    const tags = b.group.tags
    let run: BatchPoint[] = []
    let runTime: bigint | null = null
    const close = (): void => {
      const fields = runTime === null ? undefined : this.flatten(run, b.group)
      if (fields !== undefined) out.push({ name: b.name, tags, fields, time: runTime! })
    }
    for (const p of b.points) {
      const t = roundTime(p.time, this.tolerance)
      if (t !== runTime) {
        close()
        run = []
        runTime = t
      }
      run.push(p)
    }
    close()
    this.ctx.emit({ ...b, points: out })
  }

  /** The merged fields, or undefined when there are none. */
  private flatten(points: readonly BatchPoint[], group: Group): Record<string, FieldValue> | undefined {
    const fields: Record<string, FieldValue> = {}
    let any = false
    const d = this.delimiter
    points: for (const p of points) {
      let prefix = ''
      for (let i = 0; i < this.on.length; i++) {
        const tag = this.on[i]!
        const v = p.tags[tag]
        if (v === undefined) {
          this.ctx.error(new Error(`point missing tag for flatten operation: tag ${tag} is missing from point`), { group })
          continue points
        }
        prefix += i === 0 ? v : d + v
      }
      const sep = prefix.length > 0 ? d : ''
      for (const f in p.fields) {
        // with dropOriginalFieldName the tag values alone name the field (a point's fields overwrite each other)
        fields[this.dropName ? prefix : prefix + sep + f] = p.fields[f]!
        any = true
      }
    }
    return any ? fields : undefined
  }
}
