import t from 'tap'
import { bigPandaDefinition } from '../../../src/alert/handlers/bigpanda.js'
import { bigPandaHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

// Kapacitor's TestService_SerializeEventData event: id "id", message "message", details
// "details", OK at 1971-01-01T00:00:38Z, measurement "test", no task name, no tags.
const T38 = 31536038n * 1_000_000_000n
const serializeEvent = (fields: Record<string, unknown>) => testEvent({
  id: 'id', message: 'message', details: 'details', level: 'OK', time: T38, taskName: '', name: 'test', tags: {}, fields,
  data: [{ name: 'test', tags: {}, columns: ['time'], values: [[T38]] }],
})

t.test('TICKscript .bigPanda() properties become the topic-handler options', async (t) => {
  const h = handler(bigPandaHandler, [], {
    appKey: [[str('bp-key')]], primaryProperty: [[str('host')]], secondaryProperty: [[str('check')]], host: [[str('{{ .Tags.host }}')]],
    attribute: [[str('monitor_link'), str('http://example.com/{{ .Tags.host }}')], [str('x'), str('y')]],
  })
  t.same(bigPandaDefinition.fromTick(h), {
    'app-key': 'bp-key', 'primary-property': 'host', 'secondary-property': 'check', host: '{{ .Tags.host }}',
    attributes: { monitor_link: 'http://example.com/{{ .Tags.host }}', x: 'y' },
  })
  t.same(bigPandaDefinition.fromTick(handler(bigPandaHandler)), {}, 'a bare .bigPanda() sets nothing')
})

t.test("Kapacitor's serialized bodies, byte for byte (TestService_SerializeEventData)", async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  srv.status = 201
  const h = bigPandaDefinition.create({}, ctxWith({ bigpanda: { enabled: true, 'app-key': 'key', token: 'tok', url: `${srv.url}/data/v2/alerts` } }))
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ primitive_type: 10n }, '{"app_key":"key","check":"id","description":"message","details":"details","primitive_type":"10","status":"ok","task":":test","timestamp":31536038}'],
    [{ primitive_type: 'string' }, '{"app_key":"key","check":"id","description":"message","details":"details","primitive_type":"string","status":"ok","task":":test","timestamp":31536038}'],
    [{ primitive_type: true }, '{"app_key":"key","check":"id","description":"message","details":"details","primitive_type":"true","status":"ok","task":":test","timestamp":31536038}'],
    [{ primitive_type: 123.45 }, '{"app_key":"key","check":"id","description":"message","details":"details","primitive_type":"123.45","status":"ok","task":":test","timestamp":31536038}'],
    [{ escape: '\n' }, '{"app_key":"key","check":"id","description":"message","details":"details","escape":"\\n","status":"ok","task":":test","timestamp":31536038}'],
    [{ array: [10n, true, 'string value'] }, '{"app_key":"key","array":"[10,true,\\"string value\\"]","check":"id","description":"message","details":"details","status":"ok","task":":test","timestamp":31536038}'],
  ]
  for (const [fields] of cases) await h.handle(serializeEvent(fields), signal())
  t.same(srv.requests.map((r) => r.body), cases.map(([, exp]) => exp))
  const r = srv.requests[0]!
  t.equal(r.method, 'POST')
  t.equal(r.url, '/data/v2/alerts')
  t.equal(r.headers['authorization'], 'Bearer tok')
  t.equal(r.headers['content-type'], 'application/json')
})

