/**
 * derivative(field): (current − previous) / (Δt / unit) as a float, stored in `.as()`
 * (default: the field itself), the point's other fields kept and its time unchanged
 * (reference §2.3; Kapacitor's derivative.go). The previous point is kept per group on a
 * stream and per batch on a batch edge, so the first point of each is dropped. A point
 * whose field is not a number is an error and does not become the previous point; Δt = 0
 * is an error (the point becomes the previous one and is dropped); with `.nonNegative()` a
 * negative result is dropped silently.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { FieldValue } from '../model/point.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { propDuration, propFlag, propString, tickString } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'

interface Previous {
  has: boolean
  value: number
  time: bigint
}

/** What one point gives: the derivative, or nothing (first point, negative, error). */
type Step = { readonly value: number } | { readonly error: Error } | null

export class DerivativeRuntime extends BaseRuntime {
  private readonly field: string
  private readonly as: string
  private readonly unit: number
  private readonly nonNegative: boolean
  private readonly previous: GroupStates<Previous>

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.field = tickString(node.args[0]!)
    this.as = propString(node, 'as') || this.field
    this.unit = Number(propDuration(node, 'unit'))
    this.nonNegative = propFlag(node, 'nonNegative')
    this.previous = ctx.groups(() => ({ has: false, value: 0, time: 0n }))
  }

  protected override point(p: PointMessage): void {
    const step = this.step(this.previous.get(p.group), p.fields[this.field], p.time)
    if (step === null) return
    if ('error' in step) throw step.error
    this.ctx.emit({ ...p, fields: { ...p.fields, [this.as]: step.value } })
  }

  protected override batch(b: BatchMessage): void {
    // the previous point is per batch; the group state only counts the group
    this.previous.get(b.group)
    const prev: Previous = { has: false, value: 0, time: 0n }
    const points: BatchPoint[] = []
    for (const p of b.points) {
      const step = this.step(prev, p.fields[this.field], p.time)
      if (step === null) continue
      if ('error' in step) {
        this.ctx.error(step.error, { group: b.group, field: this.field })
        continue
      }
      points.push({ name: p.name, tags: p.tags, time: p.time, fields: { ...p.fields, [this.as]: step.value } })
    }
    this.ctx.emit({ ...b, points })
  }

  private step(prev: Previous, raw: FieldValue | undefined, time: bigint): Step {
    const value = typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : undefined
    if (value === undefined) {
      return { error: new Error(raw === undefined || raw === null ? `derivative: field ${JSON.stringify(this.field)} is missing` : `cannot apply derivative to type ${typeof raw === 'string' ? 'string' : 'bool'}`) }
    }
    const hadPrevious = prev.has
    const prevValue = prev.value
    const prevTime = prev.time
    prev.has = true
    prev.value = value
    prev.time = time
    if (!hadPrevious) return null
    const elapsed = Number(time - prevTime)
    if (elapsed === 0) return { error: new Error('cannot perform derivative elapsed time was 0') }
    const diff = value - prevValue
    if (this.nonNegative && diff < 0) return null
    return { value: diff / (elapsed / this.unit) }
  }
}
