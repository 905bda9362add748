import { defineNode, node, prop, string, variadic } from './define-node.js'
import { UnionRuntime } from './union-runtime.js'

export const unionNode = defineNode({
  name: 'union', wants: 'any', provides: 'same',
  doc: 'Merges this node with others in time order.',
  args: [variadic(node(), 'others')],
  properties: {
    rename: prop(string(), { default: '', doc: 'New name of the merged data.' }),
  },
  create: (node, ctx) => new UnionRuntime(node, ctx),
})
