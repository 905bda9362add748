import { defineNode } from './define-node.js'

export const trickleNode = defineNode({
  name: 'trickle', wants: 'batch', provides: 'stream',
  doc: 'Turns batches into a stream of their points.',
})
