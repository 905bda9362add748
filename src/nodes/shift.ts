import { defineNode, duration } from './define-node.js'
import { ShiftRuntime } from './shift-runtime.js'

export const shiftNode = defineNode({
  name: 'shift', wants: 'any', provides: 'same',
  doc: 'Shifts point and batch times by a duration (may be negative).',
  args: [duration()],
  validate(n, report) {
    const d = n.args[0]
    if (d?.type === 'duration' && d.ns === 0n) report('invalid shift value: must be non zero duration')
  },
  create: (node, ctx) => new ShiftRuntime(node, ctx),
})
