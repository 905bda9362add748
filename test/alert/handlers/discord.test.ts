import t from 'tap'
import { UndeliverableError } from '../../../src/alert/delivery.js'
import { discordDefinition } from '../../../src/alert/handlers/discord.js'
import { discordHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

t.test('TICKscript .discord() properties become the topic-handler options', async (t) => {
  const h = handler(discordHandler, [], { workspace: [[str('w')]], username: [[str('u')]], avatarURL: [[str('http://a')]], embedTitle: [[str('t')]] })
  t.same(discordDefinition.fromTick(h), { workspace: 'w', username: 'u', 'avatar-url': 'http://a', 'embed-title': 't' })
})

t.test('posts the embed of TestStream_AlertDiscord; the title is a template', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  srv.status = 204
  const ctx = ctxWith({ discord: [{ enabled: true, url: srv.url + '/hook', timestamp: true, username: 'conf-user', 'avatar-url': 'http://conf/avatar.png' }] })
  const h = discordDefinition.create({ username: 'Kapacitor', 'embed-title': 'Alert {{ .TaskName }} {{ .Level }}' }, ctx)
  await h.handle(testEvent(), signal())
  t.equal(srv.requests[0]!.url, '/hook')
  t.same(JSON.parse(srv.requests[0]!.body), {
    username: 'Kapacitor',
    avatar_url: 'http://conf/avatar.png',
    embeds: [{ color: 0xf95f53, title: 'Alert testStreamAlert CRITICAL', description: 'kapacitor/cpu/serverA is CRITICAL', timestamp: '1971-01-01T00:00:10Z' }],
  })
  await h.handle(testEvent({ level: 'WARNING' }), signal())
  await h.handle(testEvent({ level: 'OK' }), signal())
  t.equal(JSON.parse(srv.requests[1]!.body).embeds[0].color, 0xf48d38)
  t.equal(JSON.parse(srv.requests[2]!.body).embeds[0].color, 0x7a65f2)
  srv.status = 200
  await t.rejects(h.handle(testEvent(), signal()), /discord: .* answered 200/)
})

t.test('without [[discord]] timestamp the embed has no timestamp', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  srv.status = 204
  const h = discordDefinition.create({}, ctxWith({ discord: [{ enabled: true, url: srv.url }] }))
  await h.handle(testEvent(), signal())
  t.same(JSON.parse(srv.requests[0]!.body).embeds[0], { color: 0xf95f53, title: '', description: 'kapacitor/cpu/serverA is CRITICAL', timestamp: '' })
})

t.test('missing or disabled [[discord]], no url, bad title template: clear errors', async (t) => {
  t.throws(() => discordDefinition.create({}, ctxWith({})), /discord: no \[\[discord\]\] section/)
  t.throws(() => discordDefinition.create({}, ctxWith({ discord: [{ url: 'http://x' }] })), /discord: service is not enabled/)
  t.throws(() => discordDefinition.create({}, ctxWith({ discord: [{ enabled: true }] })), /discord: no url configured \(\[\[discord\]\] url\)/)
  t.throws(() => discordDefinition.create({ 'embed-title': '{{ .Nope' }, ctxWith({ discord: [{ enabled: true, url: 'http://x' }] })), /discord: bad embed-title template/)
})

t.test('a title that fails on an event makes it undeliverable (dropped by delivery, never retried)', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  srv.status = 204
  const h = discordDefinition.create({ 'embed-title': '{{ .NoSuchField }}' }, ctxWith({ discord: [{ enabled: true, url: srv.url }] }))
  await t.rejects(h.handle(testEvent(), signal()), UndeliverableError)
  t.equal(srv.requests.length, 0)
})
