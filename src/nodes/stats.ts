import { defineNode, duration, flag } from './define-node.js'
import { StatsRuntime } from './stats-runtime.js'

export const statsNode = defineNode({
  name: 'stats', wants: 'any', provides: 'stream',
  doc: 'Every interval (wall clock), emits the watched node\'s per-group `emitted` count as a point named stats.',
  args: [duration()],
  properties: {
    align: flag({ doc: 'Round the stats time to the interval.' }),
  },
  validate(n, report) {
    const d = n.args[0]
    if (d?.type === 'duration' && d.ns <= 0n) report('stats interval must be greater than zero')
  },
  create: (node, ctx) => new StatsRuntime(node, ctx),
})
