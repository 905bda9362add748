import t from 'tap'
import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'
import { smtpDefinition } from '../../../src/alert/handlers/smtp.js'
import { emailHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, signal, str, testEvent } from './service-helpers.js'

interface Mail { from: string; to: string[]; data: string; user?: string }

/** A real SMTP server on 127.0.0.1 recording each message (envelope and raw data). */
async function smtpServer(auth = false): Promise<{ port: number; mails: Mail[]; stop: () => Promise<void> }> {
  const mails: Mail[] = []
  const server = new SMTPServer({
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(a, _session, cb) {
      if (a.username === 'u' && a.password === 'p') cb(null, { user: a.username })
      else cb(new Error('bad credentials'))
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8'), ...(typeof session.user === 'string' ? { user: session.user } : {}) })
        cb()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return { port, mails, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

function header(data: string, name: string): string | undefined {
  const head = data.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ')
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ':'))
  return line?.slice(name.length + 1).trim()
}

t.test('TICKscript .email(to…).to(…) collects every recipient', async (t) => {
  const h = handler(emailHandler, [str('a@example.com'), str('b@example.com')], { to: [[str('c@example.com')], [str('d@example.com')]], toTemplates: [[str('{{ .ID }}@x')]] })
  t.same(smtpDefinition.fromTick(h), { to: ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'], 'to-templates': ['{{ .ID }}@x'] })
  t.same(smtpDefinition.fromTick(handler(emailHandler)), {})
})

t.test('sends subject = message and the HTML details to a real SMTP server (TestStream_AlertEmail)', async (t) => {
  const srv = await smtpServer()
  const ctx = ctxWith({ smtp: { enabled: true, host: '127.0.0.1', port: srv.port, from: 'test@example.com', to: ['default@example.com'] } })
  const h = smtpDefinition.create({ to: ['oncall@example.com', 'backup@example.com'] }, ctx)
  t.teardown(async () => { await h.close?.(); await srv.stop() })
  const details = '<b>cpu</b> is &#34;high&#34;'
  await h.handle(testEvent({ details }), signal())
  await h.handle(testEvent({ level: 'OK', message: 'kapacitor/cpu/serverA is OK' }), signal())
  t.equal(srv.mails.length, 2)
  const m = srv.mails[0]!
  t.equal(m.from, 'test@example.com')
  t.same(m.to, ['oncall@example.com', 'backup@example.com'])
  t.equal(header(m.data, 'Subject'), 'kapacitor/cpu/serverA is CRITICAL')
  t.equal(header(m.data, 'From'), 'test@example.com')
  t.equal(header(m.data, 'To'), 'oncall@example.com, backup@example.com')
  t.match(header(m.data, 'Content-Type'), /^text\/html/)
  t.ok(m.data.includes(details), 'the details are the body, unchanged')
  t.equal(header(srv.mails[1]!.data, 'Subject'), 'kapacitor/cpu/serverA is OK')

  // to-templates render recipients from the event, after the handler's own
  const tp = smtpDefinition.create({ to: ['oncall@example.com'], 'to-templates': ['{{ index .Tags "host" }}@example.com'] }, ctx)
  t.teardown(() => tp.close?.())
  await tp.handle(testEvent(), signal())
  t.same(srv.mails[2]!.to, ['oncall@example.com', 'serverA@example.com'])
  srv.mails.splice(2, 1)

  // without handler recipients, [smtp] to is used
  const d = smtpDefinition.create({}, ctx)
  t.teardown(() => d.close?.())
  await d.handle(testEvent(), signal())
  t.same(srv.mails[2]!.to, ['default@example.com'])
})

t.test('authenticates with [smtp] username/password', async (t) => {
  const srv = await smtpServer(true)
  const ok = smtpDefinition.create({ to: ['x@example.com'] }, ctxWith({ smtp: { enabled: true, host: '127.0.0.1', port: srv.port, from: 'k@example.com', username: 'u', password: 'p' } }))
  const bad = smtpDefinition.create({ to: ['x@example.com'] }, ctxWith({ smtp: { enabled: true, host: '127.0.0.1', port: srv.port, from: 'k@example.com', username: 'u', password: 'wrong' } }))
  t.teardown(async () => { await ok.close?.(); await bad.close?.(); await srv.stop() })
  await ok.handle(testEvent(), signal())
  t.equal(srv.mails.length, 1)
  t.equal(srv.mails[0]!.user, 'u')
  await t.rejects(bad.handle(testEvent(), signal()), /^smtp: /)
  t.equal(srv.mails.length, 1)
})

t.test('an unreachable server makes the attempt fail (delivery retries)', async (t) => {
  const srv = await smtpServer()
  const port = srv.port
  await srv.stop()
  const h = smtpDefinition.create({ to: ['x@example.com'] }, ctxWith({ smtp: { enabled: true, host: '127.0.0.1', port, from: 'k@example.com' } }))
  t.teardown(() => h.close?.())
  await t.rejects(h.handle(testEvent(), signal()), /^smtp: /)
})

t.test('missing or disabled [smtp], no from, no recipients: clear errors', async (t) => {
  t.throws(() => smtpDefinition.create({ to: ['a@b'] }, ctxWith({})), /smtp: no \[smtp\] section/)
  t.throws(() => smtpDefinition.create({ to: ['a@b'] }, ctxWith({ smtp: { enabled: false, from: 'x@y' } })), /smtp: service is not enabled/)
  t.throws(() => smtpDefinition.create({ to: ['a@b'] }, ctxWith({ smtp: { enabled: true } })), /smtp: no from address configured/)
  t.throws(() => smtpDefinition.create({}, ctxWith({ smtp: { enabled: true, from: 'x@y' } })), /smtp: no recipients/)
})
