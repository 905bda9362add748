import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectAsync, type MqttClient } from 'mqtt'
import { mqttDefinition } from '../../../src/alert/handlers/mqtt.js'
import { mqttHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, flag, handler, int, signal, str, testEvent } from './service-helpers.js'

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

/** A private mosquitto on 127.0.0.1; resolves once it logs that it is listening. */
async function mosquitto(fixedPort?: number): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mosq-'))
  const port = fixedPort ?? await freePort()
  const conf = join(dir, 'mosquitto.conf')
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type all\n`)
  const child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  await new Promise<void>((resolve, reject) => {
    let log = ''
    const onData = (b: Buffer): void => {
      log += b.toString()
      if (/Opening ipv4 listen socket on port/.test(log) && /running/.test(log)) { child.stderr.off('data', onData); resolve() }
    }
    child.stderr.on('data', onData)
    child.once('exit', (code) => reject(new Error(`mosquitto exited ${code}: ${log}`)))
  })
  child.stderr.resume()
  return {
    url: `tcp://127.0.0.1:${port}`,
    port,
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

interface Got { topic: string; message: string; retain: boolean; qos: number }

async function subscriber(url: string, topic: string): Promise<{ got: Got[]; next: () => Promise<Got>; client: MqttClient }> {
  const client = await connectAsync(url.replace('tcp:', 'mqtt:'), { reconnectPeriod: 0 })
  const got: Got[] = []
  const waiting: Array<(g: Got) => void> = []
  client.on('message', (tp, payload, packet) => {
    const g = { topic: tp, message: payload.toString(), retain: packet.retain, qos: packet.qos }
    const w = waiting.shift()
    if (w) w(g); else got.push(g)
  })
  await client.subscribeAsync(topic, { qos: 2 })
  const next = (): Promise<Got> => {
    const g = got.shift()
    return g ? Promise.resolve(g) : new Promise((resolve) => waiting.push(resolve))
  }
  return { got, next, client }
}

t.test('TICKscript .mqtt(topic) properties become the topic-handler options', async (t) => {
  const h = handler(mqttHandler, [str('alerts/cpu')], { brokerName: [[str('b1')]], qos: [[int(1)]], retained: [[flag(true)]] })
  t.same(mqttDefinition.fromTick(h), { 'broker-name': 'b1', topic: 'alerts/cpu', qos: 1, retained: true })
  t.same(mqttDefinition.fromTick(handler(mqttHandler, [str('x')])), { topic: 'x', qos: 0, retained: false })
})

t.test('publishes the event message to the topic on a real broker (TestStream_AlertMQTT)', async (t) => {
  const broker = await mosquitto()
  // cleanup in order: clients first, the broker last
  const cleanup: Array<() => Promise<unknown> | unknown> = []
  t.teardown(async () => { for (const c of cleanup) await c(); await broker.stop() })
  const sub = await subscriber(broker.url, 'test/alert')
  cleanup.push(() => sub.client.endAsync(true))
  const ctx = ctxWith({ mqtt: [{ enabled: true, name: 'test', url: broker.url }] })
  const h = mqttDefinition.create({ topic: 'test/alert', qos: 1, retained: false }, ctx)
  cleanup.push(() => h.close?.())
  await h.handle(testEvent(), signal())
  t.same(await sub.next(), { topic: 'test/alert', message: 'kapacitor/cpu/serverA is CRITICAL', retain: false, qos: 1 })
  await h.handle(testEvent({ level: 'OK', message: 'kapacitor/cpu/serverA is OK' }), signal())
  t.equal((await sub.next()).message, 'kapacitor/cpu/serverA is OK')

  // retained: a late subscriber still gets the last message
  const r = mqttDefinition.create({ 'broker-name': 'test', topic: 'test/retained', qos: 'exactly-once', retained: true }, ctx)
  cleanup.push(() => r.close?.())
  await r.handle(testEvent(), signal())
  const late = await subscriber(broker.url, 'test/retained')
  cleanup.push(() => late.client.endAsync(true))
  const g = await late.next()
  t.equal(g.message, 'kapacitor/cpu/serverA is CRITICAL')
  t.equal(g.retain, true)
})

t.test('a lost broker makes the attempt fail; the next attempt reconnects', async (t) => {
  const first = await mosquitto()
  // qos 1: a publish needs the broker's ack, so it cannot succeed into a dying socket
  const h = mqttDefinition.create({ topic: 'test/again', qos: 1 }, ctxWith({ mqtt: [{ enabled: true, name: 'b', url: first.url }] }))
  await h.handle(testEvent(), signal())
  await first.stop()
  await t.rejects(h.handle(testEvent(), signal()), /^mqtt: /)
  const second = await mosquitto(first.port)
  const sub = await subscriber(second.url, 'test/again')
  t.teardown(async () => { await h.close?.(); await sub.client.endAsync(true); await second.stop() })
  await h.handle(testEvent({ message: 'after the restart' }), signal())
  t.equal((await sub.next()).message, 'after the restart')
})

t.test('bad options or configuration: clear errors', async (t) => {
  const ok = { mqtt: [{ enabled: true, name: 'a', url: 'tcp://127.0.0.1:1' }] }
  t.throws(() => mqttDefinition.create({}, ctxWith(ok)), /mqtt: no topic/)
  t.throws(() => mqttDefinition.create({ topic: 'x' }, ctxWith({})), /mqtt: no \[\[mqtt\]\] section/)
  t.throws(() => mqttDefinition.create({ topic: 'x', 'broker-name': 'zz' }, ctxWith(ok)), /mqtt: no \[\[mqtt\]\] with name = "zz"/)
  t.throws(() => mqttDefinition.create({ topic: 'x' }, ctxWith({ mqtt: [{ enabled: false, name: 'a', url: 'tcp://h' }] })), /mqtt: service is not enabled/)
  t.throws(() => mqttDefinition.create({ topic: 'x' }, ctxWith({ mqtt: [{ enabled: true, name: 'a' }] })), /mqtt: no url configured \(\[\[mqtt\]\] url\)/)
  t.throws(() => mqttDefinition.create({ topic: 'x', qos: 3 }, ctxWith(ok)), /mqtt: invalid qos 3/)
})
