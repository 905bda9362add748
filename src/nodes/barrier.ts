import { defineNode, bool, duration, prop, isSet, durationNs, lastArg } from './define-node.js'

export const barrierNode = defineNode({
  name: 'barrier', wants: 'any', provides: 'same',
  doc: 'Emits barriers on idle time or periodically (wall clock) so windows and joins can flush.',
  properties: {
    idle: prop(duration(), { default: 0n, doc: 'Emit a barrier after this long without data.' }),
    period: prop(duration(), { default: 0n, doc: 'Emit a barrier this often.' }),
    delete: prop(bool(), { default: false, doc: 'Delete the group after the barrier.' }),
  },
  validate(n, report) {
    const idle = isSet(n, 'idle'), period = isSet(n, 'period')
    if (idle && period) report('cannot specify both idle and period')
    if (!idle && !period) report('must specify either idle or period')
    if (idle && durationNs(lastArg(n, 'idle')) <= 0n) report('idle must be greater than zero')
    if (period && durationNs(lastArg(n, 'period')) <= 0n) report('period must be greater than zero')
  },
})
