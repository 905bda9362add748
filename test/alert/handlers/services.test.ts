import t from 'tap'
import { definePipeline } from '../../../src/interp/eval/define.js'
import { createHandlerFactory, handlerByKind, tickHandlerOptions } from '../../../src/alert/handlers/index.js'
import { SERVICE_HANDLERS } from '../../../src/alert/handlers/services.js'
import { ALERT_HANDLERS } from '../../../src/nodes/alert-handlers.js'
import type { HandlerInstance } from '../../../src/nodes/define-node.js'
import { ctxWith, Recorder, signal, testEvent } from './service-helpers.js'

function handlersOf(chain: string): readonly HandlerInstance[] {
  const d = definePipeline(`stream|from().measurement('cpu')|alert().crit(lambda: TRUE)${chain}`, { dbrps: [{ db: 'db', rp: 'rp' }] })
  return d.pipeline.nodes.find((n) => n.type === 'alert')!.handlers
}

t.test('each service handler is the one its TICKscript spec names (tick name and kind)', async (t) => {
  t.equal(SERVICE_HANDLERS.length, 17)
  for (const def of SERVICE_HANDLERS) {
    const spec = ALERT_HANDLERS.find((s) => s.name === def.tickName)
    t.ok(spec, `${def.tickName} is an alert handler property`)
    t.equal(spec?.kind, def.kind, `${def.tickName} has kind ${def.kind}`)
    t.equal(handlerByKind(def.kind), def, `${def.kind} is registered once`)
  }
})

t.test('TICKscript handler calls, as the evaluator builds them, become topic-handler options', async (t) => {
  const hs = handlersOf(
    ".email('a@example.com').to('b@example.com')" +
    ".slack().workspace('w').channel('#alerts').iconEmoji(':x:')" +
    ".mqtt('alerts/cpu').brokerName('b').qos(2).retained()" +
    ".pagerDuty2().serviceKey('sk').link('http://h/{{ .ID }}', 'id')" +
    // `.teams()` after `.opsGenie2()` would set opsGenie2's teams, in Kapacitor too
    ".teams().channelURL('http://teams')" +
    ".opsGenie2().teams('t1', 't2').recipients('r').recoveryAction('close')" +
    ".discord().username('u').embedTitle('{{ .Level }}')" +
    ".telegram().chatId('1').parseMode('HTML').disableNotification()" +
    ".victorOps().routingKey('rk')" +
    ".alerta().environment('prod').services('s').timeout(1h)" +
    ".sensu().source('src').handlers('h').metadata('k', 1)" +
    ".pushover().userKey('uk').sound('siren')",
  )
  t.same(hs.map(tickHandlerOptions), [
    { kind: 'smtp', options: { to: ['a@example.com', 'b@example.com'] } },
    { kind: 'slack', options: { workspace: 'w', channel: '#alerts', 'icon-emoji': ':x:' } },
    { kind: 'mqtt', options: { 'broker-name': 'b', topic: 'alerts/cpu', qos: 2, retained: true } },
    { kind: 'pagerduty2', options: { 'routing-key': 'sk', links: [{ href: 'http://h/{{ .ID }}', text: 'id' }] } },
    { kind: 'teams', options: { 'channel-url': 'http://teams' } },
    { kind: 'opsgenie2', options: { 'teams-list': ['t1', 't2'], 'recipients-list': ['r'], recovery_action: 'close' } },
    { kind: 'discord', options: { username: 'u', 'embed-title': '{{ .Level }}' } },
    { kind: 'telegram', options: { 'chat-id': '1', 'parse-mode': 'HTML', 'disable-notification': true } },
    { kind: 'victorops', options: { 'routing-key': 'rk' } },
    { kind: 'alerta', options: { environment: 'prod', service: ['s'], timeout: '1h0m0s' } },
    { kind: 'sensu', options: { source: 'src', handlers: ['h'], metadata: { k: 1 } } },
    { kind: 'pushover', options: { 'user-key': 'uk', sound: 'siren' } },
  ])
})

t.test('script → options → the daemon factory → a delivered message', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const factory = createHandlerFactory(ctxWith({ slack: [{ enabled: true, url: srv.url + '/test/slack/url', channel: '#channel' }] }))
  const hs = handlersOf(".slack().channel('#alerts').slack().channel('@jim')")
  for (const h of hs) {
    const { kind, options } = tickHandlerOptions(h)
    await factory(kind, options).handle(testEvent(), signal())
  }
  t.same(srv.requests.map((r) => JSON.parse(r.body).channel), ['#alerts', '@jim'])
  t.throws(() => factory('telegram', {}), /telegram: no \[telegram\] section/)
})
