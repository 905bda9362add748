import { defineNode, prop, string } from './define-node.js'

export const deleteNode = defineNode({
  name: 'delete', wants: 'any', provides: 'same',
  doc: 'Removes fields and tags.',
  stats: ['fields_deleted', 'tags_deleted'],
  properties: {
    field: prop(string(), { repeat: 'append', doc: 'A field to remove.' }),
    tag: prop(string(), { repeat: 'append', doc: 'A tag to remove.' }),
  },
})