t.test('levels, tags, options and details as Kapacitor sends them', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  srv.status = 201
  const ctx = ctxWith({ bigpanda: { enabled: true, 'app-key': 'conf-key', token: 't', url: srv.url } })
  const plain = bigPandaDefinition.create({}, ctx)
  await plain.handle(testEvent({ details: '<b>x</b>' }), signal())
  t.same(JSON.parse(srv.requests[0]!.body), {
    app_key: 'conf-key', check: 'kapacitor/cpu/serverA', count: '10', description: 'kapacitor/cpu/serverA is CRITICAL',
    details: '<b>x</b>', host: 'serverA', status: 'critical', task: 'testStreamAlert:cpu', timestamp: 31536010,
  })
  t.match(srv.requests[0]!.body, /"details":"\\u003cb\\u003ex\\u003c\/b\\u003e"/, 'Go escapes < > in the JSON')
  const statuses: string[] = []
  for (const level of ['OK', 'INFO', 'WARNING'] as const) {
    await plain.handle(testEvent({ level }), signal())
    statuses.push(JSON.parse(srv.requests.at(-1)!.body).status)
  }
  t.same(statuses, ['ok', 'ok', 'warning'], 'OK and INFO are ok')
  await plain.handle(testEvent({ details: '{&#34;Name&#34;:&#34;cpu&#34;}' }), signal())
  t.notOk('details' in JSON.parse(srv.requests.at(-1)!.body), 'the default JSON details (HTML-escaped) are left out')
  await plain.handle(testEvent({ details: 'a &amp; b &lt;c&gt; &#39;d&#39;' }), signal())
  t.equal(JSON.parse(srv.requests.at(-1)!.body).details, "a & b <c> 'd'", 'details are HTML-unescaped')

  const opts = bigPandaDefinition.create({
    'app-key': 'own', 'primary-property': 'application', 'secondary-property': 'host', host: 'h-{{ index .Tags "host" }}',
    attributes: { monitor_link: 'http://example.com/monitor?node={{ .Tags.host }}', x_total: '{{ index .Fields "count" }}' },
  }, ctx)
  await opts.handle(testEvent(), signal())
  t.same(JSON.parse(srv.requests.at(-1)!.body), {
    app_key: 'own', check: 'kapacitor/cpu/serverA', count: '10', description: 'kapacitor/cpu/serverA is CRITICAL', details: 'details',
    host: 'h-serverA', monitor_link: 'http://example.com/monitor?node=serverA', primary_property: 'application', secondary_property: 'host',
    status: 'critical', task: 'testStreamAlert:cpu', timestamp: 31536010, x_total: '10',
  })
  const tagsOnly = bigPandaDefinition.create({}, ctxWith({ bigpanda: { enabled: true, 'app-key': 'k', token: 't', url: srv.url, 'auto-attributes': 'tags' } }))
  await tagsOnly.handle(testEvent(), signal())
  const b = JSON.parse(srv.requests.at(-1)!.body)
  t.equal(b.host, 'serverA')
  t.notOk('count' in b, 'auto-attributes = "tags" leaves the fields out')
})

t.test('only 201 Created is delivered', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const h = bigPandaDefinition.create({}, ctxWith({ bigpanda: { enabled: true, 'app-key': 'k', token: 't', url: srv.url } }))
  srv.status = 200
  await t.rejects(h.handle(testEvent(), signal()), /bigpanda: .* answered 200/)
  srv.status = 400
  await t.rejects(h.handle(testEvent(), signal()), /bigpanda: .* answered 400: \{"error":"nope"\}/)
})

t.test('missing or disabled [bigpanda], no token or app-key, bad options: clear errors', async (t) => {
  t.throws(() => bigPandaDefinition.create({}, ctxWith({})), /bigpanda: no \[bigpanda\] section/)
  t.throws(() => bigPandaDefinition.create({}, ctxWith({ bigpanda: { 'app-key': 'k', token: 't' } })), /bigpanda: service is not enabled/)
  t.throws(() => bigPandaDefinition.create({}, ctxWith({ bigpanda: { enabled: true, 'app-key': 'k' } })), /bigpanda: no token configured/)
  t.throws(() => bigPandaDefinition.create({}, ctxWith({ bigpanda: { enabled: true, token: 't' } })), /bigpanda: no app-key configured/)
  t.doesNotThrow(() => bigPandaDefinition.create({ 'app-key': 'k' }, ctxWith({ bigpanda: { enabled: true, token: 't' } })), "the handler's app-key is enough")
  const ok = { enabled: true, 'app-key': 'k', token: 't' }
  t.throws(() => bigPandaDefinition.create({ host: '{{ .X' }, ctxWith({ bigpanda: ok })), /bigpanda: bad host template/)
  t.throws(() => bigPandaDefinition.create({}, ctxWith({ bigpanda: { ...ok, 'auto-attributes': 'tags,foo' } })), /bigpanda: bad auto-attributes/)
  t.throws(() => bigPandaDefinition.create({}, ctxWith({ bigpanda: { ...ok, url: 'not a url' } })), /bigpanda: invalid url/)
})
