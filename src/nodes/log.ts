import { defineNode, prop, string, lastArg, stringOf } from './define-node.js'
import { LogRuntime } from './log-runtime.js'

export const logNode = defineNode({
  name: 'log', wants: 'any', provides: 'same',
  doc: 'Logs every message as JSON and passes it on.',
  properties: {
    level: prop(string(), { default: 'INFO', doc: 'DEBUG, INFO, WARN or ERROR (any case).' }),
    prefix: prop(string(), { default: '' }),
  },
  validate(n, report) {
    const level = stringOf(lastArg(n, 'level'))
    if (level !== undefined && !['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(level.toUpperCase())) report(`invalid log level ${level}`)
  },
  create: (node, ctx) => new LogRuntime(node, ctx),
})
