import { defineNode, lambda, prop, string, variadic, allArgs } from './define-node.js'
import { EvalRuntime } from './eval-runtime.js'

export const evalNode = defineNode({
  name: 'eval', wants: 'any', provides: 'same',
  doc: 'Evaluates lambdas on each point and stores the results as fields (or tags).',
  args: [variadic(lambda(), 'expressions')],
  stats: ['eval_errors'],
  properties: {
    as: prop([variadic(string(), 'names')], { doc: 'Names of the results, one per lambda.' }),
    tags: prop([variadic(string(), 'names')], { doc: 'Results stored as tags instead of fields.' }),
    keep: prop([variadic(string(), 'fields')], { doc: 'Keep existing fields: all of them, or only those listed.' }),
  },
  validate(n, report) {
    // Kapacitor's EvalNode.validate(), same wording
    const as = allArgs(n, 'as').map((a) => (a.type === 'string' ? a.value : ''))
    if (as.length !== n.args.length) return report(`must specify same number of expressions and .as() names: got ${as.length} as names, and ${n.args.length} expressions.`)
    for (const t of allArgs(n, 'tags')) {
      if (t.type === 'string' && !as.includes(t.value)) return report(`invalid tag name ${JSON.stringify(t.value)}, name is not present is .as() names`)
    }
  },
  create: (node, ctx) => new EvalRuntime(node, ctx),
})
