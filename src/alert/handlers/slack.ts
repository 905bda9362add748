/** `.slack()` / kind `slack`: Kapacitor's services/slack — a webhook POST with one attachment coloured by level. */
import type { HandlerDefinition } from './definition.js'
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import { compact, enabledEntry, goJSONLine, post, str, tickStr } from './service-common.js'

function color(l: AlertLevel): string {
  return l === 'WARNING' ? 'warning' : l === 'CRITICAL' ? 'danger' : 'good'
}

/** The webhook body exactly as Kapacitor's preparePost encodes it (a Go map: sorted keys). */
export function slackBody(e: AlertEvent, channel: string, username: string, iconEmoji: string): string {
  return goJSONLine({
    as_user: false,
    attachments: [{ fallback: e.message, color: color(e.level), text: e.message, mrkdwn_in: ['text'] }],
    channel,
    icon_emoji: iconEmoji,
    text: '',
    username,
  })
}

export const slackDefinition: HandlerDefinition = {
  kind: 'slack',
  tickName: 'slack',
  fromTick: (h) => compact({
    workspace: tickStr(h, 'workspace'),
    channel: tickStr(h, 'channel'),
    username: tickStr(h, 'username'),
    'icon-emoji': tickStr(h, 'iconEmoji'),
  }),
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Record<string, unknown>
    const s = enabledEntry(ctx, 'slack', 'workspace', str(o, 'workspace'))
    const url = str(s, 'url')
    if (url === '') throw new Error('slack: no url configured ([[slack]] url)')
    const channel = str(o, 'channel') || str(s, 'channel')
    const username = str(o, 'username') || str(s, 'username', 'kapacitor')
    const iconEmoji = str(o, 'icon-emoji') || str(s, 'icon-emoji')
    // [[slack]] token: Kapacitor sends it as a bearer token (Slack's API instead of a webhook)
    const token = str(s, 'token')
    const headers: Record<string, string> = token === '' ? {} : { Authorization: `Bearer ${token}` }
    return {
      kind: 'slack',
      handle: (e, signal) => post('slack', url, slackBody(e, channel, username, iconEmoji), signal, { headers }),
    }
  },
}
