import t from 'tap'
import { pushoverDefinition } from '../../../src/alert/handlers/pushover.js'
import { pushoverHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

t.test('TICKscript .pushover() properties become the topic-handler options', async (t) => {
  const h = handler(pushoverHandler, [], { userKey: [[str('uk')]], device: [[str('d')]], title: [[str('ti')]], URL: [[str('http://u')]], URLTitle: [[str('ut')]], sound: [[str('siren')]] })
  t.same(pushoverDefinition.fromTick(h), { 'user-key': 'uk', device: 'd', title: 'ti', url: 'http://u', 'url-title': 'ut', sound: 'siren' })
})

t.test('form-posts the message of TestStream_AlertPushover with a priority per level', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({ pushover: { enabled: true, url: srv.url + '/1/messages.json', token: 'api_key', 'user-key': 'user' } })
  const h = pushoverDefinition.create({ device: 'file', title: 'file system', url: 'http://example.com', 'url-title': 'Example', sound: 'siren' }, ctx)
  await h.handle(testEvent(), signal())
  const r = srv.requests[0]!
  t.equal(r.url, '/1/messages.json')
  t.equal(r.headers['content-type'], 'application/x-www-form-urlencoded')
  t.same(Object.fromEntries(new URLSearchParams(r.body)), {
    device: 'file', message: 'kapacitor/cpu/serverA is CRITICAL', priority: '1', sound: 'siren', title: 'file system',
    token: 'api_key', url: 'http://example.com', url_title: 'Example', user: 'user',
  })
  t.equal(r.body.split('&').map((kv) => kv.split('=')[0]).join(','), 'device,message,priority,sound,title,token,url,url_title,user', 'keys sorted as Go encodes them')
  const d = pushoverDefinition.create({ 'user-key': 'other' }, ctx)
  const prio: string[] = []
  for (const level of ['OK', 'INFO', 'WARNING'] as const) {
    await d.handle(testEvent({ level }), signal())
    const p = new URLSearchParams(srv.requests.at(-1)!.body)
    prio.push(p.get('priority')!)
    t.equal(p.get('user'), 'other')
    t.equal(p.get('title'), null, 'unset options are left out')
  }
  t.same(prio, ['-2', '-1', '0'])
  srv.status = 400
  await t.rejects(d.handle(testEvent(), signal()), /pushover: .* answered 400/)
})

t.test('missing or disabled [pushover], no token or user key: clear errors', async (t) => {
  t.throws(() => pushoverDefinition.create({}, ctxWith({})), /pushover: no \[pushover\] section/)
  t.throws(() => pushoverDefinition.create({}, ctxWith({ pushover: { token: 't', 'user-key': 'u' } })), /pushover: service is not enabled/)
  t.throws(() => pushoverDefinition.create({}, ctxWith({ pushover: { enabled: true, 'user-key': 'u' } })), /pushover: no token configured/)
  t.throws(() => pushoverDefinition.create({}, ctxWith({ pushover: { enabled: true, token: 't' } })), /pushover: no user-key configured/)
})
