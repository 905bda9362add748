import { defineNode, duration, flag, prop, string, NS, durationNs, lastArg, isSet } from './define-node.js'
import { DerivativeRuntime } from './derivative-runtime.js'

export const derivativeNode = defineNode({
  name: 'derivative', wants: 'any', provides: 'same',
  doc: 'Rate of change of a field between consecutive points, per unit of time.',
  args: [string()],
  properties: {
    unit: prop(duration(), { default: NS.s, doc: 'Time unit of the rate.' }),
    nonNegative: flag({ doc: 'Drop negative results.' }),
    as: prop(string(), { doc: 'Name of the result field (default: the field).' }),
  },
  validate(n, report) {
    if (isSet(n, 'unit') && durationNs(lastArg(n, 'unit')) <= 0n) report('derivative unit must be greater than zero')
  },
  create: (node, ctx) => new DerivativeRuntime(node, ctx),
})
