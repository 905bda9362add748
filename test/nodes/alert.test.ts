/** The alert node, its handlers, and deadman (which returns an alert node). */
import t from 'tap'
import { nodeSpec, handlerOf, resolveMember, memberNames, suggestMember, typeName, ALERT_HANDLERS } from '../../src/nodes/index.js'
import { f, i, problems } from './helpers.js'

const HANDLERS = [
  'log', 'post', 'tcp', 'exec', 'email', 'slack', 'pagerDuty', 'pagerDuty2', 'opsGenie', 'opsGenie2', 'victorOps', 'telegram',
  'hipChat', 'alerta', 'sensu', 'pushover', 'mqtt', 'snmpTrap', 'kafka', 'teams', 'discord', 'bigPanda', 'serviceNow', 'zenoss', 'talk',
]

t.test('every handler of §4.3 is declared on alert and deadman', async (t) => {
  t.same(ALERT_HANDLERS.map((h) => h.name), HANDLERS)
  for (const name of HANDLERS) {
    t.ok(handlerOf(nodeSpec('alert')!, name), `alert.${name}()`)
    t.ok(handlerOf(nodeSpec('deadman')!, name), `deadman.${name}()`)
  }
  t.equal(handlerOf(nodeSpec('alert')!, 'email')!.kind, 'smtp')
  t.equal(handlerOf(nodeSpec('alert')!, 'snmpTrap')!.kind, 'snmptrap')
  t.equal(handlerOf(nodeSpec('alert')!, 'pagerDuty2')!.kind, 'pagerduty2')
  t.ok(handlerOf(nodeSpec('alert')!, 'slack')!.global)
  t.ok(handlerOf(nodeSpec('alert')!, 'slack')!.stateChangesOnly)
  t.notOk(handlerOf(nodeSpec('alert')!, 'post')!.global)
})

t.test('handler properties, and alert properties remain callable after a handler', async (t) => {
  const alert = nodeSpec('alert')!
  const post = handlerOf(alert, 'post')!
  t.same(Object.keys(post.properties).sort(), ['captureResponse', 'endpoint', 'header', 'skipSSLVerification', 'timeout'])
  t.equal(post.args.map((a) => `${typeName(a.type)}${a.optional ? '?' : ''}`).join(','), 'string?')
  t.equal(resolveMember(alert, 'header', post)?.kind, 'handlerProperty')
  t.equal(resolveMember(alert, 'crit', post)?.kind, 'property', 'alert property after .post()')
  t.equal(resolveMember(alert, 'slack', post)?.kind, 'handler', 'another handler after .post()')
  t.equal(resolveMember(alert, 'header'), undefined, 'header is not an alert property')
  t.equal(resolveMember(alert, 'quiet')?.kind, 'property')
  const zenoss = handlerOf(alert, 'zenoss')!
  const m = resolveMember(alert, 'message', zenoss)
  t.equal(m?.kind, 'handlerProperty', "zenoss's own .message() wins after .zenoss()")
  t.equal(resolveMember(alert, 'message')?.kind, 'property')
  t.ok(memberNames(alert, post).includes('header'))
  t.equal(suggestMember(alert, 'chanel', handlerOf(alert, 'slack')), 'channel')
  t.equal(handlerOf(alert, 'pagerDuty2')!.properties.serviceKey!.aliasOf, 'routingKey')
  t.equal(handlerOf(alert, 'exec')!.args.map((a) => a.variadic).join(), 'false,true')
  t.equal(handlerOf(alert, 'log')!.properties.mode!.default, 0o600n)
  t.equal(handlerOf(alert, 'alerta')!.properties.resource!.default, '{{ .Name }}')
  t.equal(handlerOf(alert, 'sensu')!.properties.source!.default, 'Kapacitor')
})

t.test('alert stats and validation', async (t) => {
  const alert = nodeSpec('alert')!
  t.same(alert.stats, ['alerts_triggered', 'alerts_inhibited', 'oks_triggered', 'infos_triggered', 'warns_triggered', 'crits_triggered'])
  t.same(problems(alert, []), [])
  t.match(problems(alert, [], { history: [[i(1)]] }), [/history/])
  t.same(problems(alert, [], { flapping: [[f(0.25), f(0.5)]] }), [])
  t.match(problems(alert, [], { flapping: [[f(0.6), f(0.5)]] }), [/less than high/])
})

t.test('deadman expands into stats|derivative|alert', async (t) => {
  const d = nodeSpec('deadman')!
  t.same(d.expandsTo, ['stats', 'derivative', 'alert'])
  t.equal(d.desc, 'alert')
  t.same(Object.keys(d.properties), Object.keys(nodeSpec('alert')!.properties))
})
