/**
 * The `tcp` handler: connects to `address` (host:port), writes the event JSON and a
 * newline (Kapacitor's json.Encoder), closes. Options: {address}.
 */
import * as net from 'node:net'
import type { HandlerInstance } from '../../nodes/define-node.js'
import { tickString } from '../../pipeline/props.js'
import { eventJSON, type AlertEvent, type AlertHandler, type HandlerOptions } from '../types.js'
import type { HandlerContext, HandlerDefinition } from './definition.js'

export function splitAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address)
  const port = m ? Number(m[3]) : NaN
  if (!m || !(port > 0 && port < 65536)) throw new Error(`tcp: address must be host:port, got ${JSON.stringify(address)}`)
  return { host: m[1] ?? (m[2] === '' ? '127.0.0.1' : m[2]!), port }
}

export class TcpHandler implements AlertHandler {
  readonly kind = 'tcp'
  private readonly host: string
  private readonly port: number
  constructor(readonly address: string) {
    ;({ host: this.host, port: this.port } = splitAddress(address))
  }

  handle(event: AlertEvent, signal: AbortSignal): Promise<void> {
    const payload = eventJSON(event) + '\n'
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason)
      const sock = net.connect({ host: this.host, port: this.port })
      const onAbort = (): void => {
        sock.destroy()
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      const done = (err?: Error): void => {
        signal.removeEventListener('abort', onAbort)
        if (err) reject(new Error(`tcp: ${this.address}: ${err.message}`))
        else resolve()
      }
      sock.once('error', (err) => { sock.destroy(); done(err) })
      sock.once('connect', () => {
        // written and our side shut = delivered, as Kapacitor's Write + Close; a listener that
        // keeps its side open (logstash-like line readers) must not make the attempt time out
        sock.end(payload, () => { sock.destroy(); done() })
      })
    })
  }
}

export const tcpDefinition: HandlerDefinition = {
  kind: 'tcp',
  tickName: 'tcp',
  fromTick(h: HandlerInstance): HandlerOptions {
    return { address: h.args[0] ? tickString(h.args[0]) : '' }
  },
  create(options: HandlerOptions, _ctx: HandlerContext): AlertHandler {
    const a = options['address']
    if (typeof a !== 'string' || a === '') throw new Error('tcp: option address (host:port) is required')
    return new TcpHandler(a)
  },
}
