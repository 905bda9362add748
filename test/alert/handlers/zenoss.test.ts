import t from 'tap'
import { zenossDefinition } from '../../../src/alert/handlers/zenoss.js'
import { zenossHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, int, Recorder, signal, str, testEvent } from './service-helpers.js'

t.test('TICKscript .zenoss() properties become the topic-handler options', async (t) => {
  const h = handler(zenossHandler, [], {
    action: [[str('EventsRouter')]], method: [[str('add_event')]], type: [[str('rpc')]], tid: [[int(2)]], summary: [[str('s')]],
    device: [[str('{{ index .Tags "host" }}')]], component: [[str('c')]], eventClassKey: [[str('k')]], eventClass: [[str('/App')]],
    collector: [[str('col')]], message: [[str('m')]], customField: [[str('a'), str('1')], [str('b'), str('{"x":1}')]],
  })
  t.same(zenossDefinition.fromTick(h), {
    action: 'EventsRouter', method: 'add_event', type: 'rpc', tid: 2, summary: 's', device: '{{ index .Tags "host" }}', component: 'c',
    eventClassKey: 'k', eventClass: '/App', collector: 'col', message: 'm', customField: { a: '1', b: '{"x":1}' },
  })
})

t.test('posts the JSON-RPC call with config defaults and BASIC auth', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({ zenoss: { enabled: true, url: `${srv.url}/zport/dmd/evconsole_router`, username: 'u', password: 'p', collector: 'Kapacitor' } })
  const plain = zenossDefinition.create({}, ctx)
  await plain.handle(testEvent(), signal())
  const r = srv.requests[0]!
  t.equal(r.method, 'POST')
  t.equal(r.url, '/zport/dmd/evconsole_router')
  t.equal(r.headers['authorization'], `Basic ${Buffer.from('u:p').toString('base64')}`)
  t.equal(r.body, '{"action":"EventsRouter","method":"add_event","data":[{"collector":"Kapacitor","component":"","device":"","evclass":"","evclasskey":"","severity":"Critical","summary":"kapacitor/cpu/serverA is CRITICAL"}],"type":"rpc","tid":1}',
    'summary defaults to the message, severity from the default map')
  const sev: unknown[] = []
  for (const level of ['OK', 'INFO', 'WARNING'] as const) {
    await plain.handle(testEvent({ level }), signal())
    sev.push(JSON.parse(srv.requests.at(-1)!.body).data[0].severity)
  }
  t.same(sev, ['Clear', 'Info', 'Warning'])

  const full = zenossDefinition.create({
    action: 'A', method: 'M', type: 'T', tid: 7, summary: '{{ .Level }} on {{ index .Tags "host" }}', device: '{{ index .Tags "host" }}',
    component: '{{ .Name }}', eventClassKey: 'key-{{ .TaskName }}', eventClass: '/App', collector: 'col-{{ .ID }}', message: '{{ .Message }}!',
    customField: { plain: 'v {{ .ID }}', obj: '{"b":2,"a":[1,2.5]}', notjson: '{oops', num: 3 },
  }, ctx)
  await full.handle(testEvent(), signal())
  t.equal(srv.requests.at(-1)!.body,
    '{"action":"A","method":"M","data":[{"collector":"col-kapacitor/cpu/serverA","component":"cpu","device":"serverA","evclass":"/App","evclasskey":"key-testStreamAlert",' +
    '"message":"kapacitor/cpu/serverA is CRITICAL!","notjson":"{oops","num":3,"obj":{"a":[1,2.5],"b":2},"plain":"v kapacitor/cpu/serverA","severity":"Critical","summary":"CRITICAL on serverA"}],"type":"T","tid":7}')

  const mapped = zenossDefinition.create({}, ctxWith({ zenoss: { enabled: true, url: srv.url, tid: 3n, 'severity-map': { OK: 0n, Info: 2n, Warning: 3n, Critical: 5n } } }))
  await mapped.handle(testEvent(), signal())
  const b = JSON.parse(srv.requests.at(-1)!.body)
  t.equal(b.data[0].severity, 5, 'a numeric severity-map value is sent as a number')
  t.equal(b.tid, 3)
  t.notOk('collector' in b.data[0], 'no collector without one configured')
  t.notOk(srv.requests.at(-1)!.headers['authorization'], 'no BASIC auth without credentials')
})

t.test('only 200 is delivered', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const h = zenossDefinition.create({}, ctxWith({ zenoss: { enabled: true, url: srv.url } }))
  srv.status = 201
  await t.rejects(h.handle(testEvent(), signal()), /zenoss: .* answered 201/)
  srv.status = 401
  await t.rejects(h.handle(testEvent(), signal()), /zenoss: .* answered 401/)
})

t.test('missing or disabled [zenoss], bad options: clear errors', async (t) => {
  t.throws(() => zenossDefinition.create({}, ctxWith({})), /zenoss: no \[zenoss\] section/)
  t.throws(() => zenossDefinition.create({}, ctxWith({ zenoss: { url: 'http://x' } })), /zenoss: service is not enabled/)
  t.throws(() => zenossDefinition.create({ summary: '{{ .X' }, ctxWith({ zenoss: { enabled: true } })), /zenoss: bad summary template/)
  t.throws(() => zenossDefinition.create({ tid: 'one' }, ctxWith({ zenoss: { enabled: true } })), /zenoss: bad tid/)
  t.throws(() => zenossDefinition.create({}, ctxWith({ zenoss: { enabled: true, url: 'nope' } })), /zenoss: invalid url/)
})
