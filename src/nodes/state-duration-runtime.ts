/**
 * stateDuration(lambda) and the shared state tracking of stateCount (reference §2.3;
 * Kapacitor's state_tracking.go). Per group, the lambda is evaluated on every point and
 * the tracker's value is stored in the `.as()` field: stateDuration gives −1 while the
 * lambda is false, else the time since the state began in `.unit()`s (a float, 0 on the
 * first true point); stateCount gives −1 while false, else the count of consecutive true
 * points (an int). A lambda error drops the point (counted) and leaves the state as it
 * was. On a batch edge the state starts again with every batch.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { CompiledLambda } from '../interp/lambda/compile.js'
import type { LambdaState } from '../interp/lambda/state.js'
import type { FieldValue } from '../model/point.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { lambdaOf, propDuration, propString } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'

/** One group's (or batch's) state: whether it is in the state, since when, how many points. */
export interface Tracker {
  inState: boolean
  since: bigint
  count: bigint
}

export abstract class StateTrackingRuntime extends BaseRuntime {
  private readonly lambda: CompiledLambda
  private readonly as: string
  private readonly groups: GroupStates<{ lambda: LambdaState; tracker: Tracker }>

  constructor(node: PipelineNode, ctx: NodeContext, defaultAs: string) {
    super(ctx)
    this.lambda = lambdaOf(node.args[0])!
    this.as = propString(node, 'as') || defaultAs
    this.groups = ctx.groups(() => ({ lambda: this.lambda.newState({ clock: ctx.clock }), tracker: newTracker() }))
  }

  /** The field value while the lambda is false. */
  protected abstract readonly falseValue: FieldValue

  /** The field value for a true point at `time`, the tracker already updated. */
  protected abstract value(tracker: Tracker, time: bigint): FieldValue

  protected override point(p: PointMessage): void {
    const g = this.groups.get(p.group)
    const v = this.track(g.tracker, this.lambda.evalBool(p, g.lambda), p.time)
    this.ctx.emit({ ...p, fields: { ...p.fields, [this.as]: v } })
  }

  protected override batch(b: BatchMessage): void {
    const g = this.groups.get(b.group)
    const tracker = newTracker()
    const points: BatchPoint[] = []
    for (const p of b.points) {
      let pass: boolean
      try {
        pass = this.lambda.evalBool(p, g.lambda)
      } catch (err) {
        this.ctx.error(err, { group: b.group })
        continue
      }
      points.push({ name: p.name, tags: p.tags, time: p.time, fields: { ...p.fields, [this.as]: this.track(tracker, pass, p.time) } })
    }
    this.ctx.emit({ ...b, points })
  }

  private track(t: Tracker, pass: boolean, time: bigint): FieldValue {
    if (!pass) {
      t.inState = false
      t.count = 0n
      return this.falseValue
    }
    if (!t.inState) {
      t.inState = true
      t.since = time
    }
    t.count++
    return this.value(t, time)
  }
}

function newTracker(): Tracker {
  return { inState: false, since: 0n, count: 0n }
}

export class StateDurationRuntime extends StateTrackingRuntime {
  private readonly unit: number
  protected readonly falseValue: FieldValue = -1

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(node, ctx, 'state_duration')
    this.unit = Number(propDuration(node, 'unit'))
  }

  protected value(t: Tracker, time: bigint): FieldValue {
    return Number(time - t.since) / this.unit
  }
}
