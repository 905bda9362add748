/**
 * The deadman's throughput signal: what the stats node of a `deadman(threshold, interval)`
 * expansion emits instead of Kapacitor's raw cumulative count.
 *
 * Kapacitor's deadman is `stats(I).align()|derivative('emitted').unit(I).nonNegative()|
 * alert().crit(lambda: "emitted" <= threshold)`: the points a group sent in each aligned
 * interval. A host sending every 60 s ± 3 s with deadman(0.0, 60s) leaves some aligned 60 s
 * intervals empty and fires (Kapacitor issues #1339, #939, #2419). We keep the pipeline
 * (DOT, JSON, the threshold in points per interval) and change what is counted.
 *
 * The rule, per group of the watched node, at each aligned tick t (every I):
 *   - n = the points the group emitted in the window (t − W, t], W = I + G, grace G = I/2,
 *     measured from the group's cumulative count sampled every I/10 (a point counts from
 *     the first sample after it: the window is exact to one sample step);
 *   - silent (rate 0) when n = 0; else rate = max(n, h) · I / W points per interval, where
 *     h = the points of the window that ended at the group's newest point, less that point
 *     (the rate it was sending when last heard, kept until it sends again). Without h, the
 *     rate of a group that stops would slide down as its points leave the window, and a
 *     threshold above 0 would fire at each tick of the slide; with it, a stop reads as the
 *     group's rate until the window is empty, then 0 (one CRIT). A real slow-down still
 *     shows: every new point renews h;
 *   - a group first seen, or sending again after a window without points, less than W ago
 *     is measured over the time since the sample before that point, so a new or resuming
 *     group does not read a falsely low rate (which would fire a CRIT just as it recovers);
 *     a group reported silent is reported again once it has sent for at least an interval
 *     (at the first tick ≥ I after its first new point; then at every tick).
 * So a group whose points are never more than W − I/10 = 1.4 I apart is never seen at rate
 * 0 (60 s ± 20 % jitter for I = 60 s); a group that stops is silent (rate 0) at the first
 * tick ≥ 1.5 I after its last point's sample (about 2 I after its last point); a group that
 * sends again is reported with its rate 1 to 2 I after its first new point.
 *
 * The alert fires on every evaluation whose level is not OK (Kapacitor's rule), so a
 * silent group is reported once and then not again until it sends (its rate would stay 0):
 * an outage is one CRIT and, when the group sends again, one OK (for any threshold ≥ 0,
 * the rate-0 evaluation is CRIT). A group that keeps sending at or below the threshold is
 * evaluated at every tick, as in Kapacitor (add `.stateChangesOnly()`).
 *
 * The derivative must yield exactly this rate: we emit a virtual cumulative count V per
 * group, advanced by rate · (t − t_prev) / I, so (V − V_prev) / ((t − t_prev) / I) = rate.
 * Rates are rounded to a multiple of 2⁻²⁰, so the subtraction is exact (V < 2³³) and a rate
 * equal to the threshold compares equal. The first tick of a group primes the derivative
 * (which drops a group's first point, as it does for Kapacitor's count).
 *
 * Groups are those of the watched node (Kapacitor's per-group stats). Before the watched
 * node has emitted in any group (a root counts without groups), the nil group carries its
 * total; when grouped data appears, a nil group that was reported silent is reported once
 * more with the total's rate (its recovery) and then dropped.
 */
import type { Group } from '../model/group.js'
import { NIL_GROUP } from '../model/group.js'

/** Samples of the cumulative counts per interval. */
export const DEADMAN_SAMPLES_PER_INTERVAL = 10
/** The grace added to the interval, in samples (G = I/2). */
const GRACE_SAMPLES = DEADMAN_SAMPLES_PER_INTERVAL / 2
/** The window W = I + G in samples. */
const WINDOW_SAMPLES = DEADMAN_SAMPLES_PER_INTERVAL + GRACE_SAMPLES
/** The ring keeps the count at the window's start and every sample since. */
const RING = WINDOW_SAMPLES + 1
const RATE_GRID = 2 ** 20

