import { defineNode, duration, int, oneOf } from './define-node.js'
import { SampleRuntime } from './sample-runtime.js'

export const sampleNode = defineNode({
  name: 'sample', wants: 'any', provides: 'same',
  doc: 'Keeps every Nth point, or the points on multiples of a duration.',
  args: [oneOf(int(), duration())],
  validate(n, report) {
    const r = n.args[0]
    if ((r?.type === 'int' && r.value <= 0n) || (r?.type === 'duration' && r.ns <= 0n)) report('sample rate must be greater than zero')
  },
  create: (node, ctx) => new SampleRuntime(node, ctx),
})
