import t from 'tap'
import { pagerDutyDefinition } from '../../../src/alert/handlers/pagerduty.js'
import { pagerDutyHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

t.test('TICKscript .pagerDuty().serviceKey() becomes the topic-handler option', async (t) => {
  t.same(pagerDutyDefinition.fromTick(handler(pagerDutyHandler, [], { serviceKey: [[str('sk')]] })), { 'service-key': 'sk' })
  t.same(pagerDutyDefinition.fromTick(handler(pagerDutyHandler)), {})
})

t.test('v1 events: trigger for WARNING/CRITICAL, resolve for OK, INFO not sent; Kapacitor\'s body byte for byte', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({ pagerduty: { enabled: true, url: srv.url + '/generic/2010-04-15/create_event.json', 'service-key': 'conf-key' }, http: { 'bind-address': ':9093' } })
  const h = pagerDutyDefinition.create({}, ctx)
  await h.handle(testEvent(), signal())
  t.equal(srv.requests[0]!.url, '/generic/2010-04-15/create_event.json')
  t.equal(srv.requests[0]!.headers['content-type'], 'application/json')
  // Go's json.Encoder over a map[string]string: keys sorted, a trailing newline
  t.equal(srv.requests[0]!.body,
    '{"client":"kapacitor","client_url":"http://localhost:9093","description":"kapacitor/cpu/serverA is CRITICAL","details":"details",' +
    '"event_type":"trigger","incident_key":"kapacitor/cpu/serverA","service_key":"conf-key"}\n')

  const own = pagerDutyDefinition.create({ 'service-key': 'handler-key' }, ctx)
  await own.handle(testEvent({ level: 'WARNING' }), signal())
  t.match(JSON.parse(srv.requests[1]!.body), { event_type: 'trigger', service_key: 'handler-key' })
  await own.handle(testEvent({ level: 'OK' }), signal())
  t.match(JSON.parse(srv.requests[2]!.body), { event_type: 'resolve', incident_key: 'kapacitor/cpu/serverA' })
  await t.rejects(own.handle(testEvent({ level: 'INFO' }), signal()), { name: 'UndeliverableError', message: /AlertLevel 'info' is currently ignored by the PagerDuty service/ })
  t.equal(srv.requests.length, 3, 'INFO was not sent')
  srv.status = 400
  await t.rejects(own.handle(testEvent(), signal()), /pagerduty: .* answered 400/)
})

t.test('missing or disabled [pagerduty]: clear errors', async (t) => {
  t.throws(() => pagerDutyDefinition.create({}, ctxWith({})), /pagerduty: no \[pagerduty\] section/)
  t.throws(() => pagerDutyDefinition.create({}, ctxWith({ pagerduty: { enabled: false } })), /pagerduty: service is not enabled/)
})
