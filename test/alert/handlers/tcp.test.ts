import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { tcpDefinition } from '../../../src/alert/handlers/tcp.js'
import { createHandlerFactory } from '../../../src/alert/handlers/index.js'
import { tcpHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, signal, str, testEvent } from './service-helpers.js'
import { EXPECTED_PAYLOAD, kapacitorEvent } from './core-helpers.js'

/** a real TCP listener collecting what each connection sent until it closed */
async function listener(): Promise<{ address: string; received: Promise<string>[]; close(): Promise<void> }> {
  const received: Promise<string>[] = []
  const srv = createServer((sock) => {
    received.push(new Promise((resolve) => {
      const chunks: Buffer[] = []
      sock.on('data', (c: Buffer) => chunks.push(c))
      sock.on('end', () => { resolve(Buffer.concat(chunks).toString('utf8')); sock.end() })
    }))
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  return {
    address: `127.0.0.1:${(srv.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => srv.close(() => resolve())),
  }
}

t.test('TICKscript .tcp(address) becomes {address}', async (t) => {
  t.same(tcpDefinition.fromTick(handler(tcpHandler, [str('localhost:9000')])), { address: 'localhost:9000' })
})

t.test('writes the event JSON and a newline on one connection per event (TestStream_AlertTCP)', async (t) => {
  const l = await listener()
  t.teardown(() => l.close())
  const h = createHandlerFactory(ctxWith({}))('tcp', { address: l.address })
  await h.handle(kapacitorEvent(), signal())
  await h.handle(kapacitorEvent({ level: 'OK', message: 'ok', previousLevel: 'CRITICAL' }), signal())
  t.equal(l.received.length, 2)
  t.equal(await l.received[0], EXPECTED_PAYLOAD)
  const second = JSON.parse(await l.received[1]!) as { level: string; previousLevel: string }
  t.same([second.level, second.previousLevel], ['OK', 'CRITICAL'])
})

t.test('connection refused is a failed attempt; a bad address is refused at create', async (t) => {
  const l = await listener()
  const address = l.address
  await l.close()
  await t.rejects(tcpDefinition.create({ address }, ctxWith({})).handle(testEvent(), signal()), /tcp: 127\.0\.0\.1:\d+: .*ECONNREFUSED/)
  t.throws(() => tcpDefinition.create({}, ctxWith({})), /address \(host:port\) is required/)
  t.throws(() => tcpDefinition.create({ address: 'nohost' }, ctxWith({})), /address must be host:port/)
})

t.test('a listener that keeps its side open still gets the line and the attempt ends', async (t) => {
  let line: (s: string) => void = () => {}
  const got = new Promise<string>((resolve) => { line = resolve })
  const srv = createServer((sock) => {
    let buf = ''
    sock.setEncoding('utf8')
    sock.on('data', (d: string) => { buf += d; if (buf.endsWith('\n')) line(buf) })
    sock.on('error', () => {})
    // never ends its side
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => srv.close(() => resolve())))
  const h = tcpDefinition.create({ address: `127.0.0.1:${(srv.address() as AddressInfo).port}` }, ctxWith({}))
  await h.handle(kapacitorEvent(), signal())
  t.equal(await got, EXPECTED_PAYLOAD)
})
