import { defineNode, lambda } from './define-node.js'
import { WhereRuntime } from './where-runtime.js'

export const whereNode = defineNode({
  name: 'where', wants: 'any', provides: 'same',
  doc: 'Keeps only the points for which the lambda is true.',
  args: [lambda()],
  create: (node, ctx) => new WhereRuntime(node, ctx),
})
