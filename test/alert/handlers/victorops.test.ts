import t from 'tap'
import { victorOpsDefinition } from '../../../src/alert/handlers/victorops.js'
import { victorOpsHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

const RESULT = { series: [{ name: 'cpu', tags: { host: 'serverA' }, columns: ['time', 'count'], values: [['1971-01-01T00:00:10Z', 10]] }] }

t.test('TICKscript .victorOps().routingKey() becomes routing-key', async (t) => {
  t.same(victorOpsDefinition.fromTick(handler(victorOpsHandler, [], { routingKey: [[str('rk')]] })), { 'routing-key': 'rk' })
})

t.test('posts the payload of TestStream_AlertVictorOps to <url>/<api-key>/<routing-key>', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({ victorops: { enabled: true, url: srv.url + '/alert', 'api-key': 'api_key', 'routing-key': 'conf_key' } })
  const h = victorOpsDefinition.create({ 'routing-key': 'test_key2' }, ctx)
  await h.handle(testEvent(), signal())
  t.equal(srv.requests[0]!.url, '/alert/api_key/test_key2')
  t.same(JSON.parse(srv.requests[0]!.body), {
    message_type: 'CRITICAL',
    entity_id: 'kapacitor/cpu/serverA',
    state_message: 'kapacitor/cpu/serverA is CRITICAL',
    timestamp: 31536010,
    monitoring_tool: 'kapacitor',
    data: JSON.stringify(RESULT),
  })
  const d = victorOpsDefinition.create({}, ctx)
  await d.handle(testEvent({ level: 'OK' }), signal())
  t.equal(srv.requests[1]!.url, '/alert/api_key/conf_key')
  t.equal(JSON.parse(srv.requests[1]!.body).message_type, 'RECOVERY')
  srv.status = 404
  await t.rejects(d.handle(testEvent(), signal()), /victorops: .* answered 404/)
})

t.test('[victorops] json-data sends the data as JSON, not a string', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const h = victorOpsDefinition.create({}, ctxWith({ victorops: { enabled: true, url: srv.url, 'api-key': 'k', 'routing-key': 'r', 'json-data': true } }))
  await h.handle(testEvent(), signal())
  t.same(JSON.parse(srv.requests[0]!.body).data, RESULT)
})

t.test('missing or disabled [victorops], no keys: clear errors', async (t) => {
  t.throws(() => victorOpsDefinition.create({}, ctxWith({})), /victorops: no \[victorops\] section/)
  t.throws(() => victorOpsDefinition.create({}, ctxWith({ victorops: { 'api-key': 'k' } })), /victorops: service is not enabled/)
  t.throws(() => victorOpsDefinition.create({}, ctxWith({ victorops: { enabled: true } })), /victorops: no api-key configured/)
  t.throws(() => victorOpsDefinition.create({}, ctxWith({ victorops: { enabled: true, 'api-key': 'k' } })), /victorops: no routing-key configured/)
})
