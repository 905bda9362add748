import { defineNode, lambda, prop, string, variadic, allArgs, isSet } from './define-node.js'

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
    const as = allArgs(n, 'as')
    if (as.length !== n.args.length) report(`must provide one name per expression via the 'As' property, got ${as.length} names and ${n.args.length} expressions`)
    if (isSet(n, 'tags')) {
      const names = new Set(as.map((a) => (a.type === 'string' ? a.value : '')))
      for (const t of allArgs(n, 'tags')) {
        if (t.type === 'string' && !names.has(t.value)) report(`cannot convert field "${t.value}" to tag, field is not in the as list`)
      }
    }
  },
})
