/**
 * `.victorOps()` / kind `victorops`: Kapacitor's services/victorops — the REST endpoint
 * `<url>/<api-key>/<routing-key>` with message_type = level (RECOVERY for OK).
 */
import { resultJSON } from '../../pipeline/result-json.js'
import type { AlertEvent, AlertHandler, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import { bool, compact, enabledSection, goJSONLine, post, RawJSON, str, tickStr, type Section } from './service-common.js'

export const VICTOROPS_URL = 'https://alert.victorops.com/integrations/generic/20131114/alert'

/** The body Kapacitor's preparePost encodes (a Go map: sorted keys); `data` is a JSON string unless [victorops] json-data. */
export function victorOpsBody(e: AlertEvent, jsonData: boolean): string {
  const result = resultJSON(e.data)
  return goJSONLine({
    data: jsonData ? new RawJSON(result) : result,
    entity_id: e.id,
    message_type: e.level === 'OK' ? 'RECOVERY' : e.level,
    monitoring_tool: 'kapacitor',
    state_message: e.message,
    timestamp: Number(e.time / 1_000_000_000n),
  })
}

export const victorOpsDefinition: HandlerDefinition = {
  kind: 'victorops',
  tickName: 'victorOps',
  fromTick: (h) => compact({ 'routing-key': tickStr(h, 'routingKey') }),
  create(options: HandlerOptions, ctx): AlertHandler {
    const c = enabledSection(ctx, 'victorops')
    const apiKey = str(c, 'api-key')
    if (apiKey === '') throw new Error('victorops: no api-key configured ([victorops] api-key)')
    const routingKey = str(options as Section, 'routing-key') || str(c, 'routing-key')
    if (routingKey === '') throw new Error('victorops: no routing-key configured ([victorops] routing-key or handler routing-key)')
    const u = new URL(str(c, 'url') || VICTOROPS_URL)
    u.pathname = [u.pathname.replace(/\/+$/, ''), apiKey, routingKey].join('/')
    const url = u.toString()
    const jsonData = bool(c, 'json-data')
    return { kind: 'victorops', handle: (e, signal) => post('victorops', url, victorOpsBody(e, jsonData), signal) }
  },
}
