import { defineNode, duration, flag, int, prop, durationNs, isSet, lastArg, numberOf } from './define-node.js'
import { WindowRuntime } from './window-runtime.js'

export const windowNode = defineNode({
  name: 'window', wants: 'stream', provides: 'batch',
  doc: 'Buffers points into time (or count) windows and emits them as batches.',
  properties: {
    period: prop(duration(), { default: 0n, doc: 'Length of each window.' }),
    every: prop(duration(), { default: 0n, doc: 'How often a window is emitted (0 = on every point).' }),
    align: flag({ doc: 'Align window boundaries to multiples of every.' }),
    fillPeriod: flag({ doc: 'Wait for a full period before the first window.' }),
    periodCount: prop(int(), { default: 0n, doc: 'Length of each window in points.' }),
    everyCount: prop(int(), { default: 0n, doc: 'Emit every N points.' }),
  },
  validate(n, report) {
    // Kapacitor's WindowNode.validate(), same order and wording
    const periodCount = numberOf(lastArg(n, 'periodCount')) ?? 0
    if (periodCount !== 0 && durationNs(lastArg(n, 'period')) !== 0n) report('cannot specify both period and periodCount')
    if (periodCount !== 0 && isSet(n, 'align')) report('can only align windows based off time, not count')
    if (periodCount !== 0 && (numberOf(lastArg(n, 'everyCount')) ?? 0) <= 0) report('everyCount must be greater than zero')
  },
  create: (node, ctx) => new WindowRuntime(node, ctx),
})
