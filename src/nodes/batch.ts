import { defineNode } from './define-node.js'

export const batchNode = defineNode({
  name: 'batch', wants: 'none', provides: 'batch',
  doc: 'Root of a batch task: batches produced by its queries.',
  chains: ['query', 'queryFlux'], chainable: false,
  // BatchNode.dot() writes nothing: its links to the queries are not data edges
  dot: false,
  // the root only links the query nodes; they produce the batches (src/nodes/query-runtime.ts)
  create: () => ({ receive() { throw new Error('the batch root takes no messages') } }),
})
