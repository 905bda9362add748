/**
 * where(lambda): drops the points for which the lambda is false or fails (a failure is
 * also counted as a node error). A batch always passes, with only its matching points
 * (possibly none). Stateful functions in the lambda keep their state per group.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { CompiledLambda } from '../interp/lambda/compile.js'
import type { LambdaState } from '../interp/lambda/state.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { lambdaOf } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'

export class WhereRuntime extends BaseRuntime {
  private readonly lambda: CompiledLambda
  private readonly states: GroupStates<LambdaState>

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.lambda = lambdaOf(node.args[0])!
    this.states = ctx.groups(() => this.lambda.newState({ clock: ctx.clock }))
  }

  protected override point(p: PointMessage): void {
    if (this.lambda.evalBool(p, this.states.get(p.group))) this.ctx.emit(p)
  }

  protected override batch(b: BatchMessage): void {
    const state = this.states.get(b.group)
    const kept: BatchPoint[] = []
    for (const p of b.points) {
      try {
        if (this.lambda.evalBool(p, state)) kept.push(p)
      } catch (err) {
        this.ctx.error(err, { group: b.group })
      }
    }
    this.ctx.emit(kept.length === b.points.length ? b : { ...b, points: kept })
  }
}
