import { defineNode, string } from './define-node.js'
import { HttpOutRuntime } from './http-out-runtime.js'

export const httpOutNode = defineNode({
  name: 'httpOut', desc: 'http_out', wants: 'any', provides: 'same',
  doc: 'Serves the last message of each group as JSON at /kapacitor/v1/tasks/<task>/<endpoint>.',
  args: [string()],
  create: (node, ctx) => new HttpOutRuntime(node, ctx),
})
