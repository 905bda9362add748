import t from 'tap'
import { telegramDefinition } from '../../../src/alert/handlers/telegram.js'
import { telegramHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, flag, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

t.test('TICKscript .telegram() properties become the topic-handler options', async (t) => {
  const h = handler(telegramHandler, [], { chatId: [[str('123')]], parseMode: [[str('HTML')]], disableWebPagePreview: [[]], disableNotification: [[flag(false)]] })
  t.same(telegramDefinition.fromTick(h), { 'chat-id': '123', 'parse-mode': 'HTML', 'disable-web-page-preview': true })
})

t.test('sendMessage with the payload of TestStream_AlertTelegram', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({ telegram: { enabled: true, url: srv.url + '/bot', token: 'TOKEN:123', 'chat-id': '-100', 'disable-notification': true } })
  const h = telegramDefinition.create({ 'chat-id': '12345678', 'parse-mode': 'Markdown', 'disable-web-page-preview': true }, ctx)
  await h.handle(testEvent(), signal())
  t.equal(srv.requests[0]!.url, '/botTOKEN:123/sendMessage')
  t.same(JSON.parse(srv.requests[0]!.body), {
    chat_id: '12345678',
    text: 'kapacitor/cpu/serverA is CRITICAL',
    parse_mode: 'Markdown',
    disable_web_page_preview: true,
    disable_notification: true,
  })
  const d = telegramDefinition.create({}, ctxWith({ telegram: { enabled: true, url: srv.url + '/bot', token: 'T', 'chat-id': '-100' } }))
  await d.handle(testEvent(), signal())
  t.same(JSON.parse(srv.requests[1]!.body), { chat_id: '-100', text: 'kapacitor/cpu/serverA is CRITICAL' })
  srv.status = 400
  await t.rejects(d.handle(testEvent(), signal()), /telegram: .* answered 400/)
})

t.test('missing or disabled [telegram], no token or chat, bad parse mode: clear errors', async (t) => {
  t.throws(() => telegramDefinition.create({}, ctxWith({})), /telegram: no \[telegram\] section/)
  t.throws(() => telegramDefinition.create({}, ctxWith({ telegram: { token: 't', 'chat-id': '1' } })), /telegram: service is not enabled/)
  t.throws(() => telegramDefinition.create({}, ctxWith({ telegram: { enabled: true, 'chat-id': '1' } })), /telegram: no token configured/)
  t.throws(() => telegramDefinition.create({}, ctxWith({ telegram: { enabled: true, token: 't' } })), /telegram: no chat-id configured/)
  t.throws(() => telegramDefinition.create({ 'parse-mode': 'rst' }, ctxWith({ telegram: { enabled: true, token: 't', 'chat-id': '1' } })), /parse-mode rst is not valid/)
})
