import { defineNode } from './define-node.js'

export const streamNode = defineNode({
  name: 'stream', wants: 'none', provides: 'stream',
  doc: 'Root of a stream task: every point routed to the task.',
  chains: ['from'], chainable: false,
})
