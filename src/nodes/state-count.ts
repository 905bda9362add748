import { defineNode, lambda, prop, string } from './define-node.js'
import { StateCountRuntime } from './state-count-runtime.js'

export const stateCountNode = defineNode({
  name: 'stateCount', desc: 'state_count', wants: 'any', provides: 'same',
  doc: 'How many consecutive points the lambda has been true; -1 while false.',
  args: [lambda()],
  properties: {
    as: prop(string(), { default: 'state_count', doc: 'Name of the result field.' }),
  },
  create: (node, ctx) => new StateCountRuntime(node, ctx),
})
