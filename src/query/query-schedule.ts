/**
 * When a batch query runs and which time range it asks for (reference §2.2, Kapacitor's
 * batch.go tickers). Pure: every function takes the times it needs; the caller reads its
 * injected clock.
 *
 * - `.every(d)`: a tick every `d` after the task starts; with `.align()` the ticks fall
 *   on multiples of `d` (the first one is the next multiple after the start).
 * - `.cron('…')`: croner's next fire time after a given instant (5 fields = minutes
 *   first, 6 fields = seconds first), in the process's local time zone as Kapacitor's.
 * - bounds of a tick at `t`: `[t − offset − period, t − offset)`; period defaults to every.
 */
import { Cron } from 'croner'

const NS_PER_MS = 1_000_000n

export type ScheduleSpec =
  | { readonly kind: 'every'; readonly every: bigint; readonly align: boolean }
  | { readonly kind: 'cron'; readonly expr: string }

export interface QuerySchedule {
  readonly spec: ScheduleSpec
  /**
   * The first tick of a query started at `startNs` (the task start): `start + every`,
   * the next multiple of every with align, the next cron time.
   */
  first(startNs: bigint): bigint
  /** The tick after the tick at `tickNs`. */
  next(tickNs: bigint): bigint
  /**
   * Kapacitor's ticker.Next(now), used to step over a past range (batch recordings):
   * `now + every` (rounded to every with align), the next cron time after `now`.
   */
  stepFrom(nowNs: bigint): bigint
}

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ScheduleError'
  }
}

/** Go's Time.Truncate for epoch-based instants (non-negative multiples of d). */
export function truncateNs(t: bigint, d: bigint): bigint {
  if (d <= 0n) return t
  return t - (((t % d) + d) % d)
}

/** Go's Time.Round: halfway rounds up. */
export function roundNs(t: bigint, d: bigint): bigint {
  if (d <= 0n) return t
  const r = ((t % d) + d) % d
  return r + r < d ? t - r : t + d - r
}

/** Builds a schedule; throws ScheduleError for a bad cron expression or a non-positive every. */
export function querySchedule(spec: ScheduleSpec): QuerySchedule {
  if (spec.kind === 'every') {
    const { every, align } = spec
    if (every <= 0n) throw new ScheduleError("'every' duration must be positive")
    return {
      spec,
      first: (start) => (align ? truncateNs(start, every) + every : start + every),
      next: (tick) => tick + every,
      stepFrom: (now) => (align ? roundNs(now + every, every) : now + every),
    }
  }
  const cron = parseCron(spec.expr)
  const after = (t: bigint): bigint => {
    // croner works in whole milliseconds and returns the first run strictly after its input
    const d = cron.nextRun(new Date(Number(t / NS_PER_MS)))
    if (d === null) throw new ScheduleError(`cron ${JSON.stringify(spec.expr)} never fires again`)
    return BigInt(d.getTime()) * NS_PER_MS
  }
  return { spec, first: after, next: after, stepFrom: after }
}

function parseCron(expr: string): Cron {
  try {
    return new Cron(expr.trim(), { paused: true })
  } catch (err) {
    throw new ScheduleError(`invalid cron expression ${JSON.stringify(expr)}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/** Only checks a cron expression (for validation at task start). */
export function checkCron(expr: string): string | undefined {
  try {
    parseCron(expr)
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

export interface QueryBounds {
  readonly start: bigint
  readonly stop: bigint
}

/** The time range a tick at `tick` queries: `[tick − offset − period, tick − offset)`. */
export function queryBounds(tick: bigint, o: { readonly period: bigint; readonly offset: bigint }): QueryBounds {
  const stop = tick - o.offset
  return { start: stop - o.period, stop }
}

/**
 * Every tick of a schedule whose query stop lies in (start, stop] — Kapacitor's
 * QueryNode.Queries(start, stop) for batch recordings: from `start`, step with
 * ticker.Next; stop when the tick is after `stop` or its query stop is after `now`.
 */
export function ticksOver(schedule: QuerySchedule, o: { readonly start: bigint; readonly stop: bigint; readonly now: bigint; readonly offset: bigint }): bigint[] {
  const out: bigint[] = []
  let current = o.start
  for (;;) {
    current = schedule.stepFrom(current)
    if (current > o.stop) break
    if (current - o.offset > o.now) break
    out.push(current)
  }
  return out
}
