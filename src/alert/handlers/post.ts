/**
 * The `post` handler: POSTs the event JSON (Kapacitor's alert data, application/json) to a
 * URL or to a configured `[[httppost]]` endpoint (its url, headers and basic-auth; the
 * handler's own headers are set over the endpoint's). A non-2xx status is a failed attempt
 * (delivery retries it); with `capture-response` the error carries the response body.
 *
 * Options (Kapacitor's topic-handler spelling): url, endpoint, headers, capture-response,
 * timeout (Go duration string or ns), skip-ssl-verification.
 *
 * The url may be a Go template and a `[[httppost]]` endpoint may have `alert-template` or
 * `alert-template-file` (the body instead of the JSON; no Content-Type then, as Kapacitor):
 * both are executed with Kapacitor's alert.Data (.ID .Message .Details .Time .Duration
 * .Level .Data.Series .PreviousLevel .Recoverable). A template that fails on an event makes
 * it undeliverable (dropped, logged), not retried. The endpoint's `row-template` belongs to
 * the httpPost node, not to this handler.
 */
import { readFileSync } from 'node:fs'
import type { HandlerInstance } from '../../nodes/define-node.js'
import { propCalls, propDuration, propFlag, tickString } from '../../pipeline/props.js'
import { parseGoDuration, formatGoDuration } from '../../server/config.js'
import { UndeliverableError } from '../delivery.js'
import { compileGoTemplate, GoDuration, GoTime, goStringMap, goStruct, type GoTemplate } from '../template/index.js'
import { eventJSON, type AlertEvent, type AlertHandler, type HandlerOptions } from '../types.js'
import type { HandlerContext, HandlerDefinition } from './definition.js'
import { compact, tickStr, type Section } from './service-common.js'
import { EgressRefusedError, type EgressPolicy } from '../../net/egress.js'
import { httpPost } from '../../net/http-post.js'

export interface PostConfig {
  readonly url: string
  /** the url when it is a template */
  readonly urlTemplate?: GoTemplate
  /** the endpoint's alert-template: the body instead of the event JSON */
  readonly bodyTemplate?: GoTemplate
  readonly headers: Readonly<Record<string, string>>
  readonly basicAuth?: { readonly username: string; readonly password: string }
  readonly captureResponse: boolean
  /** ms, 0 = none besides delivery's own timeout */
  readonly timeoutMs: number
  readonly skipSSLVerification: boolean
  /** `-blacklist-cidrs` (default: anywhere) */
  readonly egress?: EgressPolicy
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {}
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`post: ${what} must be a map of strings`)
  const out: Record<string, string> = {}
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string') throw new Error(`post: ${what}.${k} must be a string`)
    out[k] = x
  }
  return out
}

function optString(o: HandlerOptions, key: string): string {
  const v = o[key]
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string') throw new Error(`post: option ${key} must be a string`)
  return v
}

function optBool(o: HandlerOptions, key: string): boolean {
  const v = o[key]
  if (v === undefined || v === null) return false
  if (typeof v !== 'boolean') throw new Error(`post: option ${key} must be a boolean`)
  return v
}

/** A Go duration string (`10s`) or an integer of ns, as Kapacitor's options decode it. */
function optDurationMs(o: HandlerOptions, key: string): number {
  const v = o[key]
  if (v === undefined || v === null || v === '') return 0
  let ns: bigint | null = null
  if (typeof v === 'string') ns = parseGoDuration(v)
  else if (typeof v === 'bigint') ns = v
  else if (typeof v === 'number' && Number.isInteger(v)) ns = BigInt(v)
  if (ns === null || ns < 0n) throw new Error(`post: option ${key} must be a duration such as "10s"`)
  return Number(ns / 1_000_000n)
}

function httppostEndpoints(ctx: HandlerContext): Section[] {
  const raw = ctx.sections['httppost']
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  return list.filter((s): s is Section => typeof s === 'object' && s !== null && !Array.isArray(s))
}

