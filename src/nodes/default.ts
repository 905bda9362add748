import { defineNode, oneOf, param, float, int, string, bool, prop } from './define-node.js'
import { DefaultRuntime } from './default-runtime.js'

export const defaultNode = defineNode({
  name: 'default', wants: 'any', provides: 'same',
  doc: 'Sets fields and tags to default values when they are absent.',
  stats: ['fields_defaulted', 'tags_defaulted'],
  properties: {
    field: prop([param('name', string()), param('value', oneOf(float(), int(), string(), bool()))], { repeat: 'append', doc: 'Default value of a field.' }),
    tag: prop([param('name', string()), param('value', string())], { repeat: 'append', doc: 'Default value of a tag.' }),
  },
  create: (node, ctx) => new DefaultRuntime(node, ctx),
})
