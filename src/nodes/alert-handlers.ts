/**
 * The alert handlers as TICKscript declares them: each is an alert property method
 * (`.slack()`) returning a handler whose own properties can be set; the alert's
 * properties stay callable after it. Their runtimes live in src/alert/.
 */
import { defineHandler, duration, flag, float, int, oneOf, optional, param, prop, string, variadic, optionalProp, bool, type HandlerSpec } from './define-node.js'

const kv = (k = 'key', v = 'value') => prop([param(k, string()), param(v, string())], { repeat: 'append' })
/** a variadic string-list property; Kapacitor assigns the list (`og.TeamsList = teams`), so a later call replaces it */
const strings = (name = 'values') => prop([variadic(string(), name)])
/** an appending list property: email's `.to()` (`h.ToList = append(h.ToList, to...)`); also `.toTemplates()` and alerta's `.correlated()`, as before */
const appendStrings = (name = 'values') => prop([variadic(string(), name)], { repeat: 'append' })

export const logHandler = defineHandler({
  name: 'log', doc: 'Appends each event as a JSON line to a file.',
  args: [param('path', string())],
  properties: { mode: prop(int(), { default: 0o600n, doc: 'File mode when creating the file.' }) },
})
export const postHandler = defineHandler({
  name: 'post', doc: 'POSTs the event JSON to a URL or a configured [[httppost]] endpoint.',
  // Kapacitor: `Post(urls ...string)` — any number of URLs, the first one is used
  args: [variadic(string(), 'urls')],
  properties: {
    endpoint: prop(string()), header: kv(), captureResponse: flag(), timeout: prop(duration(), { default: 0n }), skipSSLVerification: flag(),
  },
})
export const tcpHandler = defineHandler({ name: 'tcp', doc: 'Sends the event JSON to a TCP address.', args: [param('address', string())] })
export const execHandler = defineHandler({
  name: 'exec', doc: 'Runs a program with the event JSON on stdin.',
  args: [param('program', string()), variadic(string(), 'args')],
})
export const emailHandler = defineHandler({
  name: 'email', kind: 'smtp', doc: 'Sends an email via [smtp].', global: true, stateChangesOnly: true,
  args: [variadic(string(), 'to')],
  properties: { to: appendStrings('to'), toTemplates: appendStrings('templates') },
})
export const slackHandler = defineHandler({
  name: 'slack', doc: 'Posts to Slack.', global: true, stateChangesOnly: true,
  properties: { workspace: prop(string()), channel: prop(string()), username: prop(string()), iconEmoji: prop(string()) },
})
export const pagerDutyHandler = defineHandler({
  name: 'pagerDuty', doc: 'Triggers a PagerDuty (v1) incident.', global: true,
  properties: { serviceKey: prop(string()) },
})
export const pagerDuty2Handler = defineHandler({
  name: 'pagerDuty2', doc: 'Triggers a PagerDuty (v2 events) incident.', global: true,
  properties: {
    routingKey: prop(string()),
    serviceKey: prop(string(), { aliasOf: 'routingKey' }),
    link: prop([param('href', string()), optional(string(), 'text')], { repeat: 'append' }),
  },
})
export const opsGenieHandler = defineHandler({
  name: 'opsGenie', doc: 'Creates an OpsGenie (v1) alert.', global: true,
  properties: { teams: strings('teams'), recipients: strings('recipients') },
})
export const opsGenie2Handler = defineHandler({
  name: 'opsGenie2', doc: 'Creates an OpsGenie (v2) alert.', global: true,
  properties: { teams: strings('teams'), recipients: strings('recipients'), recoveryAction: prop(string()) },
})
export const victorOpsHandler = defineHandler({
  name: 'victorOps', doc: 'Sends to VictorOps.', global: true,
  properties: { routingKey: prop(string()) },
})
export const telegramHandler = defineHandler({
  name: 'telegram', doc: 'Sends a Telegram message.', global: true, stateChangesOnly: true,
  properties: { chatId: prop(string()), parseMode: prop(string()), disableWebPagePreview: flag(), disableNotification: flag() },
})
export const hipChatHandler = defineHandler({
  name: 'hipChat', doc: 'Posts to a HipChat room.', global: true, stateChangesOnly: true,
  properties: { room: prop(string()), token: prop(string()) },
})
export const alertaHandler = defineHandler({
  name: 'alerta', doc: 'Sends to Alerta.',
  properties: {
    token: prop(string()), resource: prop(string(), { default: '{{ .Name }}' }), event: prop(string(), { default: '{{ .ID }}' }),
    environment: prop(string()), group: prop(string(), { default: '{{ .Group }}' }), value: prop(string()), origin: prop(string()),
    services: strings('services'), correlated: appendStrings('events'), attribute: kv(), timeout: prop(duration(), { default: 0n }),
  },
})
export const sensuHandler = defineHandler({
  name: 'sensu', doc: 'Sends a Sensu check result.',
  properties: {
    source: prop(string(), { default: 'Kapacitor' }), handlers: strings('handlers'),
    // Kapacitor: `Metadata(key string, value interface{})` — the value may be a string, int, float or bool
    metadata: prop([param('key', string()), param('value', oneOf(string(), int(), float(), bool()))], { repeat: 'append' }),
  },
})
export const pushoverHandler = defineHandler({
  name: 'pushover', doc: 'Sends a Pushover notification.',
  properties: {
    userKey: prop(string()), device: prop(string()), title: prop(string()), URL: prop(string()), URLTitle: prop(string()), sound: prop(string()),
  },
})
export const mqttHandler = defineHandler({
  name: 'mqtt', doc: 'Publishes the message to an MQTT topic.',
  args: [param('topic', string())],
  properties: { brokerName: prop(string()), qos: prop(int(), { default: 0n }), retained: optionalProp(bool(), { default: false }) },
})
export const snmpTrapHandler = defineHandler({
  name: 'snmpTrap', kind: 'snmptrap', doc: 'Sends an SNMP trap.',
  args: [param('trapOid', string())],
  properties: { data: prop([param('oid', string()), param('type', string()), param('value', string())], { repeat: 'append' }) },
})
export const kafkaHandler = defineHandler({
  name: 'kafka', doc: 'Writes the event to a Kafka topic.',
  properties: {
    cluster: prop(string()), kafkaTopic: prop(string()), template: prop(string()),
    disablePartitionById: flag(), partitionHashAlgorithm: prop(string(), { default: 'crc32' }),
  },
})
export const teamsHandler = defineHandler({
  name: 'teams', doc: 'Posts to a Microsoft Teams channel.', global: true, stateChangesOnly: true,
  properties: { channelURL: prop(string()) },
})
export const discordHandler = defineHandler({
  name: 'discord', doc: 'Posts to a Discord webhook.', global: true, stateChangesOnly: true,
  properties: { workspace: prop(string()), username: prop(string()), avatarURL: prop(string()), embedTitle: prop(string()) },
})
export const bigPandaHandler = defineHandler({
  name: 'bigPanda', doc: 'Sends to BigPanda.', global: true, stateChangesOnly: true,
  properties: { appKey: prop(string()), host: prop(string()), primaryProperty: prop(string()), secondaryProperty: prop(string()), attribute: kv() },
})
export const serviceNowHandler = defineHandler({
  name: 'serviceNow', doc: 'Creates a ServiceNow event.', global: true, stateChangesOnly: true,
  properties: {
    URL: prop(string()), username: prop(string()), password: prop(string()), source: prop(string()), node: prop(string()),
    type: prop(string()), resource: prop(string()), metricName: prop(string()), messageKey: prop(string()), additionalInfo: kv(),
  },
})
export const zenossHandler = defineHandler({
  name: 'zenoss', doc: 'Creates a Zenoss event.', global: true, stateChangesOnly: true,
  properties: {
    URL: prop(string()), username: prop(string()), password: prop(string()), action: prop(string()), method: prop(string()),
    type: prop(string()), tid: prop(int()), collector: prop(string()), summary: prop(string()), device: prop(string()),
    component: prop(string()), eventClassKey: prop(string()), eventClass: prop(string()), message: prop(string()), customField: kv(),
  },
})
export const talkHandler = defineHandler({ name: 'talk', doc: 'Posts to Talk.' })

export const ALERT_HANDLERS: readonly HandlerSpec[] = [
  logHandler, postHandler, tcpHandler, execHandler, emailHandler, slackHandler, pagerDutyHandler, pagerDuty2Handler,
  opsGenieHandler, opsGenie2Handler, victorOpsHandler, telegramHandler, hipChatHandler, alertaHandler, sensuHandler,
  pushoverHandler, mqttHandler, snmpTrapHandler, kafkaHandler, teamsHandler, discordHandler, bigPandaHandler,
  serviceNowHandler, zenossHandler, talkHandler,
]

/** Topic-handler kinds accepted by the API besides the handlers above. */
export const TOPIC_ONLY_HANDLER_KINDS: readonly string[] = ['aggregate', 'publish']
