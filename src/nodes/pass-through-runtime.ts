/** A runtime that forwards every message unchanged: the `stream` root (fed through its children's inputs) and `noOp`. */
import type { Message } from '../pipeline/messages.js'
import type { NodeContext, NodeRuntime } from '../pipeline/runtime.js'

export class PassThroughRuntime implements NodeRuntime {
  constructor(private readonly ctx: NodeContext) {}
  receive(msg: Message): void {
    this.ctx.emit(msg)
  }
}
