import { defineNode } from './define-node.js'
import { TrickleRuntime } from './trickle-runtime.js'

export const trickleNode = defineNode({
  name: 'trickle', wants: 'batch', provides: 'stream',
  doc: 'Turns batches into a stream of their points.',
  create: (_node, ctx) => new TrickleRuntime(ctx),
})
