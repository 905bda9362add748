/**
 * `.pushover()` / kind `pushover`: Kapacitor's services/pushover — a form POST with the
 * message and a priority from the level (OK -2, INFO -1, WARNING 0, CRITICAL 1).
 */
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import { compact, enabledSection, post, str, tickStr, type Section } from './service-common.js'

export const PUSHOVER_URL = 'https://api.pushover.net/1/messages.json'

const PRIORITY: Record<AlertLevel, number> = { OK: -2, INFO: -1, WARNING: 0, CRITICAL: 1 }

export interface PushoverSettings {
  readonly token: string
  readonly userKey: string
  readonly device: string
  readonly title: string
  readonly url: string
  readonly urlTitle: string
  readonly sound: string
}

/** Go's url.Values.Encode: keys sorted, empty optional values left out. */
export function pushoverForm(e: AlertEvent, s: PushoverSettings): string {
  const v: Record<string, string> = { token: s.token, user: s.userKey, message: e.message, priority: String(PRIORITY[e.level]) }
  if (s.device !== '') v['device'] = s.device
  if (s.title !== '') v['title'] = s.title
  if (s.url !== '') v['url'] = s.url
  if (s.urlTitle !== '') v['url_title'] = s.urlTitle
  if (s.sound !== '') v['sound'] = s.sound
  const p = new URLSearchParams()
  for (const k of Object.keys(v).sort()) p.append(k, v[k]!)
  return p.toString()
}

export const pushoverDefinition: HandlerDefinition = {
  kind: 'pushover',
  tickName: 'pushover',
  fromTick: (h) => compact({
    'user-key': tickStr(h, 'userKey'),
    device: tickStr(h, 'device'),
    title: tickStr(h, 'title'),
    url: tickStr(h, 'URL'),
    'url-title': tickStr(h, 'URLTitle'),
    sound: tickStr(h, 'sound'),
  }),
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledSection(ctx, 'pushover')
    const token = str(c, 'token')
    if (token === '') throw new Error('pushover: no token configured ([pushover] token)')
    const userKey = str(o, 'user-key') || str(c, 'user-key')
    if (userKey === '') throw new Error('pushover: no user-key configured ([pushover] user-key or handler user-key)')
    const settings: PushoverSettings = {
      token, userKey, device: str(o, 'device'), title: str(o, 'title'), url: str(o, 'url'), urlTitle: str(o, 'url-title'), sound: str(o, 'sound'),
    }
    const endpoint = str(c, 'url') || PUSHOVER_URL
    return {
      kind: 'pushover',
      handle: (e, signal) => post('pushover', endpoint, pushoverForm(e, settings), signal, { contentType: 'application/x-www-form-urlencoded' }),
    }
  },
}
