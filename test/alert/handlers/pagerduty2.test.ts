import t from 'tap'
import { pagerDuty2Definition, pdTimestamp } from '../../../src/alert/handlers/pagerduty2.js'
import { pagerDuty2Handler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

t.test('TICKscript .pagerDuty2() properties become the topic-handler options', async (t) => {
  const h = handler(pagerDuty2Handler, [], { routingKey: [[str('rk')]], link: [[str('http://h/{{ .ID }}'), str('see {{ .TaskName }}')], [str('http://other')]] })
  t.same(pagerDuty2Definition.fromTick(h), { 'routing-key': 'rk', links: [{ href: 'http://h/{{ .ID }}', text: 'see {{ .TaskName }}' }, { href: 'http://other' }] })
})

t.test('Go timestamps with nine fraction digits', async (t) => {
  t.equal(pdTimestamp(31536010n * 1_000_000_000n), '1971-01-01T00:00:10.000000000Z')
  t.equal(pdTimestamp(31536010n * 1_000_000_000n + 1_500n), '1971-01-01T00:00:10.000001500Z')
})

t.test('posts the trigger event of TestStream_AlertPagerDuty2, and a resolve for OK', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  srv.status = 202
  const ctx = ctxWith({ pagerduty2: { enabled: true, url: srv.url + '/v2/enqueue', 'routing-key': 'conf-key' }, http: { 'bind-address': ':9093' } })
  const h = pagerDuty2Definition.create({ links: [{ href: 'http://example.com/{{ .ID }}', text: '{{ .TaskName }} {{ .Level }}' }, { href: 'http://example.com/b' }] }, ctx)
  await h.handle(testEvent(), signal())
  t.equal(srv.requests[0]!.url, '/v2/enqueue')
  t.equal(srv.requests[0]!.headers['content-type'], 'application/json')
  t.equal(srv.requests[0]!.headers['accept'], 'application/vnd.pagerduty+json;version=2')
  t.same(JSON.parse(srv.requests[0]!.body), {
    routing_key: 'conf-key',
    event_action: 'trigger',
    dedup_key: 'kapacitor/cpu/serverA',
    payload: {
      summary: 'kapacitor/cpu/serverA is CRITICAL',
      source: 'serverA',
      severity: 'critical',
      timestamp: '1971-01-01T00:00:10.000000000Z',
      class: 'testStreamAlert',
      component: '',
      group: '',
      custom_details: { result: { series: [{ name: 'cpu', tags: { host: 'serverA' }, columns: ['time', 'count'], values: [['1971-01-01T00:00:10Z', 10]] }] } },
    },
    images: null,
    links: [{ href: 'http://example.com/kapacitor/cpu/serverA', text: 'testStreamAlert CRITICAL' }, { href: 'http://example.com/b', text: 'http://example.com/b' }],
    client: 'kapacitor',
    client_url: 'http://localhost:9093',
  })
  const own = pagerDuty2Definition.create({ 'routing-key': 'handler-key' }, ctx)
  await own.handle(testEvent({ level: 'WARNING', tags: {}, data: [] }), signal())
  const w = JSON.parse(srv.requests[1]!.body)
  t.equal(w.routing_key, 'handler-key')
  t.equal(w.payload.severity, 'warning')
  t.equal(w.payload.source, 'unknown')
  t.equal(w.links, null)
  t.same(w.payload.custom_details, { result: { series: null } })
  await own.handle(testEvent({ level: 'OK' }), signal())
  t.same(JSON.parse(srv.requests[2]!.body), { routing_key: 'handler-key', dedup_key: 'kapacitor/cpu/serverA', event_action: 'resolve' })
  srv.status = 400
  await t.rejects(own.handle(testEvent(), signal()), /pagerduty2: .* answered 400/)
})

t.test('missing or disabled [pagerduty2], no routing key, bad link template: clear errors', async (t) => {
  t.throws(() => pagerDuty2Definition.create({}, ctxWith({})), /pagerduty2: no \[pagerduty2\] section/)
  t.throws(() => pagerDuty2Definition.create({}, ctxWith({ pagerduty2: { enabled: false, 'routing-key': 'k' } })), /pagerduty2: service is not enabled/)
  t.throws(() => pagerDuty2Definition.create({}, ctxWith({ pagerduty2: { enabled: true } })), /pagerduty2: no routing-key configured/)
  t.throws(() => pagerDuty2Definition.create({ links: [{ href: '{{ .ID' }] }, ctxWith({ pagerduty2: { enabled: true, 'routing-key': 'k' } })), /pagerduty2: bad link href template/)
})
