/**
 * Delivery of alert events to one handler, written once for every handler kind: a bounded
 * queue, one attempt at a time in enqueue order, a timeout per attempt (the handler gets an
 * AbortSignal), exponential backoff between failed attempts and retries until the event is
 * delivered — so after an outage every queued event arrives once, in order.
 *
 * The queue bounds the events WAITING behind the one being attempted; when it is full the
 * oldest waiting event is dropped (counted in `stats.dropped`, logged at most once a
 * second). An event the handler declares undeliverable (UndeliverableError: no retry can
 * fix it) is logged and counted in `dropped` too. `close()` aborts the attempt in flight, discards the queue and resolves promptly:
 * a hanging endpoint never holds a task delete. Timers (attempt timeouts, backoff) go
 * through a Scheduler so tests drive them with ManualScheduler.
 */
import type { Logger } from '../server/logger.js'
import { realScheduler, type Cancel, type Scheduler } from '../pipeline/scheduler.js'
import type { AlertEvent, AlertHandler } from './types.js'

export interface DeliveryOptions {
  /** events waiting behind the attempt in flight */
  readonly capacity: number
  /** per attempt */
  readonly timeoutMs: number
  readonly retryInitialMs: number
  readonly retryMaxMs: number
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  capacity: 1000, timeoutMs: 10_000, retryInitialMs: 100, retryMaxMs: 30_000,
}

export interface DeliveryStats {
  delivered: number
  attempts_failed: number
  dropped: number
  /** events not yet delivered, the one being attempted included */
  queued: number
}

/** idle: nothing to do; attempting: a handler call is in flight; backoff: waiting to retry after a failure */
export type DeliveryPhase = 'idle' | 'attempting' | 'backoff' | 'closed'

const LOG_EVERY_MS = 1000

/**
 * Thrown by a handler for an event no retry can deliver (a template that fails on this
 * event's data): delivery logs it, counts it in `dropped` and goes on with the next event
 * instead of retrying it forever in front of the others.
 */
export class UndeliverableError extends Error {
  override readonly name = 'UndeliverableError'
}

export class Delivery {
  private readonly opts: DeliveryOptions
  /** waiting events; `head` avoids O(n) shifts */
  private queue: AlertEvent[] = []
  /** events waiting for their topic state to be durable before their first attempt */
  private readonly ready = new WeakMap<AlertEvent, Promise<unknown>>()
  private head = 0
  private current: AlertEvent | undefined
  private abort: AbortController | undefined
  private cancelTimer: Cancel | undefined
  private wake: (() => void) | undefined
  private running: Promise<void> | undefined
  private backoffMs: number
  private _phase: DeliveryPhase = 'idle'
  private readonly watchers = new Set<() => void>()
  private lastDropLog = 0
  private droppedSinceLog = 0
  private lastFailLog = 0
  private failedSinceLog = 0
  private readonly counts = { delivered: 0, attempts_failed: 0, dropped: 0 }

  constructor(
    private readonly handler: AlertHandler,
    private readonly logger: Logger,
    opts: Partial<DeliveryOptions> = {},
    private readonly scheduler: Scheduler = realScheduler,
  ) {
    this.opts = { ...DEFAULT_DELIVERY_OPTIONS, ...opts }
    if (!(this.opts.capacity >= 1)) throw new Error('delivery capacity must be at least 1')
    this.backoffMs = this.opts.retryInitialMs
  }

  get stats(): DeliveryStats {
    return { ...this.counts, queued: this.queue.length - this.head + (this.current ? 1 : 0) }
  }

  get phase(): DeliveryPhase {
    return this._phase
  }

  /**
   * Never blocks. Events are delivered in enqueue order; one with `ready` is attempted only
   * once it settles (the topic state is durable).
   */
  enqueue(event: AlertEvent, ready?: Promise<unknown>): void {
    if (ready !== undefined) this.ready.set(event, ready)
    if (this._phase === 'closed') return
    if (this.queue.length - this.head >= this.opts.capacity) {
      this.head++
      this.counts.dropped++
      this.droppedSinceLog++
      const now = Date.now()
      if (now - this.lastDropLog >= LOG_EVERY_MS) {
        this.logger.warn({ handler: this.handler.kind, dropped: this.droppedSinceLog, capacity: this.opts.capacity },
          'alert delivery queue full: dropped the oldest events')
        this.lastDropLog = now
        this.droppedSinceLog = 0
      }
    }
    this.queue.push(event)
    if (!this.running) this.running = this.run()
  }

