/**
 * default(): sets fields and tags that a point lacks (reference §2.3; Kapacitor's
 * default.go). A field is absent when the point has no such field or a null one (a join's
 * fill('null')); a tag when it is missing or empty (so `.tag('host', '')` followed by
 * another default() still applies the second). Counted per value set: `fields_defaulted`,
 * `tags_defaulted`.
 * On a batch the batch (group) tags are defaulted as well, and the batch's dimensions are
 * re-derived from its tags (Kapacitor's SetTags on a begin-batch); a defaulted tag of a
 * point that is a group dimension re-derives the point's group id.
 */
import { dimensions, makeGroup } from '../model/group.js'
import type { FieldValue, Fields, Tags } from '../model/point.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { fieldValueOf, propCalls, tickString } from '../pipeline/props.js'
import { BaseRuntime, type Counter, type NodeContext } from '../pipeline/runtime.js'
import { regroup } from './eval-runtime.js'

export class DefaultRuntime extends BaseRuntime {
  private readonly fieldNames: string[] = []
  private readonly fieldValues: FieldValue[] = []
  private readonly tagNames: string[] = []
  private readonly tagValues: string[] = []
  private readonly fieldsDefaulted: Counter
  private readonly tagsDefaulted: Counter
  /** the parser shares one tags object per series: the defaulted tags are computed once per object */
  private readonly tagsCache = new WeakMap<Tags, { tags: Tags; set: number }>()

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    for (const [name, value] of propCalls(node, 'field')) {
      const v = value === undefined ? undefined : fieldValueOf(value)
      if (name === undefined || v === undefined) continue
      // a later .field() of the same name replaces the earlier value (Kapacitor's map)
      const at = this.fieldNames.indexOf(tickString(name))
      if (at >= 0) this.fieldValues[at] = v
      else {
        this.fieldNames.push(tickString(name))
        this.fieldValues.push(v)
      }
    }
    for (const [name, value] of propCalls(node, 'tag')) {
      if (name === undefined || value === undefined) continue
      const at = this.tagNames.indexOf(tickString(name))
      if (at >= 0) this.tagValues[at] = tickString(value)
      else {
        this.tagNames.push(tickString(name))
        this.tagValues.push(tickString(value))
      }
    }
    this.fieldsDefaulted = ctx.counter('fields_defaulted')
    this.tagsDefaulted = ctx.counter('tags_defaulted')
  }

  protected override point(p: PointMessage): void {
    const fields = this.defaultFields(p.fields)
    const tags = this.defaultTags(p.tags)
    if (fields === p.fields && tags === p.tags) return this.ctx.emit(p)
    this.ctx.emit({ ...p, fields, tags, group: tags === p.tags ? p.group : regroup(p.group, p.name, tags) })
  }

  protected override batch(b: BatchMessage): void {
    const points: BatchPoint[] = []
    let changed = false
    for (const p of b.points) {
      const fields = this.defaultFields(p.fields)
      const tags = this.defaultTags(p.tags)
      if (fields === p.fields && tags === p.tags) points.push(p)
      else {
        changed = true
        points.push({ name: p.name, tags, fields, time: p.time })
      }
    }
    const batchTags = this.defaultTags(b.tags)
    if (batchTags !== b.tags) {
      const group = makeGroup(b.name, batchTags, dimensions(Object.keys(batchTags), b.group.dims.byName))
      return this.ctx.emit({ ...b, tags: batchTags, group, points })
    }
    this.ctx.emit(changed ? { ...b, points } : b)
  }

  private defaultFields(fields: Fields): Fields {
    let out: Record<string, FieldValue> | undefined
    const names = this.fieldNames
    for (let i = 0; i < names.length; i++) {
      // a null (a join's fill('null')) is Kapacitor's nil: absent too
      const v = fields[names[i]!] as FieldValue | null | undefined
      if (v !== undefined && v !== null) continue
      out ??= { ...fields }
      out[names[i]!] = this.fieldValues[i]!
      this.fieldsDefaulted.add()
    }
    return out ?? fields
  }

  private defaultTags(tags: Tags): Tags {
    if (this.tagNames.length === 0) return tags
    let hit = this.tagsCache.get(tags)
    if (hit === undefined) {
      let out: Record<string, string> | undefined
      let set = 0
      const names = this.tagNames
      for (let i = 0; i < names.length; i++) {
        const v = tags[names[i]!]
        if (v !== undefined && v !== '') continue
        out ??= { ...tags }
        out[names[i]!] = this.tagValues[i]!
        set++
      }
      hit = { tags: out === undefined ? tags : Object.freeze(out), set }
      this.tagsCache.set(tags, hit)
    }
    if (hit.set > 0) this.tagsDefaulted.add(hit.set)
    return hit.tags
  }
}
