import { defineNode, duration, flag, lambda, oneOf, prop, star, string, variadic, durationNs, lastArg } from './define-node.js'
import { FromRuntime } from './from-runtime.js'

export const fromNode = defineNode({
  name: 'from', wants: 'stream', provides: 'stream',
  doc: 'Selects the points of a stream by database, retention policy, measurement and a where condition; sets the group.',
  onlyAfter: ['stream', 'from'], chains: ['from'],
  properties: {
    database: prop(string(), { default: '', doc: 'Only points of this database (empty = any).' }),
    retentionPolicy: prop(string(), { default: '', doc: 'Only points of this retention policy (empty = any).' }),
    measurement: prop(string(), { default: '', doc: 'Only points of this measurement (empty = any).' }),
    where: prop(lambda(), { repeat: 'append', doc: 'Filter condition; several calls are ANDed.' }),
    groupBy: prop([variadic(oneOf(string(), star()), 'tags')], { doc: 'Group by these tags, or * for all.' }),
    groupByMeasurement: flag({ doc: 'Include the measurement in the group.' }),
    truncate: prop(duration(), { default: 0n, doc: 'Truncate point times to this precision.' }),
    round: prop(duration(), { default: 0n, doc: 'Round point times to this precision.' }),
  },
  validate(n, report) {
    if (durationNs(lastArg(n, 'truncate')) < 0n) report('must not use a negative truncate duration')
    if (durationNs(lastArg(n, 'round')) < 0n) report('must not use a negative round duration')
  },
  create: (node, ctx) => new FromRuntime(node, ctx),
})
