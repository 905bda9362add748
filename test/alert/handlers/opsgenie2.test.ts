import t from 'tap'
import { opsGenie2Definition } from '../../../src/alert/handlers/opsgenie2.js'
import { opsGenie2Handler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

// base64url("kapacitor/cpu/serverA")
const ALIAS = 'a2FwYWNpdG9yL2NwdS9zZXJ2ZXJB'

t.test('TICKscript .opsGenie2() properties become the topic-handler options', async (t) => {
  const h = handler(opsGenie2Handler, [], { teams: [[str('t1'), str('t2')]], recipients: [[str('r1')]], recoveryAction: [[str('close')]] })
  t.same(opsGenie2Definition.fromTick(h), { 'teams-list': ['t1', 't2'], 'recipients-list': ['r1'], recovery_action: 'close' })
  t.same(opsGenie2Definition.fromTick(handler(opsGenie2Handler)), {})
})

t.test('creates the alert of TestStream_AlertOpsGenie2; OK adds a note by alias', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  srv.status = 202
  const ctx = ctxWith({ opsgenie2: { enabled: true, 'api-key': 'api_key', url: srv.url + '/v2/alerts', teams: ['conf-team'] } })
  const h = opsGenie2Definition.create({ 'teams-list': ['test_team', 'another_team'], 'recipients-list': ['test_recipient', 'another_recipient'] }, ctx)
  await h.handle(testEvent(), signal())
  const r = srv.requests[0]!
  t.equal(r.url, '/v2/alerts')
  t.equal(r.headers['authorization'], 'GenieKey api_key')
  t.same(JSON.parse(r.body), {
    message: 'kapacitor/cpu/serverA is CRITICAL',
    entity: 'kapacitor/cpu/serverA',
    alias: ALIAS,
    note: '',
    priority: 'P1',
    details: { Level: 'CRITICAL', 'Monitoring Tool': 'Kapacitor', 'Kapacitor Task Name': 'cpu', host: 'serverA' },
    description: '{"series":[{"name":"cpu","tags":{"host":"serverA"},"columns":["time","count"],"values":[["1971-01-01T00:00:10Z",10]]}]}',
    responders: [
      { name: 'test_team', type: 'team' }, { name: 'another_team', type: 'team' },
      { username: 'test_recipient', type: 'user' }, { username: 'another_recipient', type: 'user' },
    ],
  })
  await h.handle(testEvent({ level: 'OK', message: 'kapacitor/cpu/serverA is OK' }), signal())
  t.equal(srv.requests[1]!.url, `/v2/alerts/${ALIAS}/notes?identifierType=alias`)
  t.same(JSON.parse(srv.requests[1]!.body), { note: 'kapacitor/cpu/serverA is OK' })

  // config teams are the default; recovery action close
  const d = opsGenie2Definition.create({ recovery_action: 'close' }, ctx)
  await d.handle(testEvent({ level: 'INFO' }), signal())
  const b = JSON.parse(srv.requests[2]!.body)
  t.equal(b.priority, 'P5')
  t.same(b.responders, [{ name: 'conf-team', type: 'team' }])
  await d.handle(testEvent({ level: 'OK' }), signal())
  t.equal(srv.requests[3]!.url, `/v2/alerts/${ALIAS}/close?identifierType=alias`)
  srv.status = 200
  await t.rejects(d.handle(testEvent(), signal()), /opsgenie2: .* answered 200/)
})

t.test('missing or disabled [opsgenie2], no api-key, bad recovery action: clear errors', async (t) => {
  t.throws(() => opsGenie2Definition.create({}, ctxWith({})), /opsgenie2: no \[opsgenie2\] section/)
  t.throws(() => opsGenie2Definition.create({}, ctxWith({ opsgenie2: { 'api-key': 'k' } })), /opsgenie2: service is not enabled/)
  t.throws(() => opsGenie2Definition.create({}, ctxWith({ opsgenie2: { enabled: true } })), /opsgenie2: no api-key configured/)
  t.throws(() => opsGenie2Definition.create({ recovery_action: 'x' }, ctxWith({ opsgenie2: { enabled: true, 'api-key': 'k' } })), /neither notes nor close/)
})
