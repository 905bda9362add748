/**
 * `.opsGenie2()` / kind `opsgenie2`: Kapacitor's services/opsgenie2 — creates an alert
 * (alias = base64url of the alert id) per non-OK event; on OK posts a note (or the
 * configured recovery action) to the alert by alias. [opsgenie2] url is overridable.
 */
import { resultJSON } from '../../pipeline/result-json.js'
import { propArgs } from '../../pipeline/props.js'
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import { compact, enabledSection, goJSONLine, post, sortedMap, str, strList, tickStr, tickStrings, type Section } from './service-common.js'

export const OPSGENIE2_URL = 'https://api.opsgenie.com/v2/alerts'

const PRIORITY: Partial<Record<AlertLevel, string>> = { INFO: 'P5', WARNING: 'P3', CRITICAL: 'P1' }

export interface OpsGenie2Settings {
  readonly url: string
  readonly teams: readonly string[]
  readonly recipients: readonly string[]
  readonly recoveryAction: string
}

/** The request Kapacitor's preparePost builds: [url, body] (the body a Go map: sorted keys). */
export function opsGenie2Request(e: AlertEvent, s: OpsGenie2Settings): [string, string] {
  const alias = Buffer.from(e.id, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_')
  if (e.level === 'OK') {
    const u = new URL(s.url)
    u.pathname = [u.pathname.replace(/\/+$/, ''), alias, s.recoveryAction].join('/')
    u.search = 'identifierType=alias'
    return [u.toString(), goJSONLine({ note: e.message })]
  }
  const details: Record<string, string> = { 'Monitoring Tool': 'Kapacitor', Level: e.level }
  const row = e.data[0]
  if (row) {
    for (const [k, v] of Object.entries(row.tags)) details[k] = v
    details['Kapacitor Task Name'] = row.name
  }
  const responders = [
    ...s.teams.map((name) => ({ name, type: 'team' })),
    ...s.recipients.map((username) => ({ type: 'user', username })),
  ]
  return [s.url, goJSONLine({
    alias,
    description: resultJSON(e.data),
    details: sortedMap(details),
    entity: e.id,
    message: e.message,
    note: '',
    priority: PRIORITY[e.level] ?? '',
    ...(responders.length > 0 ? { responders } : {}),
  })]
}

export const opsGenie2Definition: HandlerDefinition = {
  kind: 'opsgenie2',
  tickName: 'opsGenie2',
  fromTick: (h) => {
    const teams = tickStrings(propArgs(h, 'teams'))
    const recipients = tickStrings(propArgs(h, 'recipients'))
    return compact({
      'teams-list': h.props.has('teams') ? teams : undefined,
      'recipients-list': h.props.has('recipients') ? recipients : undefined,
      recovery_action: tickStr(h, 'recoveryAction'),
    })
  },
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledSection(ctx, 'opsgenie2')
    const apiKey = str(c, 'api-key')
    if (apiKey === '') throw new Error('opsgenie2: no api-key configured ([opsgenie2] api-key)')
    const teams = strList(o, 'teams-list')
    const recipients = strList(o, 'recipients-list')
    const recoveryAction = str(o, 'recovery_action') || str(c, 'recovery_action') || 'notes'
    if (recoveryAction !== 'notes' && recoveryAction !== 'close') {
      throw new Error(`opsgenie2: recovery_action ${JSON.stringify(recoveryAction)} is neither notes nor close`)
    }
    const settings: OpsGenie2Settings = {
      url: str(c, 'url') || OPSGENIE2_URL,
      teams: teams.length > 0 ? teams : strList(c, 'teams'),
      recipients: recipients.length > 0 ? recipients : strList(c, 'recipients'),
      recoveryAction,
    }
    return {
      kind: 'opsgenie2',
      async handle(e, signal) {
        const [url, body] = opsGenie2Request(e, settings)
        await post('opsgenie2', url, body, signal, { ok: [202], headers: { Authorization: `GenieKey ${apiKey}` } })
      },
    }
  },
}
