import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import t from 'tap'
import { pino } from 'pino'
import { Delivery, UndeliverableError } from '../../src/alert/delivery.js'
import { postDefinition } from '../../src/alert/handlers/post.js'
import type { AlertEvent, AlertHandler } from '../../src/alert/types.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { ctxWith, testEvent } from './handlers/service-helpers.js'

const silent = pino({ level: 'silent' })

type Mode = 'ok' | 'fail500' | 'hang'

/** A real HTTP endpoint that records the ids it accepted (2xx) and can fail or hang on purpose. */
class Endpoint {
  mode: Mode = 'ok'
  readonly accepted: string[] = []
  requests = 0
  private readonly hanging: ServerResponse[] = []
  private waiters: Array<{ n: number; resolve: () => void }> = []
  private server: Server | undefined
  port = 0

  async start(port = 0): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        this.requests++
        if (this.mode === 'hang') this.hanging.push(res)
        else if (this.mode === 'fail500') { res.statusCode = 500; res.end('down') }
        else {
          this.accepted.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id)
          res.end()
        }
        this.waiters = this.waiters.filter((w) => (this.requests >= w.n ? (w.resolve(), false) : true))
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
    return this
  }

  /** resolves once `n` requests have arrived in total */
  reached(n: number): Promise<void> {
    if (this.requests >= n) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ n, resolve }))
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy()
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }
}

/** a port nobody listens on (bound then released) */
async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

const ev = (i: number): AlertEvent => testEvent({ id: `alert-${i}` })
const ids = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `alert-${from + i}`)
const postTo = (port: number): AlertHandler => postDefinition.create({ url: `http://127.0.0.1:${port}/alerts` }, ctxWith({}))

const OPTS = { capacity: 100, timeoutMs: 1000, retryInitialMs: 100, retryMaxMs: 400 }

for (const mode of ['HTTP 500', 'connection refused', 'accepts and never answers'] as const) {
  t.test(`endpoint down (${mode}) for a burst of 20, then recovers: all 20 delivered once, in order`, async (t) => {
    const sched = new ManualScheduler()
    let ep: Endpoint
    let port: number
    if (mode === 'connection refused') {
      port = await freePort()
      ep = new Endpoint()
    } else {
      ep = await new Endpoint().start()
      ep.mode = mode === 'HTTP 500' ? 'fail500' : 'hang'
      port = ep.port
    }
    t.teardown(() => ep.stop())
    const d = new Delivery(postTo(port), silent, OPTS, sched)
    t.teardown(() => d.close())
    for (let i = 0; i < 20; i++) d.enqueue(ev(i))
    t.equal(d.stats.queued, 20)

    const FAILURES = 4
    for (let k = 0; k < FAILURES; k++) {
      if (mode === 'accepts and never answers') {
        await ep.reached(k + 1)
        sched.advance(OPTS.timeoutMs) // the attempt times out
      }
      await d.when((x) => x.stats.attempts_failed === k + 1 && x.phase === 'backoff')
      t.equal(d.stats.delivered, 0)
      // exponential backoff: 100, 200, 400, 400 (capped)
      const backoff = Math.min(OPTS.retryInitialMs * 2 ** k, OPTS.retryMaxMs)
      sched.advance(backoff - 1)
      t.equal(d.phase, 'backoff', `still waiting 1 ms before retry ${k + 1}`)
      if (k === FAILURES - 1) {
        if (mode === 'connection refused') await ep.start(port)
        else ep.mode = 'ok'
      }
      sched.advance(1)
    }
    await d.when((x) => x.stats.queued === 0)
    t.same(ep.accepted, ids(20), 'every event exactly once, in enqueue order')
    t.same(d.stats, { delivered: 20, attempts_failed: FAILURES, dropped: 0, queued: 0 })
    t.equal(d.phase, 'idle')
  })
}

t.test('a full queue drops the oldest waiting event, counts it and logs once', async (t) => {
  const sched = new ManualScheduler()
  const ep = await new Endpoint().start()
  t.teardown(() => ep.stop())
  ep.mode = 'hang'
  const lines: string[] = []
  const logger = pino({ level: 'warn' }, new Writable({ write(c: Buffer, _e, cb) { lines.push(c.toString()); cb() } }))
  const d = new Delivery(postTo(ep.port), logger, { ...OPTS, capacity: 5 }, sched)
  t.teardown(() => d.close())
  d.enqueue(ev(0)) // in flight, hangs
  await ep.reached(1)
  for (let i = 1; i <= 10; i++) d.enqueue(ev(i))
  t.same(d.stats, { delivered: 0, attempts_failed: 0, dropped: 5, queued: 6 })
  t.equal(lines.filter((l) => l.includes('queue full')).length, 1, 'one log line for the burst of drops')
  t.match(JSON.parse(lines[0]!), { dropped: 1, capacity: 5, handler: 'post' })
  ep.mode = 'ok'
  sched.advance(OPTS.timeoutMs)
  await d.when((x) => x.phase === 'backoff')
  sched.advance(OPTS.retryInitialMs)
  await d.when((x) => x.stats.queued === 0)
  t.same(ep.accepted, ['alert-0', ...ids(5, 6)], 'the attempted event and the 5 newest')
  t.same(d.stats, { delivered: 6, attempts_failed: 1, dropped: 5, queued: 0 })
})

