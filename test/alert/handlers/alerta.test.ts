import t from 'tap'
import { alertaDefinition } from '../../../src/alert/handlers/alerta.js'
import { alertaHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

t.test('TICKscript .alerta() properties become the topic-handler options', async (t) => {
  const h = handler(alertaHandler, [], {
    token: [[str('tok')]], resource: [[str('r')]], environment: [[str('production')]], origin: [[str('o')]],
    services: [[str('a'), str('b')]], correlated: [[str('c1')], [str('c2')]], attribute: [[str('k'), str('v')]],
    timeout: [[{ type: 'duration', ns: 3_600_000_000_000n }]],
  })
  t.same(alertaDefinition.fromTick(h), {
    token: 'tok', resource: 'r', environment: 'production', origin: 'o', service: ['a', 'b'], correlate: ['c1', 'c2'], attributes: { k: 'v' }, timeout: '1h0m0s',
  })
})

t.test('posts the alert of TestStream_AlertAlerta to <url>/alert', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  srv.status = 201
  const ctx = ctxWith({ alerta: { enabled: true, url: srv.url, token: 'testtoken1234567', origin: 'Kapacitor', environment: 'conf-env' } })
  const h = alertaDefinition.create({ environment: 'production', value: '{{ index .Fields "count" }}', service: ['{{ .Name }}-svc'] }, ctx)
  await h.handle(testEvent(), signal())
  const r = srv.requests[0]!
  t.equal(r.url, '/alert')
  t.equal(r.headers['authorization'], 'Bearer testtoken1234567')
  t.same(JSON.parse(r.body), {
    resource: 'cpu',
    event: 'kapacitor/cpu/serverA',
    environment: 'production',
    severity: 'critical',
    group: 'host=serverA',
    value: '10',
    text: 'kapacitor/cpu/serverA is CRITICAL',
    origin: 'Kapacitor',
    service: ['cpu-svc'],
    correlate: ['cpu'],
    timeout: 86400,
    tags: ['host=serverA'],
    rawData: { series: [{ name: 'cpu', tags: { host: 'serverA' }, columns: ['time', 'count'], values: [['1971-01-01T00:00:10Z', 10]] }] },
  })
  const d = alertaDefinition.create({ token: 'own', 'token-prefix': 'Key', timeout: '1h', resource: 'res', event: 'ev', correlate: ['{{ .Name }}-a', 'b'], attributes: { x: 'y' }, 'rename-severities': { ok: 'normal' } }, ctx)
  await d.handle(testEvent({ level: 'OK' }), signal())
  const b = JSON.parse(srv.requests[1]!.body)
  t.equal(srv.requests[1]!.headers['authorization'], 'Key own')
  t.equal(b.severity, 'normal', 'rename-severities')
  t.equal(b.environment, 'conf-env')
  t.equal(b.timeout, 3600)
  t.same(b.service, ['cpu'], 'without services the measurement is the service')
  t.same(b.correlate, ['cpu-a', 'b'])
  t.same(b.attributes, { x: 'y' })
  srv.status = 200
  await t.rejects(d.handle(testEvent(), signal()), /alerta: .* answered 200/)
})

t.test('missing or disabled [alerta], no url, bad template: clear errors', async (t) => {
  t.throws(() => alertaDefinition.create({}, ctxWith({})), /alerta: no \[alerta\] section/)
  t.throws(() => alertaDefinition.create({}, ctxWith({ alerta: { url: 'http://x' } })), /alerta: service is not enabled/)
  t.throws(() => alertaDefinition.create({}, ctxWith({ alerta: { enabled: true } })), /alerta: no url configured/)
  t.throws(() => alertaDefinition.create({ resource: '{{ .X' }, ctxWith({ alerta: { enabled: true, url: 'http://x' } })), /alerta: bad resource template/)
  t.throws(() => alertaDefinition.create({ timeout: 'soon' }, ctxWith({ alerta: { enabled: true, url: 'http://x' } })), /alerta: bad timeout/)
})
