import { defineNode, duration, flag, param, prop, string, variadic, allArgs } from './define-node.js'
import { HttpPostRuntime } from './http-post-runtime.js'

export const httpPostNode = defineNode({
  name: 'httpPost', desc: 'http_post', wants: 'any', provides: 'same',
  doc: 'POSTs each point or batch as JSON to a URL or a configured endpoint.',
  args: [variadic(string(), 'url')],
  properties: {
    endpoint: prop(string(), { repeat: 'append', doc: 'Name of a configured [[httppost]] endpoint (instead of a URL).' }),
    header: prop([param('key', string()), param('value', string())], { repeat: 'append' }),
    codeField: prop(string(), { default: '', doc: 'Field to store the response status code in.' }),
    captureResponse: flag({ doc: 'Log the response body on failure.' }),
    timeout: prop(duration(), { default: 0n }),
  },
  validate(n, report) {
    // Kapacitor's HTTPPostNode.validate(), same order and wording
    const urls = n.args.length, endpoints = allArgs(n, 'endpoint').length
    if (urls >= 2) return report(`httpPost expects 0 or 1 arguments, got ${urls}`)
    if (endpoints > 1) return report(`httpPost expects 0 or 1 endpoints, got ${endpoints}`)
    if (urls === 0 && endpoints === 0) return report('must provide url or endpoint')
    if (urls > 0 && endpoints > 0) return report('only one endpoint and url may be specified')
    for (const h of n.props.get('header') ?? []) {
      const k = h.args[0]
      if (k?.type === 'string' && k.value.toUpperCase() === 'AUTHENTICATE') return report("cannot set 'authenticate' header", h.loc)
    }
  },
  create: (node, ctx) => new HttpPostRuntime(node, ctx),
})
