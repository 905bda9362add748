/** Test helpers for the service handlers: a TICKscript handler call, an event, a recording HTTP listener. */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import type { HandlerInstance, HandlerSpec, PropertyCall, TickValue } from '../../../src/nodes/define-node.js'
import type { AlertEvent } from '../../../src/alert/types.js'
import type { HandlerContext } from '../../../src/alert/handlers/definition.js'

export const str = (value: string): TickValue => ({ type: 'string', value })
export const int = (v: number): TickValue => ({ type: 'int', value: BigInt(v) })
export const flag = (value: boolean): TickValue => ({ type: 'bool', value })

/**
 * A checked handler call as the evaluator builds it (`.slack().channel('#a')` →
 * handler(slackHandler, [], { channel: [[str('#a')]] })); built directly so these tests do
 * not depend on the whole node registry.
 */
export function handler(spec: HandlerSpec, args: TickValue[] = [], props: Record<string, TickValue[][]> = {}): HandlerInstance {
  const m = new Map<string, PropertyCall[]>()
  for (const [k, calls] of Object.entries(props)) m.set(k, calls.map((c) => ({ args: c })))
  return { spec, args, props: m }
}

export function ctxWith(sections: Record<string, unknown>): HandlerContext {
  return { sections, logger: pino({ level: 'silent' }) }
}

const T10 = 31536010n * 1_000_000_000n // 1971-01-01T00:00:10Z

/** Kapacitor's TestStream_Alert* event: CRITICAL `kapacitor/cpu/serverA`, one row of cpu/serverA. */
export function testEvent(over: Partial<AlertEvent> = {}): AlertEvent {
  return {
    topic: 'main:testStreamAlert:alert2',
    id: 'kapacitor/cpu/serverA',
    message: 'kapacitor/cpu/serverA is CRITICAL',
    details: 'details',
    time: T10,
    duration: 0n,
    level: 'CRITICAL',
    previousLevel: 'OK',
    recoverable: true,
    data: [{ name: 'cpu', tags: { host: 'serverA' }, columns: ['time', 'count'], values: [[T10, 10]] }],
    taskName: 'testStreamAlert',
    tags: { host: 'serverA' },
    ...over,
  }
}

export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

/** A real HTTP listener on 127.0.0.1 that records each request and answers `status`. */
export class Recorder {
  readonly requests: Received[] = []
  status = 200
  private server: Server | undefined
  url = ''

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
        res.statusCode = this.status
        res.end(this.status >= 300 ? '{"error":"nope"}' : '')
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }
}

export const signal = (): AbortSignal => new AbortController().signal
