/**
 * stateCount(lambda): −1 (int) while the lambda is false, else the number of consecutive
 * points (int) for which it has been true; see StateTrackingRuntime.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { FieldValue } from '../model/point.js'
import type { NodeContext } from '../pipeline/runtime.js'
import { StateTrackingRuntime, type Tracker } from './state-duration-runtime.js'

export class StateCountRuntime extends StateTrackingRuntime {
  protected readonly falseValue: FieldValue = -1n

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(node, ctx, 'state_count')
  }

  protected value(t: Tracker): FieldValue {
    return t.count
  }
}
