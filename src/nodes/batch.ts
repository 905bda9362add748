import { defineNode } from './define-node.js'

export const batchNode = defineNode({
  name: 'batch', wants: 'none', provides: 'batch',
  doc: 'Root of a batch task: batches produced by its queries.',
  chains: ['query', 'queryFlux'], chainable: false,
  // BatchNode.dot() writes nothing: its links to the queries are not data edges
  dot: false,
})
