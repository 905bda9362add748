import { defineNode } from './define-node.js'
import { PassThroughRuntime } from './pass-through-runtime.js'

export const streamNode = defineNode({
  name: 'stream', wants: 'none', provides: 'stream',
  doc: 'Root of a stream task: every point routed to the task.',
  chains: ['from'], chainable: false,
  create: (_node, ctx) => new PassThroughRuntime(ctx),
})
