/**
 * delete(): removes fields and tags (reference §2.3; Kapacitor's delete.go), counted per
 * value removed (from a point, or from a batch's tags) in `fields_deleted` /
 * `tags_deleted`. A deleted tag that is one of the group's dimensions leaves the
 * dimensions, so the point (or batch) moves to the group of the remaining dimensions.
 */
import { GroupCache, dimensions, type Dimensions, type Group } from '../model/group.js'
import type { FieldValue, Fields, Tags } from '../model/point.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { propStrings } from '../pipeline/props.js'
import { BaseRuntime, type Counter, type NodeContext } from '../pipeline/runtime.js'

export class DeleteRuntime extends BaseRuntime {
  private readonly fields: string[]
  private readonly tags: string[]
  private readonly fieldsDeleted: Counter
  private readonly tagsDeleted: Counter
  /** one tags object per series: the remaining tags are computed once per object */
  private readonly tagsCache = new WeakMap<Tags, { tags: Tags; removed: number }>()
  /** the group cache of the dimensions left after deleting, per incoming dimensions */
  private readonly regroupers = new Map<Dimensions, GroupCache | null>()

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.fields = [...new Set(propStrings(node, 'field'))]
    this.tags = [...new Set(propStrings(node, 'tag'))]
    this.fieldsDeleted = ctx.counter('fields_deleted')
    this.tagsDeleted = ctx.counter('tags_deleted')
  }

  protected override point(p: PointMessage): void {
    const fields = this.deleteFields(p.fields)
    const tags = this.deleteTags(p.tags)
    const group = this.regroup(p.group, p.name, tags)
    if (fields === p.fields && tags === p.tags && group === p.group) return this.ctx.emit(p)
    this.ctx.emit({ ...p, fields, tags, group })
  }

  protected override batch(b: BatchMessage): void {
    let changed = false
    const points: BatchPoint[] = []
    for (const p of b.points) {
      const fields = this.deleteFields(p.fields)
      const tags = this.deleteTags(p.tags)
      if (fields === p.fields && tags === p.tags) points.push(p)
      else {
        changed = true
        points.push({ name: p.name, tags, fields, time: p.time })
      }
    }
    // the batch tags are deleted (and counted) too, as Kapacitor does
    const batchTags = this.deleteTags(b.tags)
    const group = this.regroup(b.group, b.name, b.tags)
    if (!changed && group === b.group && batchTags === b.tags) return this.ctx.emit(b)
    this.ctx.emit({ ...b, points, group, tags: batchTags })
  }

  private deleteFields(fields: Fields): Fields {
    let out: Record<string, FieldValue> | undefined
    for (const f of this.fields) {
      if (!Object.hasOwn(fields, f)) continue
      out ??= { ...fields }
      delete out[f]
      this.fieldsDeleted.add()
    }
    return out ?? fields
  }

  private deleteTags(tags: Tags): Tags {
    if (this.tags.length === 0) return tags
    let hit = this.tagsCache.get(tags)
    if (hit === undefined) {
      let out: Record<string, string> | undefined
      let removed = 0
      for (const t of this.tags) {
        if (!Object.hasOwn(tags, t)) continue
        out ??= { ...tags }
        delete out[t]
        removed++
      }
      hit = { tags: out === undefined ? tags : Object.freeze(out), removed }
      this.tagsCache.set(tags, hit)
    }
    if (hit.removed > 0) this.tagsDeleted.add(hit.removed)
    return hit.tags
  }

  /** The group without the deleted dimensions (the same group when none is deleted). */
  private regroup(group: Group, name: string, tags: Tags): Group {
    let cache = this.regroupers.get(group.dims)
    if (cache === undefined) {
      const left = group.dims.tagNames.filter((t) => !this.tags.includes(t))
      cache = left.length === group.dims.tagNames.length ? null : new GroupCache(dimensions(left, group.dims.byName))
      this.regroupers.set(group.dims, cache)
    }
    return cache === null ? group : cache.get(name, tags)
  }
}
