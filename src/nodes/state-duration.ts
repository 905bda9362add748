import { defineNode, duration, lambda, prop, string, NS } from './define-node.js'
import { StateDurationRuntime } from './state-duration-runtime.js'

export const stateDurationNode = defineNode({
  name: 'stateDuration', desc: 'state_duration', wants: 'any', provides: 'same',
  doc: 'How long the lambda has been true (in units); -1 while false.',
  args: [lambda()],
  properties: {
    unit: prop(duration(), { default: NS.s, doc: 'Time unit of the duration.' }),
    as: prop(string(), { default: 'state_duration', doc: 'Name of the result field.' }),
  },
  create: (node, ctx) => new StateDurationRuntime(node, ctx),
})
