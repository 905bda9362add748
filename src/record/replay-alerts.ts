/**
 * Alerts inside a replay. A replay never touches the daemon's topics: its alert nodes
 * publish to a ReplayAlertPublisher (topic state in memory, no topic handlers). The
 * script's own handlers (`.post()`, `.email()`…) still fire — replaying is how users test
 * their alerts — but through ReplayHandlers: each handler the script builds is wrapped so
 * that the alert node's own delivery queue hands events over at once, and the real
 * delivery (one Delivery per handler, in order, with retries) belongs to the replay. A
 * fast replay ends long before a handler has sent what it fired, and stopping the task
 * closes the node's queues; the replay drains its own before it reports `finished`.
 */
import { performance } from 'node:perf_hooks'
import { Delivery, type DeliveryOptions } from '../alert/delivery.js'
import type { AlertEvent, AlertHandler, AlertPublisher, EventState, HandlerFactory } from '../alert/types.js'
import type { Logger } from '../server/logger.js'

const DONE: Promise<void> = Promise.resolve()

/** Topic state in memory only; keeps no event list (a long replay fires many). */
export class ReplayAlertPublisher implements AlertPublisher {
  private readonly states = new Map<string, EventState>()
  published = 0

  publish(e: AlertEvent): Promise<void> {
    this.published++
    this.states.set(`${e.topic}\u0000${e.id}`, { level: e.level, message: e.message, details: e.details, time: e.time, duration: e.duration })
    return DONE
  }

  lastState(topic: string, id: string): EventState | undefined {
    return this.states.get(`${topic}\u0000${id}`)
  }
}

/** A replay delivers everything it fired unless its handlers make no progress for this long. */
export const DEFAULT_STALL_MS = 30_000

/** The replay's deliveries may hold a whole fast replay's events. */
const REPLAY_DELIVERY: Partial<DeliveryOptions> = { capacity: 1_000_000 }

export class ReplayHandlers {
  private readonly deliveries: Delivery[] = []

  constructor(private readonly create: HandlerFactory, private readonly logger: Logger) {}

  /** The factory the replay's execution builds its handlers with. */
  readonly factory: HandlerFactory = (kind, options) => {
    const real = this.create(kind, options)
    const delivery = new Delivery(real, this.logger.child({ handler: kind }), REPLAY_DELIVERY)
    this.deliveries.push(delivery)
    const handOver: AlertHandler = {
      kind,
      handle(event) {
        delivery.enqueue(event)
        return DONE
      },
      // the node's stop closes this wrapper; the replay closes the real delivery after draining
    }
    return handOver
  }

  /** events fired but not yet delivered */
  get pending(): number {
    let n = 0
    for (const d of this.deliveries) n += d.stats.queued
    return n
  }

  private get delivered(): number {
    let n = 0
    for (const d of this.deliveries) n += d.stats.delivered + d.stats.dropped
    return n
  }

  /**
   * Resolves when every handed-over event is delivered (or dropped as undeliverable), or
   * when none was delivered for `stallMs` (a handler endpoint down): resolves with the
   * number still pending. Stops early when `signal` aborts.
   */
  async drain(signal: AbortSignal, stallMs = DEFAULT_STALL_MS): Promise<number> {
    // monotonic wall time: the replay's own clock may stand still (data time, a fixed test clock)
    let last = this.delivered
    let lastProgress = performance.now()
    while (this.pending > 0 && !signal.aborted) {
      await Promise.race([
        Promise.all(this.deliveries.map((d) => d.when((x) => x.stats.queued === 0))),
        new Promise<void>((r) => { const t = setTimeout(r, 250); t.unref() }),
      ])
      const now = this.delivered
      if (now !== last) {
        last = now
        lastProgress = performance.now()
      } else if (performance.now() - lastProgress >= stallMs) break
    }
    return this.pending
  }

  /** Aborts what is in flight and closes the real handlers. */
  async close(): Promise<void> {
    await Promise.all(this.deliveries.splice(0).map((d) => d.close()))
  }
}