/** `b` over `a`, header names compared case-insensitively (Go's Header.Set) */
function mergeHeaders(a: Record<string, string>, b: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const h of [a, b]) {
    for (const [k, v] of Object.entries(h)) {
      for (const old of Object.keys(out)) if (old.toLowerCase() === k.toLowerCase()) delete out[old]
      out[k] = v
    }
  }
  return out
}

function compile(kind: string, text: string): GoTemplate {
  try {
    return compileGoTemplate(text, { name: kind })
  } catch (err) {
    throw new Error(`post: bad ${kind}: ${(err as Error).message}`)
  }
}

function urlTemplateOf(url: string): { urlTemplate?: GoTemplate } {
  return url.includes('{{') ? { urlTemplate: compile('url template', url) } : {}
}

function checkURL(url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`post: invalid url ${JSON.stringify(url)}`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`post: url must be http or https: ${url}`)
}

function endpointBodyTemplate(ep: Section, name: string): { bodyTemplate?: GoTemplate } {
  const inline = typeof ep['alert-template'] === 'string' ? ep['alert-template'] : ''
  const file = typeof ep['alert-template-file'] === 'string' ? ep['alert-template-file'] : ''
  if (inline !== '' && file !== '') throw new Error(`post: [[httppost]] endpoint ${JSON.stringify(name)}: alert-template and alert-template-file are exclusive`)
  let text = inline
  if (file !== '') {
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      throw new Error(`post: [[httppost]] endpoint ${JSON.stringify(name)}: alert-template-file: ${(err as Error).message}`)
    }
  }
  return text === '' ? {} : { bodyTemplate: compile('alert template', text) }
}

/** Kapacitor's alert.Data as templates see it. */
export function alertTemplateData(e: AlertEvent): object {
  return goStruct({
    ID: e.id, Message: e.message, Details: e.details, Time: new GoTime(e.time), Duration: new GoDuration(e.duration), Level: e.level,
    Data: goStruct({
      Series: e.data.map((r) => goStruct({
        Name: r.name, Tags: goStringMap({ ...r.tags }), Columns: [...r.columns],
        Values: r.values.map(([t, ...cells]) => [new GoTime(t), ...cells]),
      }, 'models.Row')),
    }, 'models.Result'),
    PreviousLevel: e.previousLevel, Recoverable: e.recoverable,
  }, 'alert.Data')
}

export function postConfig(options: HandlerOptions, ctx: HandlerContext): PostConfig {
  const endpointName = optString(options, 'endpoint')
  const handlerHeaders = stringMap(options['headers'], 'headers')
  const common = {
    captureResponse: optBool(options, 'capture-response'),
    timeoutMs: optDurationMs(options, 'timeout'),
    skipSSLVerification: optBool(options, 'skip-ssl-verification'),
    ...(ctx.egress ? { egress: ctx.egress } : {}),
  }
  // Kapacitor: a known endpoint wins; otherwise the url (an unknown endpoint with a url falls back to the url)
  const ep = endpointName === '' ? undefined : httppostEndpoints(ctx).find((s) => s['endpoint'] === endpointName)
  if (ep) {
    const url = typeof ep['url'] === 'string' ? ep['url'] : ''
    if (url === '') throw new Error(`post: [[httppost]] endpoint ${JSON.stringify(endpointName)} has no url`)
    const auth = ep['basic-auth']
    let basicAuth: PostConfig['basicAuth']
    if (typeof auth === 'object' && auth !== null) {
      const a = auth as Record<string, unknown>
      const username = typeof a['username'] === 'string' ? a['username'] : ''
      const password = typeof a['password'] === 'string' ? a['password'] : ''
      if (username !== '' || password !== '') basicAuth = { username, password }
    }
    if (!url.includes('{{')) checkURL(url)
    return {
      url, ...urlTemplateOf(url), ...endpointBodyTemplate(ep, endpointName),
      headers: mergeHeaders(stringMap(ep['headers'], `[[httppost]] ${endpointName} headers`), handlerHeaders),
      basicAuth, ...common,
    }
  }
  const url = optString(options, 'url')
  if (url === '') {
    throw new Error(endpointName === ''
      ? 'post: a url must be specified if an endpoint is not specified'
      : `post: no [[httppost]] endpoint ${JSON.stringify(endpointName)} and no url`)
  }
  if (!url.includes('{{')) checkURL(url)
  return { url, ...urlTemplateOf(url), headers: handlerHeaders, ...common }
}