  /** Resolves once `pred` holds (checked now and at every phase change); for observers and tests. */
  when(pred: (d: Delivery) => boolean): Promise<void> {
    if (pred(this)) return Promise.resolve()
    return new Promise((resolve) => {
      const check = (): void => {
        if (pred(this) || this._phase === 'closed') {
          this.watchers.delete(check)
          resolve()
        }
      }
      this.watchers.add(check)
    })
  }

  /** Aborts the attempt in flight, discards the queue, closes the handler. */
  async close(): Promise<void> {
    if (this._phase === 'closed') return
    this.setPhase('closed')
    this.queue = []
    this.head = 0
    this.abort?.abort(new Error('alert delivery closed'))
    this.cancelTimer?.()
    this.wake?.()
    await this.running
    this.current = undefined
    try {
      await this.handler.close?.()
    } catch (err) {
      this.logger.warn({ handler: this.handler.kind, err }, 'closing alert handler failed')
    }
  }

  private setPhase(p: DeliveryPhase): void {
    this._phase = p
    for (const w of [...this.watchers]) w()
  }

  private next(): AlertEvent | undefined {
    if (this.head >= this.queue.length) {
      this.queue = []
      this.head = 0
      return undefined
    }
    const e = this.queue[this.head]!
    this.queue[this.head] = undefined as unknown as AlertEvent
    this.head++
    // compact now and then so a long-lived queue does not keep a growing dead prefix
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
    return e
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.isClosed()) break
      const event = this.current ?? this.next()
      if (!event) break
      this.current = event
      const ready = this.ready.get(event)
      if (ready !== undefined) {
        await ready.catch(() => undefined)
        this.ready.delete(event)
        if (this.isClosed()) break
      }
      const ok = await this.attempt(event)
      if (this.isClosed()) break
      if (ok === 'undeliverable') {
        this.current = undefined
        this.counts.dropped++
        continue
      }
      if (ok) {
        this.current = undefined
        this.counts.delivered++
        this.backoffMs = this.opts.retryInitialMs
        continue
      }
      this.setPhase('backoff')
      await this.sleep(this.backoffMs)
      this.backoffMs = Math.min(this.backoffMs * 2, this.opts.retryMaxMs)
    }
    this.running = undefined
    if (!this.isClosed()) this.setPhase('idle')
  }

  private isClosed(): boolean {
    return this._phase === 'closed'
  }

  private async attempt(event: AlertEvent): Promise<boolean | 'undeliverable'> {
    const ac = new AbortController()
    this.abort = ac
    this.setPhase('attempting')
    const { timeoutMs } = this.opts
    const cancelTimeout = this.scheduler.after(timeoutMs, () => ac.abort(new Error(`alert handler timed out after ${timeoutMs}ms`)))
    // a handler that ignores the signal must not hold delivery: the abort wins the race
    let onAbort: (() => void) | undefined
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(ac.signal.reason instanceof Error ? ac.signal.reason : new Error('aborted'))
      ac.signal.addEventListener('abort', onAbort, { once: true })
    })
    aborted.catch(() => {})
    try {
      const call = Promise.resolve().then(() => this.handler.handle(event, ac.signal))
      call.catch(() => {})
      await Promise.race([call, aborted])
      return true
    } catch (err) {
      if (this.isClosed()) return false
      if (err instanceof UndeliverableError) {
        this.logger.error({ handler: this.handler.kind, id: event.id, err: err.message }, 'alert event cannot be delivered; dropped')
        return 'undeliverable'
      }
      this.counts.attempts_failed++
      this.logFailure(event, err)
      return false
    } finally {
      cancelTimeout()
      if (onAbort) ac.signal.removeEventListener('abort', onAbort)
      this.abort = undefined
    }
  }

  private logFailure(event: AlertEvent, err: unknown): void {
    this.failedSinceLog++
    const now = Date.now()
    if (now - this.lastFailLog < LOG_EVERY_MS) return
    this.logger.warn({
      handler: this.handler.kind, id: event.id, failures: this.failedSinceLog, retryInMs: this.backoffMs,
      err: err instanceof Error ? err.message : String(err),
    }, 'alert delivery failed; retrying')
    this.lastFailLog = now
    this.failedSinceLog = 0
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.cancelTimer = undefined
        this.wake = undefined
        resolve()
      }
      this.wake = done
      this.cancelTimer = this.scheduler.after(ms, done)
    })
  }
}