t.test('close() during a hanging request aborts it and resolves without waiting for the timeout', async (t) => {
  const sched = new ManualScheduler() // the timeout never fires unless advanced: close alone must finish
  const ep = await new Endpoint().start()
  t.teardown(() => ep.stop())
  ep.mode = 'hang'
  let handlerClosed = false
  const post = postTo(ep.port)
  const handler: AlertHandler = { kind: 'post', handle: (e, s) => post.handle(e, s), close: () => { handlerClosed = true } }
  const d = new Delivery(handler, silent, { ...OPTS, timeoutMs: 10_000 }, sched)
  for (let i = 0; i < 5; i++) d.enqueue(ev(i))
  await ep.reached(1)
  await d.close()
  t.equal(d.phase, 'closed')
  t.equal(d.stats.queued, 0, 'the queue is discarded')
  t.equal(d.stats.attempts_failed, 0, 'an abort by close is not a failed attempt')
  t.ok(handlerClosed, 'the handler is closed')
  d.enqueue(ev(9))
  t.equal(d.stats.queued, 0, 'enqueue after close is ignored')
  t.equal(ep.requests, 1)
})

t.test('close() does not wait for a handler that ignores the abort signal', async (t) => {
  const sched = new ManualScheduler()
  let calls = 0
  const stuck: AlertHandler = { kind: 'stuck', handle: () => { calls++; return new Promise<void>(() => {}) } }
  const d = new Delivery(stuck, silent, OPTS, sched)
  d.enqueue(ev(0))
  await d.when((x) => x.phase === 'attempting')
  await d.close()
  t.equal(calls, 1)
  t.equal(d.phase, 'closed')
})

t.test('the per-attempt timeout also covers a handler that ignores the signal, and it is retried', async (t) => {
  const sched = new ManualScheduler()
  const seen: string[] = []
  let hang = true
  const h: AlertHandler = {
    kind: 'flaky',
    handle: (e) => { seen.push(e.id); return hang ? new Promise<void>(() => {}) : Promise.resolve() },
  }
  const d = new Delivery(h, silent, OPTS, sched)
  t.teardown(() => d.close())
  d.enqueue(ev(0))
  d.enqueue(ev(1))
  await d.when((x) => x.phase === 'attempting')
  sched.advance(OPTS.timeoutMs)
  await d.when((x) => x.phase === 'backoff')
  hang = false
  sched.advance(OPTS.retryInitialMs)
  await d.when((x) => x.stats.queued === 0)
  t.same(seen, ['alert-0', 'alert-0', 'alert-1'])
  t.same(d.stats, { delivered: 2, attempts_failed: 1, dropped: 0, queued: 0 })
})

t.test('backoff resets after a delivery', async (t) => {
  const sched = new ManualScheduler()
  const fails = new Set(['alert-0#1', 'alert-0#2', 'alert-1#1'])
  const tries = new Map<string, number>()
  const h: AlertHandler = {
    kind: 'flaky',
    handle: async (e) => {
      const n = (tries.get(e.id) ?? 0) + 1
      tries.set(e.id, n)
      if (fails.has(`${e.id}#${n}`)) throw new Error('nope')
    },
  }
  const d = new Delivery(h, silent, OPTS, sched)
  t.teardown(() => d.close())
  d.enqueue(ev(0))
  d.enqueue(ev(1))
  await d.when((x) => x.stats.attempts_failed === 1 && x.phase === 'backoff')
  sched.advance(100)
  await d.when((x) => x.stats.attempts_failed === 2 && x.phase === 'backoff')
  sched.advance(199)
  t.equal(d.stats.delivered, 0, 'second backoff is 200 ms')
  sched.advance(1)
  await d.when((x) => x.stats.attempts_failed === 3 && x.phase === 'backoff')
  t.equal(d.stats.delivered, 1)
  sched.advance(100) // back to the initial backoff for the next event
  await d.when((x) => x.stats.queued === 0)
  t.same(d.stats, { delivered: 2, attempts_failed: 3, dropped: 0, queued: 0 })
})

t.test('an undeliverable event is dropped at once and the next ones go on', async (t) => {
  const sched = new ManualScheduler()
  const seen: string[] = []
  const h: AlertHandler = {
    kind: 'picky',
    handle: async (e) => {
      seen.push(e.id)
      if (e.id === 'alert-1') throw new UndeliverableError('template failed on this event')
    },
  }
  const d = new Delivery(h, silent, OPTS, sched)
  t.teardown(() => d.close())
  for (let i = 0; i < 3; i++) d.enqueue(ev(i))
  await d.when((x) => x.stats.queued === 0)
  t.same(seen, ids(3), 'tried once each, no retry, no backoff')
  t.same(d.stats, { delivered: 2, attempts_failed: 0, dropped: 1, queued: 0 })
})
