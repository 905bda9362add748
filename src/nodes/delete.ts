import { defineNode, prop, string } from './define-node.js'
import { DeleteRuntime } from './delete-runtime.js'

export const deleteNode = defineNode({
  name: 'delete', wants: 'any', provides: 'same',
  doc: 'Removes fields and tags.',
  stats: ['fields_deleted', 'tags_deleted'],
  properties: {
    field: prop(string(), { repeat: 'append', doc: 'A field to remove.' }),
    tag: prop(string(), { repeat: 'append', doc: 'A tag to remove.' }),
  },
  create: (node, ctx) => new DeleteRuntime(node, ctx),
})