/** The ring index of a sample slot (slots before the epoch are negative). */
const at = (slot: number): number => ((slot % RING) + RING) % RING

/** The watched node's counts, as its cell gives them. */
export interface WatchedCounts {
  /** every message it emitted */
  readonly emitted: number
  /** per group id */
  emittedByGroup(): ReadonlyMap<string, { readonly group: Group; readonly emitted: number }>
}

/** The per-group state store (the stats runtime gives its ctx.groups: counted in working_cardinality). */
export interface SignalStore {
  peek(group: Group): GroupSignal | undefined
  set(group: Group, s: GroupSignal): void
  delete(group: Group): boolean
  values(): IterableIterator<GroupSignal>
}

/** A plain store (tests, or no executor). */
export function mapStore(): SignalStore {
  const m = new Map<string, GroupSignal>()
  return {
    peek: (g) => m.get(g.id),
    set: (g, s) => { m.set(g.id, s) },
    delete: (g) => m.delete(g.id),
    values: () => m.values(),
  }
}

export interface GroupSignal {
  group: Group
  /** the nil group standing for the watched node's total (no groups yet) */
  total: boolean
  /** cumulative count at sample slot k in ring[at(k)] */
  readonly ring: Float64Array
  /** the last sampled slot */
  slot: number
  /**
   * the slot its current episode of activity began at (first seen, or first point after a
   * window without any): its rate is measured from the slot before, not over W
   */
  sinceSlot: number
  /**
   * the rate over the window that ended at the group's last new point, less that point
   * (points per interval): what the group was sending when it was last heard
   */
  heardRate: number
  /** virtual cumulative count (see header) */
  value: number
  /** the time of the last emitted point */
  prevTime: bigint | undefined
  emits: number
  lastRate: number
}

/** One point of the signal: the group, the virtual cumulative `emitted` and the tick time. */
export type SignalEmit = (group: Group, emitted: number, time: bigint) => void

/** The window in samples: W, or the life of a younger episode (no false low rate at its start). */
function windowOf(g: GroupSignal, slot: number): number {
  return Math.min(WINDOW_SAMPLES, slot - g.sinceSlot + 1)
}

export class DeadmanSignal {
  private readonly stepNs: bigint
  private lastSlot = Number.NEGATIVE_INFINITY
  private nextTickSlot: number | undefined

  constructor(readonly intervalNs: bigint, private readonly watched: WatchedCounts, private readonly groups: SignalStore = mapStore()) {
    if (intervalNs <= 0n) throw new Error('deadman interval must be greater than zero')
    this.stepNs = intervalNs / BigInt(DEADMAN_SAMPLES_PER_INTERVAL)
    if (this.stepNs <= 0n) throw new Error('deadman interval must be at least 10ns')
  }

  /** The wall-clock period of the sampling timer. */
  get sampleMs(): number {
    return Math.max(1, Number(this.stepNs / 1_000_000n))
  }

  /**
   * Samples the watched node's counts at wall-clock time `nowNs` (rounded to the sample
   * grid) and, at the first sample at or after a multiple of the interval, reports every
   * group through `emit` with the tick time.
   */
  sample(nowNs: bigint, emit: SignalEmit): bigint | undefined {
    const slot = Number((nowNs + this.stepNs / 2n) / this.stepNs)
    if (slot <= this.lastSlot) return undefined
    this.lastSlot = slot
    this.record(slot)
    // the first tick is the first multiple of the interval at or after the first sample
    this.nextTickSlot ??= Math.ceil(slot / DEADMAN_SAMPLES_PER_INTERVAL) * DEADMAN_SAMPLES_PER_INTERVAL
    if (slot < this.nextTickSlot) return undefined
    const intervals = Math.floor(slot / DEADMAN_SAMPLES_PER_INTERVAL)
    this.nextTickSlot = (intervals + 1) * DEADMAN_SAMPLES_PER_INTERVAL
    const tick = BigInt(intervals) * this.intervalNs
    this.report(slot, tick, emit)
    return tick
  }

