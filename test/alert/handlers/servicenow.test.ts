import t from 'tap'
import { serviceNowDefinition } from '../../../src/alert/handlers/servicenow.js'
import { serviceNowHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

t.test('TICKscript .serviceNow() properties become the topic-handler options', async (t) => {
  const h = handler(serviceNowHandler, [], {
    source: [[str('kapacitor')]], node: [[str('{{ index .Tags "host" }}')]], type: [[str('cpu')]], resource: [[str('cpu-total')]],
    metricName: [[str('usage')]], messageKey: [[str('{{ .ID }}')]], additionalInfo: [[str('link'), str('http://x/{{ .Name }}')]],
  })
  t.same(serviceNowDefinition.fromTick(h), {
    source: 'kapacitor', node: '{{ index .Tags "host" }}', type: 'cpu', resource: 'cpu-total', metricName: 'usage', messageKey: '{{ .ID }}',
    additional_info: { link: 'http://x/{{ .Name }}' },
  })
})

t.test('posts the event record to the configured url with BASIC auth', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({ servicenow: { enabled: true, url: `${srv.url}/api/global/em/jsonv2`, source: 'Kapacitor', username: 'user', password: 'pass' } })
  const plain = serviceNowDefinition.create({}, ctx)
  await plain.handle(testEvent(), signal())
  const r = srv.requests[0]!
  t.equal(r.method, 'POST')
  t.equal(r.url, '/api/global/em/jsonv2')
  t.equal(r.headers['authorization'], `Basic ${Buffer.from('user:pass').toString('base64')}`)
  t.equal(r.headers['content-type'], 'application/json')
  t.equal(r.body, '{"records":[{"source":"Kapacitor","message_key":"kapacitor/cpu/serverA","severity":"1","description":"kapacitor/cpu/serverA is CRITICAL"}]}',
    'empty fields left out, message_key defaults to the alert id, CRITICAL is 1')

  const full = serviceNowDefinition.create({
    source: 'Own', node: '{{ index .Tags "host" }}', type: 'CPU', resource: 'CPU-Total', metricName: 'usage_user', messageKey: 'Alert: {{ .ID }}',
    additional_info: { link: 'http://x/{{ .Name }}/{{ .TaskName }}', count: '{{ index .Fields "count" }}' },
  }, ctx)
  await full.handle(testEvent({ level: 'WARNING' }), signal())
  t.same(JSON.parse(srv.requests[1]!.body), {
    records: [{
      source: 'Own', node: 'serverA', type: 'CPU', resource: 'CPU-Total', metric_name: 'usage_user', message_key: 'Alert: kapacitor/cpu/serverA',
      severity: '4', description: 'kapacitor/cpu/serverA is CRITICAL', additional_info: '{"count":"10","link":"http://x/cpu/testStreamAlert"}',
    }],
  })
  const sev: string[] = []
  for (const level of ['OK', 'INFO'] as const) {
    await plain.handle(testEvent({ level }), signal())
    sev.push(JSON.parse(srv.requests.at(-1)!.body).records[0].severity)
  }
  t.same(sev, ['5', '5'], 'OK and INFO are 5')
  await plain.handle(testEvent({ message: 'x'.repeat(4100) }), signal())
  t.equal(JSON.parse(srv.requests.at(-1)!.body).records[0].description.length, 4000, 'description is cut at 4000 bytes')

  const noAuth = serviceNowDefinition.create({}, ctxWith({ servicenow: { enabled: true, url: srv.url, username: 'only-user' } }))
  await noAuth.handle(testEvent(), signal())
  t.notOk(srv.requests.at(-1)!.headers['authorization'], 'no BASIC auth without both username and password')
  t.equal(JSON.parse(srv.requests.at(-1)!.body).records[0].source, '', 'source is always sent')
})

t.test('only 200 is delivered', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const h = serviceNowDefinition.create({}, ctxWith({ servicenow: { enabled: true, url: srv.url } }))
  srv.status = 201
  await t.rejects(h.handle(testEvent(), signal()), /servicenow: .* answered 201/)
  srv.status = 500
  await t.rejects(h.handle(testEvent(), signal()), /servicenow: .* answered 500/)
})

t.test('missing or disabled [servicenow], no url, bad template: clear errors', async (t) => {
  t.throws(() => serviceNowDefinition.create({}, ctxWith({})), /servicenow: no \[servicenow\] section/)
  t.throws(() => serviceNowDefinition.create({}, ctxWith({ servicenow: { url: 'http://x' } })), /servicenow: service is not enabled/)
  t.throws(() => serviceNowDefinition.create({}, ctxWith({ servicenow: { enabled: true } })), /servicenow: no url configured/)
  t.throws(() => serviceNowDefinition.create({ node: '{{ .X' }, ctxWith({ servicenow: { enabled: true, url: 'http://x' } })), /servicenow: bad node template/)
})
