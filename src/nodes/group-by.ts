import { defineNode, flag, lambda, oneOf, prop, star, string, variadic, allArgs, isSet } from './define-node.js'
import { GroupByRuntime } from './group-by-runtime.js'

export const groupByNode = defineNode({
  name: 'groupBy', desc: 'groupby', wants: 'any', provides: 'same',
  doc: 'Re-groups the data by the given tags, or * for all tags.',
  args: [variadic(oneOf(string(), star(), lambda()), 'dimensions')],
  properties: {
    exclude: prop([variadic(string(), 'tags')], { doc: 'Tags to leave out when grouping by *.' }),
    byMeasurement: flag({ doc: 'Include the measurement in the group.' }),
  },
  validate(n, report) {
    const hasStar = n.args.some((a) => a.type === 'star')
    if (hasStar && n.args.length > 1) report('cannot group by both * and named dimensions')
    if (isSet(n, 'exclude') && !hasStar && allArgs(n, 'exclude').length > 0) report('exclude requires grouping by *')
  },
  create: (node, ctx) => new GroupByRuntime(node, ctx),
})
