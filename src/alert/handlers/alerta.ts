/**
 * `.alerta()` / kind `alerta`: Kapacitor's services/alerta — POST <url>/alert with
 * resource/event/environment/group/value/service rendered from templates of the event,
 * severity from the level (renamable), the data as rawData, tags as `k=v` strings.
 */
import { formatGoDuration, parseGoDuration } from '../../server/config.js'
import { propArgs, propCalls, propDuration } from '../../pipeline/props.js'
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import type { GoTemplate } from '../template/index.js'
import type { HandlerDefinition } from './definition.js'
import {
  compact, undeliverable, enabledSection, eventTemplateData, goJSONLine, handlerTemplate, post, resultOf, sortedMap, str, strList, tickStr, tickStrings, type Section,
} from './service-common.js'

const SEVERITY: Record<AlertLevel, string> = { OK: 'ok', INFO: 'informational', WARNING: 'warning', CRITICAL: 'critical' }
const SEVERITY_KEY: Record<AlertLevel, string> = { OK: 'ok', INFO: 'info', WARNING: 'warn', CRITICAL: 'crit' }
const DAY_NS = 86_400_000_000_000n

function timeoutNs(v: unknown): bigint {
  if (v === undefined || v === null || v === '' || v === 0) return DAY_NS
  if (typeof v === 'string') {
    const ns = parseGoDuration(v)
    if (ns === null) throw new Error(`alerta: bad timeout ${JSON.stringify(v)}`)
    return ns
  }
  if (typeof v === 'number' || typeof v === 'bigint') return BigInt(v)
  throw new Error(`alerta: bad timeout ${JSON.stringify(v)}`)
}

interface Rendered {
  resource: string; event: string; environment: string; group: string; value: string; service: string[]; correlate: string[]
}

export interface AlertaSettings {
  readonly environment: string
  readonly origin: string
  readonly timeoutSec: number
  /** rename-severities: Kapacitor's level keys (ok, info, warn, crit) → Alerta severities */
  readonly renameSeverities: Readonly<Record<string, string>>
  readonly attributes: Readonly<Record<string, unknown>>
}

/** The body Kapacitor's preparePost encodes (a Go map: sorted keys). */
export function alertaBody(e: AlertEvent, r: Rendered, s: AlertaSettings): string {
  const tags = e.data[0]?.tags ?? e.tags
  const body: Record<string, unknown> = {
    resource: r.resource,
    event: r.event,
    environment: r.environment === '' ? s.environment : r.environment,
    severity: s.renameSeverities[SEVERITY_KEY[e.level]] ?? SEVERITY[e.level],
    group: r.group,
    value: r.value,
    text: e.message,
    origin: s.origin,
    rawData: resultOf(e),
    timeout: s.timeoutSec,
    tags: Object.keys(tags).sort().map((k) => `${k}=${tags[k]!}`),
  }
  if (r.service.length > 0) body['service'] = r.service
  if (r.correlate.length > 0) body['correlate'] = r.correlate
  if (Object.keys(s.attributes).length > 0) body['attributes'] = sortedMap({ ...s.attributes })
  return goJSONLine(sortedMap(body))
}

export const alertaDefinition: HandlerDefinition = {
  kind: 'alerta',
  tickName: 'alerta',
  fromTick: (h) => {
    const services = tickStrings(propArgs(h, 'services'))
    const correlate = tickStrings(propArgs(h, 'correlated'))
    const attributes: Record<string, string> = {}
    for (const [k, v] of propCalls(h, 'attribute')) if (k?.type === 'string' && v?.type === 'string') attributes[k.value] = v.value
    const timeout = propDuration(h, 'timeout')
    return compact({
      token: tickStr(h, 'token'),
      resource: tickStr(h, 'resource'),
      event: tickStr(h, 'event'),
      environment: tickStr(h, 'environment'),
      group: tickStr(h, 'group'),
      value: tickStr(h, 'value'),
      origin: tickStr(h, 'origin'),
      service: services.length > 0 ? services : undefined,
      correlate: correlate.length > 0 ? correlate : undefined,
      attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
      timeout: timeout !== 0n ? formatGoDuration(timeout) : undefined,
    })
  },
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledSection(ctx, 'alerta')
    const base = str(c, 'url')
    if (base === '') throw new Error('alerta: no url configured ([alerta] url)')
    const u = new URL(base)
    u.pathname = u.pathname.replace(/\/+$/, '') + '/alert'
    const url = u.toString()
    const token = str(o, 'token') || str(c, 'token')
    const prefix = str(o, 'token-prefix') || str(c, 'token-prefix') || 'Bearer'
    const tmpl = (what: string, def: string): GoTemplate => handlerTemplate('alerta', what, str(o, what) || def)
    const resource = tmpl('resource', '{{ .Name }}')
    const event = tmpl('event', '{{ .ID }}')
    const environment = tmpl('environment', '')
    const group = tmpl('group', '{{ .Group }}')
    const value = tmpl('value', '')
    const services = strList(o, 'service').map((s) => handlerTemplate('alerta', 'service', s))
    const correlates = strList(o, 'correlate').map((s) => handlerTemplate('alerta', 'correlate', s))
    const rename = o['rename-severities']
    const attrs = o['attributes']
    const settings: AlertaSettings = {
      environment: str(c, 'environment'),
      origin: str(o, 'origin') || str(c, 'origin'),
      timeoutSec: Number(timeoutNs(o['timeout']) / 1_000_000_000n),
      renameSeverities: rename && typeof rename === 'object' && !Array.isArray(rename) ? (rename as Record<string, string>) : {},
      attributes: attrs && typeof attrs === 'object' && !Array.isArray(attrs) ? (attrs as Record<string, unknown>) : {},
    }
    return {
      kind: 'alerta',
      async handle(e, signal) {
        let r: Rendered
        try {
          const td = eventTemplateData(e)
          r = {
            resource: resource.execute(td), event: event.execute(td), environment: environment.execute(td),
            group: group.execute(td), value: value.execute(td),
            // Kapacitor: without templates both are the measurement name
            service: services.length === 0 ? [e.name ?? e.data[0]?.name ?? ''] : services.map((s) => s.execute(td)),
            correlate: correlates.length === 0 ? [e.name ?? e.data[0]?.name ?? ''] : correlates.map((s) => s.execute(td)),
          }
          if (r.resource === '' || r.event === '') throw new Error('Resource and Event are required to send an alert')
        } catch (err) {
          throw undeliverable('alerta', err)
        }
        await post('alerta', url, alertaBody(e, r, settings), signal, {
          ok: [201],
          headers: { Authorization: `${prefix} ${token}` },
        })
      },
    }
  },
}
