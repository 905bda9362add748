import { defineNode, duration, flag, int, prop, durationNs, isSet, lastArg, numberOf } from './define-node.js'

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
    const period = isSet(n, 'period'), periodCount = isSet(n, 'periodCount')
    if (period && periodCount) report('can only use one window type: period or periodCount')
    if (!period && !periodCount) report('must specify either a period or periodCount')
    if (isSet(n, 'every') && isSet(n, 'everyCount')) report('can only use one of every or everyCount')
    if (periodCount && isSet(n, 'align')) report('align cannot be used with count windows')
    if (periodCount && (numberOf(lastArg(n, 'periodCount')) ?? 0) <= 0) report('periodCount must be greater than zero')
    if (isSet(n, 'everyCount') && (numberOf(lastArg(n, 'everyCount')) ?? 0) <= 0) report('everyCount must be greater than zero')
    if (durationNs(lastArg(n, 'period')) < 0n || durationNs(lastArg(n, 'every')) < 0n) report('period and every must not be negative')
  },
})
