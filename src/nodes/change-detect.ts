import { defineNode, string, variadic } from './define-node.js'
import { ChangeDetectRuntime } from './change-detect-runtime.js'

export const changeDetectNode = defineNode({
  name: 'changeDetect', desc: 'changeDetect', wants: 'any', provides: 'same',
  doc: 'Emits a point only when one of the fields changed since the previous point of its group.',
  args: [variadic(string(), 'fields')],
  validate(n, report) {
    if (n.args.length === 0) report('must provide at least one field name')
  },
  create: (node, ctx) => new ChangeDetectRuntime(node, ctx),
})
