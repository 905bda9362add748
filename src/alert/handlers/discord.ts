/**
 * `.discord()` / kind `discord`: Kapacitor's services/discord — a webhook message with one
 * embed coloured by level; the embed title is a template of the event.
 */
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import { bool, compact, undeliverable, enabledEntry, eventTemplateData, goJSONLine, handlerTemplate, post, str, tickStr, type Section } from './service-common.js'

function color(l: AlertLevel): number {
  return l === 'CRITICAL' ? 0xf95f53 : l === 'WARNING' ? 0xf48d38 : 0x7a65f2
}

/** Go's time.RFC3339 in UTC (whole seconds). */
function rfc3339(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19) + 'Z'
}

export interface DiscordSettings {
  readonly username: string
  readonly avatarURL: string
  readonly timestamp: boolean
}

/** The body Kapacitor's preparePost encodes (a Go map: sorted keys). */
export function discordBody(e: AlertEvent, s: DiscordSettings, embedTitle: string): string {
  return goJSONLine({
    avatar_url: s.avatarURL,
    embeds: [{ color: color(e.level), title: embedTitle, description: e.message, timestamp: s.timestamp ? rfc3339(e.time) : '' }],
    username: s.username,
  })
}

export const discordDefinition: HandlerDefinition = {
  kind: 'discord',
  tickName: 'discord',
  fromTick: (h) => compact({
    workspace: tickStr(h, 'workspace'),
    username: tickStr(h, 'username'),
    'avatar-url': tickStr(h, 'avatarURL'),
    'embed-title': tickStr(h, 'embedTitle'),
  }),
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledEntry(ctx, 'discord', 'workspace', str(o, 'workspace'))
    const url = str(c, 'url')
    if (url === '') throw new Error('discord: no url configured ([[discord]] url)')
    const settings: DiscordSettings = {
      username: str(o, 'username') || str(c, 'username'),
      avatarURL: str(o, 'avatar-url') || str(c, 'avatar-url'),
      timestamp: bool(c, 'timestamp'),
    }
    const title = handlerTemplate('discord', 'embed-title', str(o, 'embed-title'))
    return {
      kind: 'discord',
      async handle(e, signal) {
        let embedTitle: string
        try {
          embedTitle = title.execute(eventTemplateData(e))
        } catch (err) {
          throw undeliverable('discord', err)
        }
        await post('discord', url, discordBody(e, settings, embedTitle), signal, { ok: [204] })
      },
    }
  },
}
