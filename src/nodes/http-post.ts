import { defineNode, duration, flag, optional, param, prop, string, isSet } from './define-node.js'

export const httpPostNode = defineNode({
  name: 'httpPost', desc: 'http_post', wants: 'any', provides: 'same',
  doc: 'POSTs each point or batch as JSON to a URL or a configured endpoint.',
  args: [optional(string(), 'url')],
  properties: {
    endpoint: prop(string(), { doc: 'Name of a configured [[httppost]] endpoint (instead of a URL).' }),
    header: prop([param('key', string()), param('value', string())], { repeat: 'append' }),
    codeField: prop(string(), { default: '', doc: 'Field to store the response status code in.' }),
    captureResponse: flag({ doc: 'Log the response body on failure.' }),
    timeout: prop(duration(), { default: 0n }),
  },
  validate(n, report) {
    const urls = n.args.length
    if (urls > 1) report('httpPost allows at most one URL')
    if (urls === 1 && isSet(n, 'endpoint')) report('httpPost must have exactly one of url or endpoint')
    if ((n.props.get('endpoint')?.length ?? 0) > 1) report('httpPost allows at most one endpoint')
    for (const h of n.props.get('header') ?? []) {
      const k = h.args[0]
      if (k?.type === 'string' && k.value.toLowerCase() === 'authenticate') report('cannot set the Authenticate header on httpPost, use the endpoint configuration', h.loc)
    }
  },
})