  private record(slot: number): void {
    const byGroup = this.watched.emittedByGroup()
    const nil = this.groups.peek(NIL_GROUP)
    if (byGroup.size === 0) {
      this.put(NIL_GROUP, this.watched.emitted, slot, true)
      return
    }
    if (nil?.total) {
      if (byGroup.has(NIL_GROUP.id)) {
        // the nil group is now a real group of the watched node: rebase its samples
        const offset = byGroup.get(NIL_GROUP.id)!.emitted - this.watched.emitted
        for (let i = 0; i < RING; i++) nil.ring[i]! += offset
        nil.total = false
      } else {
        this.put(NIL_GROUP, this.watched.emitted, slot, true)
      }
    }
    for (const e of byGroup.values()) this.put(e.group, e.emitted, slot, false)
  }

  private put(group: Group, count: number, slot: number, total: boolean): void {
    let g = this.groups.peek(group)
    if (g === undefined) {
      // a group first seen now had 0 before: every earlier sample is 0
      g = { group, total, ring: new Float64Array(RING), slot, sinceSlot: slot, heardRate: 0, value: 0, prevTime: undefined, emits: 0, lastRate: 0 }
      this.groups.set(group, g)
    } else {
      // missed samples (a late timer) keep the previous count
      const prev = g.ring[at(g.slot)]!
      for (let k = Math.max(g.slot + 1, slot - RING + 1); k < slot; k++) g.ring[at(k)] = prev
    }
    const prevCount = g.ring[at(g.slot)]!
    g.ring[at(slot)] = count
    g.slot = slot
    if (count > prevCount && slot !== g.sinceSlot && prevCount - g.ring[at(slot - WINDOW_SAMPLES)]! === 0) {
      // the first point after a whole window without any: a new episode
      g.sinceSlot = slot
    }
    if (count > prevCount) {
      // heard from now: the points of the window ending here, less the newest
      const n = count - g.ring[at(slot - WINDOW_SAMPLES)]! - 1
      g.heardRate = n > 0 ? n * DEADMAN_SAMPLES_PER_INTERVAL / windowOf(g, slot) : 0
    }
  }

  private report(slot: number, tick: bigint, emit: SignalEmit): void {
    const byGroup = this.watched.emittedByGroup()
    for (const g of this.groups.values()) {
      const n = g.slot === slot ? g.ring[at(slot)]! - g.ring[at(slot - WINDOW_SAMPLES)]! : 0
      const heard = Math.max(n * DEADMAN_SAMPLES_PER_INTERVAL / windowOf(g, slot), g.heardRate)
      const rate = n > 0 ? Math.round(heard * RATE_GRID) / RATE_GRID : 0
      const orphan = g.total && byGroup.size > 0
      if (orphan && !(g.emits >= 2 && g.lastRate === 0)) {
        // a stand-in nil group that never reported an outage just goes away
        this.groups.delete(g.group)
        continue
      }
      if (g.lastRate === 0 && g.emits >= 2) {
        // reported silent: nothing new while it stays so, and a resumed group is measured
        // over at least an interval before it is reported (its rate over a shorter life
        // is too rough to compare with a threshold)
        if (rate === 0 || slot - g.sinceSlot + 1 < DEADMAN_SAMPLES_PER_INTERVAL) continue
      }
      if (g.prevTime !== undefined) g.value += rate * (Number(tick - g.prevTime) / Number(this.intervalNs))
      g.prevTime = tick
      g.emits++
      g.lastRate = rate
      emit(g.group, g.value, tick)
      if (orphan && rate > 0) this.groups.delete(g.group)
    }
  }
}
