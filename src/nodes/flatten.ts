import { defineNode, bool, duration, optionalProp, prop, string, variadic } from './define-node.js'
import { FlattenRuntime } from './flatten-runtime.js'

export const flattenNode = defineNode({
  name: 'flatten', wants: 'any', provides: 'same',
  doc: 'Flattens points of the same time into one point, fields named by their tag values.',
  properties: {
    on: prop([variadic(string(), 'dimensions')], { doc: 'Tags whose values name the flattened fields.' }),
    delimiter: prop(string(), { default: '.' }),
    tolerance: prop(duration(), { default: 0n }),
    dropOriginalFieldName: optionalProp(bool(), { default: false, doc: 'Leave the original field name out of the new names.' }),
  },
  create: (node, ctx) => new FlattenRuntime(node, ctx),
})
