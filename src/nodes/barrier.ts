import { defineNode, bool, duration, prop, durationNs, lastArg } from './define-node.js'
import { BarrierRuntime } from './barrier-runtime.js'

export const barrierNode = defineNode({
  name: 'barrier', wants: 'any', provides: 'same',
  doc: 'Emits barriers on idle time or periodically (wall clock) so windows and joins can flush.',
  properties: {
    idle: prop(duration(), { default: 0n, doc: 'Emit a barrier after this long without data.' }),
    period: prop(duration(), { default: 0n, doc: 'Emit a barrier this often.' }),
    delete: prop(bool(), { default: false, doc: 'Delete the group after the barrier.' }),
  },
  validate(n, report) {
    // Kapacitor's BarrierNode.validate(), same order and wording
    const idle = durationNs(lastArg(n, 'idle')), period = durationNs(lastArg(n, 'period'))
    if (idle !== 0n && period !== 0n) report('cannot specify both idle and period')
    else if (period === 0n && idle <= 0n) report('idle must be greater than zero')
    else if (period <= 0n && idle === 0n) report('period must be greater than zero')
  },
  create: (node, ctx) => new BarrierRuntime(node, ctx),
})
