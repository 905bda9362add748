/**
 * `.bigPanda()` / kind `bigpanda`: Kapacitor's services/bigpanda — POST one alert to
 * BigPanda's alerts API (`[bigpanda] url`, default https://api.bigpanda.io/data/v2/alerts)
 * with `Authorization: Bearer <token>`. The body is a flat JSON object (a Go map: sorted
 * keys, no trailing newline): app_key, status (OK and INFO → `ok`, WARNING → `warning`,
 * CRITICAL → `critical`), check (the alert id), description (the message), details (the
 * HTML-unescaped details, left out when they are the default JSON), task
 * (`<task>:<measurement>`), timestamp (Unix seconds), primary_property /
 * secondary_property, host, then every tag and field of the data (`auto-attributes`,
 * default `tags,fields`; a non-string field is its JSON text) and the `.attribute(k, v)`
 * templates. Only 201 Created counts as delivered.
 */
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import { goJSON as goValueJSON, type GoTemplate } from '../template/index.js'
import { propCalls } from '../../pipeline/props.js'
import type { HandlerDefinition } from './definition.js'
import {
  compact, enabledSection, eventFields, eventTemplateData, goJSON, handlerTemplate, post, requireUrl, sortedMap, str, tickStr, undeliverable, type Section,
} from './service-common.js'

export const BIGPANDA_URL = 'https://api.bigpanda.io/data/v2/alerts'

const STATUS: Record<AlertLevel, string> = { OK: 'ok', INFO: 'ok', WARNING: 'warning', CRITICAL: 'critical' }

/** Go's html.UnescapeString for what html/template writes: named and numeric character references. */
export function htmlUnescape(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (m, ref: string) => {
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd'
    }
    return named[ref] ?? m
  })
}

export interface BigPandaSettings {
  readonly appKey: string
  readonly primaryProperty: string
  readonly secondaryProperty: string
  readonly autoTags: boolean
  readonly autoFields: boolean
}

/** The rendered per-event options: `host` and the `.attribute()` values. */
export interface BigPandaRendered {
  readonly host: string
  readonly attributes: Readonly<Record<string, string>>
}

export function bigPandaBody(e: AlertEvent, s: BigPandaSettings, r: BigPandaRendered): string {
  const body: Record<string, unknown> = {}
  if (e.message !== '') body['description'] = e.message
  if (e.details !== '') {
    const details = htmlUnescape(e.details)
    if (!details.startsWith('{')) body['details'] = details
  }
  if (e.id !== '') body['check'] = e.id
  body['task'] = `${e.taskName}:${e.name ?? e.data[0]?.name ?? ''}`
  const sec = e.time / 1_000_000_000n - (e.time < 0n && e.time % 1_000_000_000n !== 0n ? 1n : 0n)
  body['timestamp'] = Number(sec)
  body['status'] = STATUS[e.level]
  if (s.primaryProperty !== '') body['primary_property'] = s.primaryProperty
  if (s.secondaryProperty !== '') body['secondary_property'] = s.secondaryProperty
  body['app_key'] = s.appKey
  if (s.autoTags) for (const [k, v] of Object.entries(e.data[0]?.tags ?? e.tags)) body[k] = v
  if (s.autoFields) {
    for (const [k, v] of Object.entries(eventFields(e))) body[k] = typeof v === 'string' ? v : goValueJSON(v)
  }
  if (r.host !== '') body['host'] = r.host
  for (const [k, v] of Object.entries(r.attributes)) body[k] = v
  return goJSON(sortedMap(body))
}

function autoAttributes(v: unknown): { tags: boolean; fields: boolean } {
  if (v === undefined) return { tags: true, fields: true }
  if (typeof v !== 'string') throw new Error('bigpanda: auto-attributes must be a string ("tags", "fields" or "tags,fields")')
  const words = v.split(',').map((w) => w.trim()).filter((w) => w !== '')
  for (const w of words) if (w !== 'tags' && w !== 'fields') throw new Error(`bigpanda: bad auto-attributes ${JSON.stringify(v)} (want "tags", "fields" or both)`)
  return { tags: words.includes('tags'), fields: words.includes('fields') }
}

export const bigPandaDefinition: HandlerDefinition = {
  kind: 'bigpanda',
  tickName: 'bigPanda',
  fromTick: (h) => {
    const attributes: Record<string, string> = {}
    for (const [k, v] of propCalls(h, 'attribute')) if (k?.type === 'string' && v?.type === 'string') attributes[k.value] = v.value
    return compact({
      'app-key': tickStr(h, 'appKey'),
      'primary-property': tickStr(h, 'primaryProperty'),
      'secondary-property': tickStr(h, 'secondaryProperty'),
      host: tickStr(h, 'host'),
      attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
    })
  },
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledSection(ctx, 'bigpanda')
    const token = str(c, 'token')
    if (token === '') throw new Error('bigpanda: no token configured ([bigpanda] token)')
    const appKey = str(o, 'app-key') || str(c, 'app-key')
    if (appKey === '') throw new Error('bigpanda: no app-key configured ([bigpanda] app-key or the handler\'s app-key)')
    const url = requireUrl('bigpanda', str(o, 'url') || str(c, 'url', BIGPANDA_URL))
    const auto = autoAttributes(c['auto-attributes'])
    const settings: BigPandaSettings = {
      appKey, primaryProperty: str(o, 'primary-property'), secondaryProperty: str(o, 'secondary-property'),
      autoTags: auto.tags, autoFields: auto.fields,
    }
    const host = handlerTemplate('bigpanda', 'host', str(o, 'host'))
    const rawAttrs = o['attributes']
    const attrs: Array<[string, GoTemplate | string]> = []
    if (rawAttrs && typeof rawAttrs === 'object' && !Array.isArray(rawAttrs)) {
      for (const [k, v] of Object.entries(rawAttrs as Record<string, unknown>)) {
        attrs.push([k, typeof v === 'string' ? handlerTemplate('bigpanda', `attribute ${k}`, v) : goValueJSON(v)])
      }
    }
    return {
      kind: 'bigpanda',
      async handle(e, signal) {
        let rendered: BigPandaRendered
        try {
          const td = eventTemplateData(e)
          const attributes: Record<string, string> = {}
          for (const [k, t] of attrs) attributes[k] = typeof t === 'string' ? t : t.execute(td)
          rendered = { host: host.execute(td), attributes }
        } catch (err) {
          throw undeliverable('bigpanda', err)
        }
        await post('bigpanda', url, bigPandaBody(e, settings, rendered), signal, {
          ok: [201],
          headers: { Authorization: `Bearer ${token}` },
        })
      },
    }
  },
}
