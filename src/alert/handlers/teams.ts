/** `.teams()` / kind `teams`: Kapacitor's services/teams — a MessageCard to the channel's webhook. */
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import { compact, enabledSection, goJSON, post, requireUrl, str, tickStr, type Section } from './service-common.js'

const SUMMARY_CUTOFF = 70

function themeColor(l: AlertLevel): string {
  return l === 'WARNING' ? 'FFA533' : l === 'CRITICAL' ? 'CC4A31' : '34CC25'
}

/** The card Kapacitor's preparePost marshals (struct field order). */
export function teamsCard(e: AlertEvent): string {
  let title: string
  let summary: string
  if (e.id === '' && e.topic === '') {
    title = e.level
    summary = `${title}: ${e.message}`
  } else {
    title = `${e.level}: [${e.id === '' ? e.topic : e.id}]`
    summary = `${title} - ${e.message}`
  }
  // Go slices the summary's bytes, not its characters
  const cut = Buffer.from(summary, 'utf8').subarray(0, SUMMARY_CUTOFF).toString('utf8')
  return goJSON({
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    title,
    text: e.message,
    summary: cut + '...',
    themeColor: themeColor(e.level),
  })
}

export const teamsDefinition: HandlerDefinition = {
  kind: 'teams',
  tickName: 'teams',
  fromTick: (h) => compact({ 'channel-url': tickStr(h, 'channelURL') }),
  create(options: HandlerOptions, ctx): AlertHandler {
    const c = enabledSection(ctx, 'teams')
    const url = requireUrl('teams', str(options as Section, 'channel-url') || str(c, 'channel-url'), 'channel-url', '[teams] channel-url or handler channel-url')
    return { kind: 'teams', handle: (e, signal) => post('teams', url, teamsCard(e), signal, { ok: [200, 204] }) }
  },
}
