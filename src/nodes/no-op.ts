import { defineNode } from './define-node.js'
import { PassThroughRuntime } from './pass-through-runtime.js'

export const noOpNode = defineNode({
  name: 'noOp', desc: 'noop', wants: 'any', provides: 'same', internal: true,
  doc: 'Internal: gives a childless node watched by stats somewhere to send its data.',
  create: (_node, ctx) => new PassThroughRuntime(ctx),
})
