import t from 'tap'
import { slackDefinition } from '../../../src/alert/handlers/slack.js'
import { slackHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

t.test('TICKscript .slack() properties become the topic-handler options', async (t) => {
  const h = handler(slackHandler, [], { workspace: [[str('ws')]], channel: [[str('#x')], [str('#alerts')]], username: [[str('bot')]], iconEmoji: [[str(':smile:')]] })
  t.same(slackDefinition.fromTick(h), { workspace: 'ws', channel: '#alerts', username: 'bot', 'icon-emoji': ':smile:' })
  t.same(slackDefinition.fromTick(handler(slackHandler)), {})
})

t.test('posts the payload of TestStream_AlertSlack to the webhook', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({ slack: [{ enabled: true, url: srv.url + '/test/slack/url', channel: '#channel' }] })
  const h = slackDefinition.create({ channel: '#alerts', 'icon-emoji': ':smile:' }, ctx)
  await h.handle(testEvent(), signal())
  await h.handle(testEvent({ level: 'WARNING', message: 'w' }), signal())
  await h.handle(testEvent({ level: 'OK', message: 'ok' }), signal())
  t.equal(srv.requests.length, 3)
  t.equal(srv.requests[0]!.url, '/test/slack/url')
  t.equal(srv.requests[0]!.headers['content-type'], 'application/json')
  t.same(JSON.parse(srv.requests[0]!.body), {
    as_user: false,
    channel: '#alerts',
    username: 'kapacitor',
    text: '',
    icon_emoji: ':smile:',
    attachments: [{ fallback: 'kapacitor/cpu/serverA is CRITICAL', color: 'danger', text: 'kapacitor/cpu/serverA is CRITICAL', mrkdwn_in: ['text'] }],
  })
  t.equal(JSON.parse(srv.requests[1]!.body).attachments[0].color, 'warning')
  t.equal(JSON.parse(srv.requests[2]!.body).attachments[0].color, 'good')
  // the config's channel is the default
  const d = slackDefinition.create({}, ctx)
  await d.handle(testEvent(), signal())
  t.equal(JSON.parse(srv.requests[3]!.body).channel, '#channel')
  t.equal(srv.requests[3]!.headers['authorization'], undefined)
  // [[slack]] token is sent as a bearer token
  const tk = slackDefinition.create({}, ctxWith({ slack: [{ enabled: true, url: srv.url, token: 'xoxb-1' }] }))
  await tk.handle(testEvent(), signal())
  t.equal(srv.requests[4]!.headers['authorization'], 'Bearer xoxb-1')
})

t.test('workspaces: the named one, else the default', async (t) => {
  const a = await new Recorder().start()
  const b = await new Recorder().start()
  t.teardown(async () => { await a.stop(); await b.stop() })
  const ctx = ctxWith({ slack: [{ enabled: true, workspace: 'a', url: a.url }, { enabled: true, workspace: 'b', default: true, url: b.url }] })
  await slackDefinition.create({ workspace: 'a' }, ctx).handle(testEvent(), signal())
  await slackDefinition.create({}, ctx).handle(testEvent(), signal())
  t.equal(a.requests.length, 1)
  t.equal(b.requests.length, 1)
  t.throws(() => slackDefinition.create({ workspace: 'c' }, ctx), /slack: no \[\[slack\]\] with workspace = "c"/)
})

t.test('a failed post throws (delivery retries it)', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  srv.status = 500
  const h = slackDefinition.create({}, ctxWith({ slack: [{ enabled: true, url: srv.url }] }))
  await t.rejects(h.handle(testEvent(), signal()), /slack: .* answered 500/)
})

t.test('missing, disabled or url-less configuration is a clear error', async (t) => {
  t.throws(() => slackDefinition.create({}, ctxWith({})), /slack: no \[\[slack\]\] section/)
  t.throws(() => slackDefinition.create({}, ctxWith({ slack: [{ enabled: false, url: 'http://x' }] })), /slack: service is not enabled/)
  t.throws(() => slackDefinition.create({}, ctxWith({ slack: [{ enabled: true }] })), /slack: no url configured \(\[\[slack\]\] url\)/)
})
