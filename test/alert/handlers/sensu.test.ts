import t from 'tap'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { UndeliverableError } from '../../../src/alert/delivery.js'
import { sensuDefinition } from '../../../src/alert/handlers/sensu.js'
import { sensuHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, flag, handler, int, signal, str, testEvent } from './service-helpers.js'

/** A sensu client stand-in: reads one JSON check result per connection, answers `answer` and closes. */
async function sensuClient(answer = 'ok'): Promise<{ addr: string; got: unknown[]; raw: string[]; server: Server }> {
  const got: unknown[] = []
  const raw: string[] = []
  const server = createServer((sock) => {
    let buf = ''
    sock.setEncoding('utf8')
    sock.on('data', (d: string) => { buf += d })
    sock.on('end', () => {
      raw.push(buf)
      got.push(JSON.parse(buf))
      sock.end(answer)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { addr: `127.0.0.1:${(server.address() as AddressInfo).port}`, got, raw, server }
}

t.test('TICKscript .sensu() properties become the topic-handler options', async (t) => {
  const h = handler(sensuHandler, [], {
    source: [[str('Kapacitor-{{ .TaskName }}')]], handlers: [[str('h1'), str('h2')]],
    metadata: [[str('k'), str('v')], [str('n'), int(5)], [str('b'), flag(true)]],
  })
  t.same(sensuDefinition.fromTick(h), { source: 'Kapacitor-{{ .TaskName }}', handlers: ['h1', 'h2'], metadata: { k: 'v', n: 5, b: true } })
})

t.test('sends the check result of TestStream_AlertSensu over TCP', async (t) => {
  const c = await sensuClient()
  t.teardown(() => new Promise<void>((r) => c.server.close(() => r())))
  const ctx = ctxWith({ sensu: { enabled: true, addr: c.addr, source: 'Kapacitor', handlers: ['conf'] } })
  const e = testEvent({ id: 'kapacitor.cpu.serverA', message: 'kapacitor.cpu.serverA is CRITICAL' })
  const h = sensuDefinition.create({ source: 'Kapacitor-{{ index .Tags "host" }}', handlers: ['h1', 'h2'], metadata: { k: 'v', name: 'not overriding', n: 5 } }, ctx)
  await h.handle(e, signal())
  t.same(c.got[0], { name: 'kapacitor.cpu.serverA', source: 'Kapacitor-serverA', output: 'kapacitor.cpu.serverA is CRITICAL', status: 2, handlers: ['h1', 'h2'], k: 'v', n: 5 })
  t.ok(c.raw[0]!.endsWith('}\n'), 'one JSON line')
  const d = sensuDefinition.create({}, ctx)
  await d.handle({ ...e, level: 'WARNING' }, signal())
  t.same(c.got[1], { name: 'kapacitor.cpu.serverA', source: 'Kapacitor', output: 'kapacitor.cpu.serverA is CRITICAL', status: 1, handlers: ['conf'] })
  await d.handle({ ...e, level: 'OK' }, signal())
  t.equal((c.got[2] as { status: number }).status, 0)
})

t.test('an answer other than ok fails the attempt; an id sensu rejects is undeliverable (dropped, not retried)', async (t) => {
  const c = await sensuClient('nope')
  t.teardown(() => new Promise<void>((r) => c.server.close(() => r())))
  const h = sensuDefinition.create({}, ctxWith({ sensu: { enabled: true, addr: c.addr } }))
  const failed = await h.handle(testEvent({ id: 'ok.id' }), signal()).catch((e: unknown) => e)
  t.match(failed, { message: /sensu socket error: nope/ })
  t.not((failed as Error).name, 'UndeliverableError', 'a refused answer is retried')
  const bad = await h.handle(testEvent({ id: 'kapacitor/cpu/serverA' }), signal()).catch((e: unknown) => e)
  t.ok(bad instanceof UndeliverableError)
  t.match((bad as Error).message, /sensu: invalid name "kapacitor\/cpu\/serverA"/)
  t.equal(c.got.length, 1, 'nothing sent for the invalid name')
})

t.test('missing or disabled [sensu], bad addr or source template: clear errors', async (t) => {
  t.throws(() => sensuDefinition.create({}, ctxWith({})), /sensu: no \[sensu\] section/)
  t.throws(() => sensuDefinition.create({}, ctxWith({ sensu: { addr: 'h:1' } })), /sensu: service is not enabled/)
  t.throws(() => sensuDefinition.create({}, ctxWith({ sensu: { enabled: true, addr: 'nohostport' } })), /sensu: bad \[sensu\] addr/)
  t.throws(() => sensuDefinition.create({ source: '{{ .X' }, ctxWith({ sensu: { enabled: true, addr: 'h:1' } })), /sensu: bad source template/)
})
