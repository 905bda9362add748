/**
 * `.pagerDuty()` / kind `pagerduty`: Kapacitor's services/pagerduty, PagerDuty's v1
 * generic events API, still used by older scripts. WARNING and CRITICAL `trigger` an
 * incident keyed by the alert id, OK (and every other level) `resolve`s it; INFO is not
 * sent (Kapacitor: "AlertLevel 'info' is currently ignored by the PagerDuty service", logged).
 * `[pagerduty] url` defaults to PagerDuty's v1 endpoint and can point elsewhere.
 */
import type { AlertEvent, AlertHandler, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import { httpdURL } from './pagerduty2.js'
import { compact, enabledSection, goJSONLine, post, str, tickStr, undeliverable, type Section } from './service-common.js'

export const PAGERDUTY_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json'

/** The v1 body: Go encodes this map[string]string with its keys sorted. */
export function pagerDutyBody(e: AlertEvent, serviceKey: string, clientURL: string): string {
  return goJSONLine({
    client: 'kapacitor',
    client_url: clientURL,
    description: e.message,
    details: e.details,
    event_type: e.level === 'WARNING' || e.level === 'CRITICAL' ? 'trigger' : 'resolve',
    incident_key: e.id,
    service_key: serviceKey,
  })
}

export const pagerDutyDefinition: HandlerDefinition = {
  kind: 'pagerduty',
  tickName: 'pagerDuty',
  fromTick: (h) => compact({ 'service-key': tickStr(h, 'serviceKey') }),
  create(options: HandlerOptions, ctx): AlertHandler {
    const c = enabledSection(ctx, 'pagerduty')
    const serviceKey = str(options as Section, 'service-key') || str(c, 'service-key')
    const url = str(c, 'url', PAGERDUTY_URL) || PAGERDUTY_URL
    const clientURL = httpdURL(ctx.sections)
    return {
      kind: 'pagerduty',
      async handle(e, signal) {
        if (e.level === 'INFO') throw undeliverable('pagerduty', new Error("AlertLevel 'info' is currently ignored by the PagerDuty service"))
        await post('pagerduty', url, pagerDutyBody(e, serviceKey, clientURL), signal, { ok: [200] })
      },
    }
  },
}
