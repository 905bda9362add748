import { defineNode, param, prop, string, isSet } from './define-node.js'
import { KapacitorLoopbackRuntime } from './kapacitor-loopback-runtime.js'

export const kapacitorLoopbackNode = defineNode({
  name: 'kapacitorLoopback', desc: 'kapacitor_loopback', wants: 'any', provides: 'none',
  doc: 'Writes the data back into Kapacitor\'s own stream.',
  stats: ['points_written'],
  properties: {
    database: prop(string(), { doc: 'Required.' }),
    retentionPolicy: prop(string(), { doc: 'Required.' }),
    measurement: prop(string(), { default: '' }),
    tag: prop([param('key', string()), param('value', string())], { repeat: 'append' }),
  },
  validate(n, report) {
    if (!isSet(n, 'database')) report('must specify a database')
    if (!isSet(n, 'retentionPolicy')) report('must specify a retention policy')
  },
  create: (node, ctx) => new KapacitorLoopbackRuntime(node, ctx),
})
