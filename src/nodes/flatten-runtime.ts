/**
 * flatten(): merges the points of one group and one rounded time (`.tolerance()`) into a
 * single point whose field names are the values of the `.on()` tags joined by the
 * delimiter, then the original field name (left out with `.dropOriginalFieldName()`)
 * (reference §2.3; Kapacitor's flatten.go). Stream: a group's buffer is emitted when a
 * point of another time arrives; batch: a batch's points are flattened per rounded time
 * and emitted as one batch when a batch of another time arrives. The output carries the
 * group tags. A point missing an `on` tag is counted as an error and left out.
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

interface BatchBuffer {
  time: bigint
  readonly name: string
  readonly group: Group
  readonly byTime: Map<bigint, BatchPoint[]>
}

export class FlattenRuntime extends BaseRuntime {
  private readonly on: string[]
  private readonly delimiter: string
  private readonly tolerance: bigint
  private readonly dropName: boolean
  private readonly streams: GroupStates<StreamBuffer | null>
  private readonly batches: GroupStates<BatchBuffer | null>

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.on = propStrings(node, 'on')
    this.delimiter = propString(node, 'delimiter')
    this.tolerance = propDuration(node, 'tolerance')
    this.dropName = propFlag(node, 'dropOriginalFieldName')
    this.streams = ctx.groups(() => null)
    this.batches = ctx.groups(() => null)
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
    this.ctx.emit({ kind: 'point', db: p.db, rp: p.rp, name: buf.name, tags: buf.group.tags, fields, time: buf.time, group: buf.group })
    buf.time = t
    buf.points = [p]
  }

  protected override batch(b: BatchMessage): void {
    const t = roundTime(b.tmax, this.tolerance)
    let buf = this.batches.get(b.group)
    if (buf === null) {
      buf = { time: t, name: b.name, group: b.group, byTime: new Map() }
      this.batches.set(b.group, buf)
    }
    if (buf.time !== t) {
      const times = [...buf.byTime.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
      const points: BatchPoint[] = []
      for (const time of times) {
        points.push({ name: buf.name, tags: buf.group.tags, fields: this.flatten(buf.byTime.get(time)!, buf.group), time })
      }
      buf.byTime.clear()
      this.ctx.emit({ kind: 'batch', name: buf.name, tmax: buf.time, group: buf.group, tags: buf.group.tags, points })
      buf.time = t
    }
    for (const p of b.points) {
      const pt = roundTime(p.time, this.tolerance)
      const list = buf.byTime.get(pt)
      if (list === undefined) buf.byTime.set(pt, [p])
      else list.push(p)
    }
  }

  private flatten(points: readonly BatchPoint[], group: Group): Record<string, FieldValue> {
    const fields: Record<string, FieldValue> = {}
    const d = this.delimiter
    points: for (const p of points) {
      let prefix = ''
      for (const tag of this.on) {
        const v = p.tags[tag]
        if (v === undefined) {
          this.ctx.error(new Error(`point missing tag "${tag}" for flatten operation`), { group })
          continue points
        }
        prefix += v + d
      }
      if (this.dropName) {
        // the tag values alone name the field (several fields of a point overwrite each other)
        const name = prefix.length >= d.length ? prefix.slice(0, prefix.length - d.length) : prefix
        for (const f in p.fields) fields[name] = p.fields[f]!
      } else {
        for (const f in p.fields) fields[prefix + f] = p.fields[f]!
      }
    }
    return fields
  }
}
