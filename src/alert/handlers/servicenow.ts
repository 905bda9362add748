/**
 * `.serviceNow()` / kind `servicenow`: Kapacitor's services/servicenow — POST one event to
 * ServiceNow's event web service (`[servicenow] url`, e.g.
 * https://instance.service-now.com/api/global/em/jsonv2) as
 * `{"records":[{source, node, type, resource, metric_name, message_key, severity,
 * description, additional_info}]}` (empty ones left out), with HTTP BASIC auth when a
 * username and a password are set. node, type, resource, metricName, messageKey and the
 * additional_info values are templates over `.ID .Name .TaskName .Fields .Tags`;
 * message_key defaults to the alert id; severity is OK/INFO "5", WARNING "4", CRITICAL "1";
 * additional_info is the JSON text of its map. Only 200 counts as delivered.
 */
import { Buffer } from 'node:buffer'
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import { goStringMap, goStruct, type GoTemplate } from '../template/index.js'
import type { HandlerDefinition } from './definition.js'
import { basicAuth, compact, cutBytes, enabledSection, eventFields, goJSON, handlerTemplate, post, requireUrl, sortedMap, str, templateMap, tickStr, tickStringPairs, undeliverable, type Section } from './service-common.js'

const SEVERITY: Record<AlertLevel, string> = { OK: '5', INFO: '5', WARNING: '4', CRITICAL: '1' }

export interface ServiceNowRendered {
  readonly source: string
  readonly node: string
  readonly type: string
  readonly resource: string
  readonly metricName: string
  readonly messageKey: string
  /** key → rendered value, or undefined without additional info */
  readonly additionalInfo?: Readonly<Record<string, string>>
}

export function serviceNowBody(e: AlertEvent, r: ServiceNowRendered): string {
  const record: Record<string, string> = { source: cutBytes(r.source, 100) }
  const optional: Array<[string, string]> = [
    ['node', cutBytes(r.node, 100)],
    ['type', cutBytes(r.type, 100)],
    ['resource', cutBytes(r.resource, 100)],
    ['metric_name', cutBytes(r.metricName, 100)],
    ['message_key', cutBytes(r.messageKey === '' ? e.id : r.messageKey, 1024)],
    ['severity', SEVERITY[e.level]],
    ['description', cutBytes(e.message, 4000)],
    ['additional_info', r.additionalInfo ? goJSON(sortedMap({ ...r.additionalInfo })) : ''],
  ]
  for (const [k, v] of optional) if (v !== '') record[k] = v
  return goJSON({ records: [record] })
}

/** What ServiceNow's templates see: Kapacitor's dataInfo {ID, Name, TaskName, Fields, Tags}. */
function templateData(e: AlertEvent): object {
  return goStruct({
    ID: e.id, Name: e.name ?? e.data[0]?.name ?? '', TaskName: e.taskName, Fields: eventFields(e), Tags: goStringMap({ ...(e.data[0]?.tags ?? e.tags) }),
  })
}

export const serviceNowDefinition: HandlerDefinition = {
  kind: 'servicenow',
  tickName: 'serviceNow',
  fromTick: (h) => {
    const info = tickStringPairs(h, 'additionalInfo')
    return compact({
      url: tickStr(h, 'URL'),
      username: tickStr(h, 'username'),
      password: tickStr(h, 'password'),
      source: tickStr(h, 'source'),
      node: tickStr(h, 'node'),
      type: tickStr(h, 'type'),
      resource: tickStr(h, 'resource'),
      metricName: tickStr(h, 'metricName'),
      messageKey: tickStr(h, 'messageKey'),
      additional_info: Object.keys(info).length > 0 ? info : undefined,
    })
  },
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledSection(ctx, 'servicenow')
    const url = requireUrl('servicenow', str(o, 'url') || str(c, 'url'))
    const auth = basicAuth(str(o, 'username') || str(c, 'username'), str(o, 'password') || str(c, 'password'))
    const source = str(o, 'source') || str(c, 'source')
    const tmpl = (what: string, key: string): GoTemplate => handlerTemplate('servicenow', what, str(o, key))
    const node = tmpl('node', 'node')
    const type = tmpl('type', 'type')
    const resource = tmpl('resource', 'resource')
    const metricName = tmpl('metricName', 'metricName')
    const messageKey = tmpl('messageKey', 'messageKey')
    const info = templateMap('servicenow', 'additional_info', o['additional_info'])
    return {
      kind: 'servicenow',
      async handle(e, signal) {
        let r: ServiceNowRendered
        try {
          const td = templateData(e)
          let additionalInfo: Record<string, string> | undefined
          if (info.size > 0) {
            additionalInfo = {}
            for (const [k, v] of Object.entries(info.render(td))) additionalInfo[k] = String(v)
          }
          r = {
            source, node: node.execute(td), type: type.execute(td), resource: resource.execute(td),
            metricName: metricName.execute(td), messageKey: messageKey.execute(td), ...(additionalInfo ? { additionalInfo } : {}),
          }
        } catch (err) {
          throw undeliverable('servicenow', err)
        }
        await post('servicenow', url, serviceNowBody(e, r), signal, { ok: [200], headers: auth })
      },
    }
  },
}
