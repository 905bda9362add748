/**
 * The clock and timers of a replayed task: time is the replayed data's time, moved
 * forward by the replay (`advanceTo`) as each point or batch is delivered, so barrier,
 * stats and deadman timers fire at the same data times on every run, however fast the
 * replay goes. Like ManualScheduler (src/pipeline/scheduler.ts) but in exact nanoseconds
 * and with the next due time at hand: the replay loop compares one bigint per run of
 * equal-time points instead of scanning the timers.
 */
import type { Clock } from '../model/clock.js'
import type { Cancel, Scheduler } from '../pipeline/scheduler.js'

interface Timer {
  due: bigint
  readonly intervalNs: bigint
  readonly fn: () => void
  readonly seq: number
  cancelled: boolean
}

const NEVER = (1n << 63n) - 1n

export class DataTimeScheduler implements Scheduler, Clock {
  private now: bigint
  private seq = 0
  private timers: Timer[] = []
  /** the earliest due time of a live timer (NEVER when none) */
  private nextDue = NEVER

  constructor(startNs: bigint) {
    this.now = startNs
  }

  nowNs(): bigint {
    return this.now
  }

  every(ms: number, fn: () => void): Cancel {
    return this.add(ms, true, fn)
  }

  after(ms: number, fn: () => void): Cancel {
    return this.add(ms, false, fn)
  }

  private add(ms: number, repeat: boolean, fn: () => void): Cancel {
    const ns = BigInt(Math.max(0, Math.round(ms * 1e6)))
    // a repeating timer of 0 would fire for ever at one instant
    const t: Timer = { due: this.now + ns, intervalNs: repeat ? (ns > 0n ? ns : 1_000_000n) : 0n, fn, seq: this.seq++, cancelled: false }
    this.timers.push(t)
    if (t.due < this.nextDue) this.nextDue = t.due
    return () => { t.cancelled = true }
  }

  /**
   * Moves the whole timeline (now and every timer) so that now is `startNs`: an execution
   * is built before the replay knows the time of its first data; its timers keep their
   * offsets. Only before the first advanceTo.
   */
  rebase(startNs: bigint): void {
    const d = startNs - this.now
    if (d === 0n) return
    this.now = startNs
    for (const t of this.timers) t.due += d
    if (this.nextDue !== NEVER) this.nextDue += d
  }

  /**
   * Moves time forward to `ns` (never back), first firing every timer due at or before
   * it in due order (ties in creation order), each with the clock at its due time.
   */
  advanceTo(ns: bigint): void {
    if (ns <= this.now) return
    while (this.nextDue <= ns) this.fireNext(ns)
    this.now = ns
  }

  /** Fires the earliest live timer if it is due by `limit`; else only corrects nextDue (a cancelled timer may have set it). */
  private fireNext(limit: bigint): void {
    let next: Timer | undefined
    let live = 0
    for (const t of this.timers) {
      if (t.cancelled) continue
      live++
      if (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq)) next = t
    }
    if (live < this.timers.length) this.timers = this.timers.filter((t) => !t.cancelled)
    if (!next || next.due > limit) {
      this.nextDue = next ? next.due : NEVER
      return
    }
    if (next.due > this.now) this.now = next.due
    if (next.intervalNs > 0n) next.due += next.intervalNs
    else next.cancelled = true
    next.fn()
    this.recomputeNextDue()
  }

  private recomputeNextDue(): void {
    let min = NEVER
    for (const t of this.timers) if (!t.cancelled && t.due < min) min = t.due
    this.nextDue = min
  }
}
