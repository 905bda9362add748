/**
 * `.pagerDuty2()` / kind `pagerduty2`: Kapacitor's services/pagerduty2 — a PD-CEF
 * `trigger` event per non-OK event (dedup_key = the alert id), a `resolve` for OK.
 * [pagerduty2] url defaults to PagerDuty's events API and can point elsewhere.
 */
import { propCalls } from '../../pipeline/props.js'
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import {
  compact, undeliverable, enabledSection, eventTemplateData, goJSONLine, handlerTemplate, post, resultOf, str, tickStr, type Section,
} from './service-common.js'
import type { GoTemplate } from '../template/index.js'

export const PAGERDUTY2_URL = 'https://events.pagerduty.com/v2/enqueue'

const SEVERITY: Partial<Record<AlertLevel, string>> = { INFO: 'info', WARNING: 'warning', CRITICAL: 'critical' }

/** Go's "2006-01-02T15:04:05.000000000Z07:00" in UTC: always nine fraction digits. */
export function pdTimestamp(ns: bigint): string {
  const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n)
  const frac = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n
  const iso = new Date(Number(ms)).toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 19)}.${frac.toString().padStart(9, '0')}Z`
}

interface Link { readonly href: GoTemplate; readonly text: GoTemplate | undefined }

export interface PagerDuty2Settings {
  readonly url: string
  readonly routingKey: string
  readonly clientURL: string
}

export function pagerDuty2Body(e: AlertEvent, s: PagerDuty2Settings, links: ReadonlyArray<{ href: string; text: string }>): string {
  const severity = SEVERITY[e.level]
  if (severity === undefined) return goJSONLine({ routing_key: s.routingKey, dedup_key: e.id, event_action: 'resolve' })
  const tags = e.data[0]?.tags ?? e.tags
  return goJSONLine({
    routing_key: s.routingKey,
    event_action: 'trigger',
    dedup_key: e.id,
    payload: {
      summary: e.message,
      source: tags['host'] ?? e.tags['host'] ?? 'unknown',
      severity,
      timestamp: pdTimestamp(e.time),
      class: e.taskName,
      component: '',
      group: '',
      custom_details: { result: resultOf(e) },
    },
    images: null,
    links: links.length > 0 ? links : null,
    client: 'kapacitor',
    client_url: s.clientURL,
  })
}

/** Kapacitor's HTTPD URL(): `http://<hostname>:<port of [http] bind-address>`. */
export function httpdURL(sections: Readonly<Record<string, unknown>>): string {
  const host = typeof sections['hostname'] === 'string' ? sections['hostname'] : 'localhost'
  const http = sections['http']
  const bind = http && typeof http === 'object' ? (http as Section)['bind-address'] : undefined
  const port = typeof bind === 'string' && bind.includes(':') ? bind.slice(bind.lastIndexOf(':') + 1) : '9092'
  return `http://${host}:${port}`
}

export const pagerDuty2Definition: HandlerDefinition = {
  kind: 'pagerduty2',
  tickName: 'pagerDuty2',
  fromTick: (h) => {
    const links = propCalls(h, 'link').map((args) => {
      const [href, text] = args
      return compact({ href: href?.type === 'string' ? href.value : '', text: text?.type === 'string' ? text.value : undefined })
    })
    return compact({ 'routing-key': tickStr(h, 'routingKey'), links: links.length > 0 ? links : undefined })
  },
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledSection(ctx, 'pagerduty2')
    const routingKey = str(o, 'routing-key') || str(c, 'routing-key')
    if (routingKey === '') throw new Error('pagerduty2: no routing-key configured ([pagerduty2] routing-key or handler routing-key)')
    const settings: PagerDuty2Settings = { url: str(c, 'url', PAGERDUTY2_URL) || PAGERDUTY2_URL, routingKey, clientURL: httpdURL(ctx.sections) }
    const rawLinks = Array.isArray(o['links']) ? (o['links'] as unknown[]) : []
    const links: Link[] = rawLinks.map((l, i) => {
      const ls = (l ?? {}) as Section
      const href = str(ls, 'href')
      if (href === '') throw new Error(`pagerduty2: link ${i + 1} has no href`)
      const text = str(ls, 'text')
      return { href: handlerTemplate('pagerduty2', 'link href', href), text: text === '' ? undefined : handlerTemplate('pagerduty2', 'link text', text) }
    })
    return {
      kind: 'pagerduty2',
      async handle(e, signal) {
        let rendered: Array<{ href: string; text: string }> = []
        if (links.length > 0) {
          try {
            const td = eventTemplateData(e)
            rendered = links.map((l) => {
              const href = l.href.execute(td)
              return { href, text: l.text ? l.text.execute(td) : href }
            })
          } catch (err) {
            throw undeliverable('pagerduty2', err)
          }
        }
        await post('pagerduty2', settings.url, pagerDuty2Body(e, settings, rendered), signal, {
          ok: [200, 202],
          headers: { Accept: 'application/vnd.pagerduty+json;version=2' },
        })
      },
    }
  },
}
