import { defineNode, bool, duration, enumOf, node, prop, string, variadic, allArgs, stringOf, lastArg } from './define-node.js'
import { JoinRuntime } from './join-runtime.js'

export const joinNode = defineNode({
  name: 'join', wants: 'any', provides: 'same',
  doc: 'Joins this node with others on group and (tolerance-rounded) time; fields are prefixed with the as names.',
  args: [variadic(node(), 'others')],
  properties: {
    as: prop([variadic(string(), 'names')], { doc: 'Prefix for each parent, this node first (required).' }),
    on: prop([variadic(string(), 'dimensions')], { doc: 'Join on a subset of the group dimensions.' }),
    delimiter: prop(string(), { default: '.', doc: 'Between the prefix and the field name.' }),
    tolerance: prop(duration(), { default: 0n, doc: 'Points within this duration are joined.' }),
    fill: prop(enumOf(['none', 'null'], { orNumber: true }), { default: 'none', doc: 'Missing values: none (inner join), null, or a number.' }),
    streamName: prop(string(), { doc: 'Name of the joined data (default: the first parent\'s name).' }),
    deleteAll: prop(bool(), { default: false, doc: 'A delete-group from one parent deletes the group in all.' }),
  },
  validate(n, report) {
    // Kapacitor's JoinNode.validate(), same wording
    const parents = n.args.length + 1
    const as = allArgs(n, 'as').map((a) => stringOf(a) ?? '')
    if (as.length === 0) return report('a call to join.as() is required to specify the output stream prefixes.')
    if (as.length !== parents) report('number of prefixes specified by join.as() must match the number of joined streams')
    const delim = stringOf(lastArg(n, 'delimiter')) ?? '.'
    const seen = new Set<string>()
    for (const p of as) {
      if (p.length === 0) report('must provide a prefix name for the join node, see .as() property method')
      else if (delim !== '' && p.includes(delim)) report(`cannot use name ${p} as field prefix, it contains the delimiter ${JSON.stringify(delim)}`)
      else if (seen.has(p)) report('cannot use the same prefix name see .as() property method')
      seen.add(p)
    }
  },
  create: (node, ctx) => new JoinRuntime(node, ctx),
})
