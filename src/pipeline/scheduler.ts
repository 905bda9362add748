/**
 * Wall-clock timers for the few nodes that use them (barrier, stats, httpPost timeouts).
 * The daemon uses real timers; tests and deterministic replays use ManualScheduler, whose
 * `advance(ms)` fires due timers in time order and moves its clock, so no test sleeps.
 */
import type { Clock } from '../model/clock.js'

export type Cancel = () => void

export interface Scheduler {
  every(ms: number, fn: () => void): Cancel
  after(ms: number, fn: () => void): Cancel
}

export const realScheduler: Scheduler = {
  every(ms, fn) {
    const t = setInterval(fn, ms)
    t.unref()
    return () => clearInterval(t)
  },
  after(ms, fn) {
    const t = setTimeout(fn, ms)
    t.unref()
    return () => clearTimeout(t)
  },
}

interface Timer { due: number; readonly interval: number; readonly fn: () => void; readonly seq: number; cancelled: boolean }

export class ManualScheduler implements Scheduler {
  private nowMs: number
  private seq = 0
  private timers: Timer[] = []
  /** a Clock that reads this scheduler's time */
  readonly clock: Clock

  constructor(startNs = 0n) {
    this.nowMs = Number(startNs / 1_000_000n)
    this.clock = { nowNs: () => BigInt(Math.round(this.nowMs)) * 1_000_000n }
  }

  get now(): number {
    return this.nowMs
  }

  every(ms: number, fn: () => void): Cancel {
    return this.add(ms, ms, fn)
  }

  after(ms: number, fn: () => void): Cancel {
    return this.add(ms, 0, fn)
  }

  private add(ms: number, interval: number, fn: () => void): Cancel {
    const t: Timer = { due: this.nowMs + ms, interval, fn, seq: this.seq++, cancelled: false }
    this.timers.push(t)
    return () => { t.cancelled = true }
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in due order. */
  advance(ms: number): void {
    const end = this.nowMs + ms
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled)
      let next: Timer | undefined
      for (const t of this.timers) if (t.due <= end && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t
      if (!next) break
      this.nowMs = next.due
      if (next.interval > 0) next.due += next.interval
      else next.cancelled = true
      next.fn()
    }
    this.nowMs = end
  }
}