/** bytes of an error response kept with capture-response */
const CAPTURE_MAX = 4096

export class PostHandler implements AlertHandler {
  readonly kind = 'post'
  constructor(readonly config: PostConfig) {}

  handle(event: AlertEvent, signal: AbortSignal): Promise<void> {
    const c = this.config
    if (!c.urlTemplate && !c.bodyTemplate) {
      // json.Encoder writes a newline after the value
      return postOnce(c, eventJSON(event) + '\n', signal)
    }
    const data = alertTemplateData(event)
    let url = c.url
    let body: string
    try {
      if (c.urlTemplate) {
        url = c.urlTemplate.execute(data)
        checkURL(url)
      }
      body = c.bodyTemplate ? c.bodyTemplate.execute(data) : eventJSON(event) + '\n'
    } catch (err) {
      return Promise.reject(new UndeliverableError(`post: ${(err as Error).message}`))
    }
    return postOnce({ ...c, url }, body, signal, c.bodyTemplate ? null : 'application/json')
  }
}

/** One POST; resolves on 2xx, rejects otherwise (status, and the body with capture-response). */
export async function postOnce(c: PostConfig, body: string, outer: AbortSignal, contentType: string | null = 'application/json'): Promise<void> {
  const signal = c.timeoutMs > 0 ? AbortSignal.any([outer, AbortSignal.timeout(c.timeoutMs)]) : outer
  // Kapacitor's order: basic auth, then the headers (a header named Authorization wins), then Content-Type
  const headers = new Map<string, [string, string]>()
  const set = (k: string, v: string): void => { headers.set(k.toLowerCase(), [k, v]) }
  if (c.basicAuth) set('Authorization', 'Basic ' + Buffer.from(`${c.basicAuth.username}:${c.basicAuth.password}`).toString('base64'))
  for (const [k, v] of Object.entries(c.headers)) set(k, v)
  if (contentType) set('Content-Type', contentType)
  let answer
  try {
    answer = await httpPost({
      url: c.url, headers: Object.fromEntries(headers.values()), body, signal,
      captureErrorBody: c.captureResponse, captureMax: CAPTURE_MAX, ownConnection: true,
      skipTlsVerification: c.skipSSLVerification, ...(c.egress ? { egress: c.egress } : {}),
    })
  } catch (err) {
    // a refused address never becomes reachable: the event is dropped (and logged), not retried
    if (err instanceof EgressRefusedError) throw new UndeliverableError(`post: ${err.message}`)
    throw err
  }
  const { status } = answer
  if (status >= 200 && status < 300) return
  throw new Error(`post: ${c.url} returned HTTP ${status}: ${answer.body ?? 'use .captureResponse() to capture the HTTP response'}`)
}

export const postDefinition: HandlerDefinition = {
  kind: 'post',
  tickName: 'post',
  fromTick(h: HandlerInstance): HandlerOptions {
    const headers: Record<string, string> = {}
    for (const [k, v] of propCalls(h, 'header')) if (k && v) headers[tickString(k)] = tickString(v)
    const timeout = propDuration(h, 'timeout')
    const urls = h.args.map(tickString)
    return compact({
      // Kapacitor's `.post(urls...)` uses the first url
      url: urls[0],
      endpoint: tickStr(h, 'endpoint'),
      headers: Object.keys(headers).length > 0 ? headers : undefined,
      'capture-response': propFlag(h, 'captureResponse') || undefined,
      timeout: timeout > 0n ? formatGoDuration(timeout) : undefined,
      'skip-ssl-verification': propFlag(h, 'skipSSLVerification') || undefined,
    })
  },
  create(options: HandlerOptions, ctx: HandlerContext): AlertHandler {
    return new PostHandler(postConfig(options, ctx))
  },
}
