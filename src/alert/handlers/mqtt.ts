/**
 * `.mqtt(topic)` / kind `mqtt`: Kapacitor's services/mqtt — publishes the event message to
 * a topic of a [[mqtt]] broker (chosen by name, else the default one). One client per
 * handler, connected on first use and again after a failure.
 */
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt'
import { propFlag, propInt } from '../../pipeline/props.js'
import type { AlertEvent, AlertHandler, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import { compact, enabledEntry, str, tickStr, type Section } from './service-common.js'

type QoS = 0 | 1 | 2

/** Kapacitor's QoSLevel: 0/1/2 or its text names. */
function qosOf(v: unknown): QoS {
  if (v === undefined || v === null) return 0
  const byName: Record<string, QoS> = { 'at-most-once': 0, 'at-least-once': 1, 'exactly-once': 2, 'exactly-one': 2 }
  const q = typeof v === 'string' ? byName[v] : typeof v === 'number' || typeof v === 'bigint' ? Number(v) : undefined
  if (q === 0 || q === 1 || q === 2) return q
  throw new Error(`mqtt: invalid qos ${JSON.stringify(typeof v === 'bigint' ? Number(v) : v)} (0, 1, 2, at-most-once, at-least-once or exactly-once)`)
}

class MqttHandler implements AlertHandler {
  readonly kind = 'mqtt'
  private client: Promise<MqttClient> | undefined

  constructor(
    private readonly url: string,
    private readonly clientOpts: IClientOptions,
    private readonly topic: string,
    private readonly qos: QoS,
    private readonly retain: boolean,
  ) {}

  private connect(): Promise<MqttClient> {
    // reconnects are delivery's business (it retries the attempt), not the client's
    this.client ??= connectAsync(this.url, { ...this.clientOpts, reconnectPeriod: 0 }, false)
    return this.client
  }

  private drop(): void {
    const c = this.client
    this.client = undefined
    c?.then((cl) => cl.end(true), () => {})
  }

  async handle(e: AlertEvent, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted()
    let onAbort: (() => void) | undefined
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => { this.drop(); reject(new Error('mqtt: aborted')) }
      signal.addEventListener('abort', onAbort, { once: true })
    })
    aborted.catch(() => {})
    try {
      const client = await Promise.race([this.connect(), aborted])
      if (!client.connected) throw new Error('not connected')
      // without reconnects a publish on a connection that just closed would never settle
      let onClose: (() => void) | undefined
      const closed = new Promise<never>((_, reject) => {
        onClose = () => reject(new Error('connection closed'))
        client.once('close', onClose)
      })
      closed.catch(() => {})
      try {
        await Promise.race([client.publishAsync(this.topic, e.message, { qos: this.qos, retain: this.retain }), aborted, closed])
      } finally {
        client.off('close', onClose!)
      }
    } catch (err) {
      this.drop()
      const msg = (err as Error).message
      throw new Error(msg.startsWith('mqtt: ') ? msg : `mqtt: ${this.url}: ${msg}`)
    } finally {
      signal.removeEventListener('abort', onAbort!)
    }
  }

  async close(): Promise<void> {
    const c = this.client
    this.client = undefined
    if (c) await c.then((cl) => cl.endAsync(true), () => {})
  }
}

export const mqttDefinition: HandlerDefinition = {
  kind: 'mqtt',
  tickName: 'mqtt',
  fromTick: (h) => compact({
    'broker-name': tickStr(h, 'brokerName'),
    topic: h.args[0]?.type === 'string' ? h.args[0].value : undefined,
    qos: Number(propInt(h, 'qos')),
    retained: propFlag(h, 'retained'),
  }),
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const topic = str(o, 'topic')
    if (topic === '') throw new Error('mqtt: no topic (.mqtt(topic) or option topic)')
    const s = enabledEntry(ctx, 'mqtt', 'name', str(o, 'broker-name'))
    const url = str(s, 'url')
    if (url === '') throw new Error('mqtt: no url configured ([[mqtt]] url)')
    const user = str(s, 'username')
    const clientId = str(s, 'client-id')
    const clientOpts: IClientOptions = {
      ...(clientId !== '' ? { clientId } : {}),
      ...(user !== '' ? { username: user, password: str(s, 'password') } : {}),
    }
    return new MqttHandler(url, clientOpts, topic, qosOf(o['qos']), o['retained'] === true)
  },
}
