import { defineNode, bool, float, int, oneOf, param, prop, string, variadic, isSet } from './define-node.js'
import { SideloadRuntime } from './sideload-runtime.js'

export const sideloadNode = defineNode({
  name: 'sideload', wants: 'any', provides: 'same',
  doc: 'Adds fields and tags looked up in hierarchical files chosen by the point\'s tags.',
  properties: {
    source: prop(string(), { doc: 'file:// directory, URL or httppost endpoint.' }),
    httpUser: prop(string(), { default: '', doc: 'Basic-auth user for an HTTP source.' }),
    httpPassword: prop(string(), { default: '', doc: 'Basic-auth password for an HTTP source.' }),
    order: prop([variadic(string(), 'templates')], { doc: 'Files to look in, in order; templated with tags.' }),
    field: prop([param('name', string()), param('default', oneOf(float(), int(), string(), bool()))], { repeat: 'append' }),
    tag: prop([param('name', string()), param('default', string())], { repeat: 'append' }),
  },
  validate(n, report) {
    if (!isSet(n, 'source')) report('must specify a source')
  },
  create: (node, ctx) => new SideloadRuntime(node, ctx),
})
