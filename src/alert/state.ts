/**
 * One alert group's level history (Kapacitor's alertState): a ring of the last `history`
 * levels, whether the newest entry changed the level, flapping (weighted share of level
 * changes over the ring, with hysteresis between the low and high thresholds), whether a
 * stateChangesOnly interval expired, and the episode's first/last trigger times that make
 * an event's duration. Levels are ranks: 0 OK, 1 INFO, 2 WARNING, 3 CRITICAL.
 */

/** The newest change weighs `WEIGHT_DIFF` times the oldest one; the newest weighs `MAX_WEIGHT`. */
const WEIGHT_DIFF = 1.5
const MAX_WEIGHT = 1.2

export interface StateOptions {
  readonly history: number
  /** [low, high] thresholds in (0, 1], undefined = no flapping detection */
  readonly flapping?: readonly [number, number]
  /** stateChangesOnly(d): ns; 0 = never expires */
  readonly stateChangesInterval: bigint
}

export class AlertState {
  private readonly ring: Uint8Array
  private idx = 0
  flapping = false
  changed = false
  expired = false
  /** ns; the first event of the current non-OK episode */
  firstTriggered = 0n
  /** ns; undefined = never triggered (Go's zero time: any interval has expired) */
  lastTriggered: bigint | undefined

  constructor(private readonly opts: StateOptions) {
    this.ring = new Uint8Array(Math.max(2, opts.history))
  }

  get level(): number {
    return this.ring[this.idx]!
  }

  /** Records the level determined for a message at time `t` (ns). */
  add(t: bigint, level: number): void {
    this.changed = this.ring[this.idx] !== level
    this.idx = (this.idx + 1) % this.ring.length
    this.ring[this.idx] = level
    const f = this.opts.flapping
    if (f) {
      const p = this.percentChange()
      if (this.flapping && p < f[0]) this.flapping = false
      else if (!this.flapping && p > f[1]) this.flapping = true
    }
    const d = this.opts.stateChangesInterval
    this.expired = !this.changed && d !== 0n && (this.lastTriggered === undefined || t - this.lastTriggered >= d)
  }

  /** An event fired at `t`: a first event after OK starts a new episode. */
  triggered(t: bigint): void {
    this.lastTriggered = t
    const prev = this.idx === 0 ? this.ring.length - 1 : this.idx - 1
    if (this.ring[prev] === 0) this.firstTriggered = t
  }

  /** ns since the episode's first event, as of the last event */
  get duration(): bigint {
    return (this.lastTriggered ?? 0n) - this.firstTriggered
  }

  /**
   * Kapacitor's weighted change share: each adjacent pair of the ring that differs adds a
   * weight growing linearly from MAX_WEIGHT/WEIGHT_DIFF (0.8) to MAX_WEIGHT (1.2), divided by
   * the number of pairs. The walk starts at the newest entry exactly as Kapacitor's does
   * (so the pair newest→oldest is counted and the last pair is skipped), which keeps the
   * flapping decisions identical to Kapacitor's.
   */
  percentChange(): number {
    const l = this.ring.length
    let changes = 0
    let weight = MAX_WEIGHT / WEIGHT_DIFF
    const step = (MAX_WEIGHT - weight) / (l - 1)
    for (let i = 0; i < l - 1; i++) {
      const c = (i + this.idx) % l
      const p = c === 0 ? l - 1 : c - 1
      if (this.ring[c] !== this.ring[p]) changes += weight
      weight += step
    }
    return changes / (l - 1)
  }
}
