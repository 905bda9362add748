import { defineNode, duration, int, lambda, prop, string, variadic, allArgs, numberOf, lastArg } from './define-node.js'
import { CombineRuntime } from './combine-runtime.js'

export const combineNode = defineNode({
  name: 'combine', wants: 'any', provides: 'stream',
  doc: 'Combines points of the same time with each other, one per lambda; fields and tags are prefixed.',
  args: [variadic(lambda(), 'expressions')],
  properties: {
    as: prop([variadic(string(), 'names')], { doc: 'Prefix for each lambda (required).' }),
    delimiter: prop(string(), { default: '.' }),
    tolerance: prop(duration(), { default: 0n }),
    max: prop(int(), { default: 1_000_000n, doc: 'Maximum number of combinations per time.' }),
  },
  validate(n, report) {
    if (n.args.length < 2) report('must provide at least two expressions')
    if (allArgs(n, 'as').length !== n.args.length) report('must provide one name per expression via the "As" property')
    if ((numberOf(lastArg(n, 'max')) ?? 1) < 0) report('max must be non negative')
  },
  create: (node, ctx) => new CombineRuntime(node, ctx),
})
