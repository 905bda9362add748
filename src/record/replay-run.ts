/**
 * Feeding replayed data into a task's isolated execution, paced (reference §9, Kapacitor's
 * replay.go): without `recordingTime` every time is shifted by (replay start − first
 * recorded time), so the first point lands at the replay start; with it the recorded
 * times are kept. The 'fast' clock never waits (it yields to the event loop between steps
 * so that the daemon stays responsive); 'real' waits until each shifted time. Either way
 * the execution's clock and timers (a DataTimeScheduler) move with the data's time, so a
 * replay gives the same output however fast it runs.
 *
 * Stream data goes through a private matcher (the task's dbrps and measurements decide
 * what reaches it, as in Kapacitor's isolated task master); batch data goes to the query
 * node that produced it (`source`).
 */
import type { Clock } from '../model/clock.js'
import type { Point } from '../model/point.js'
import type { PointSink } from '../ingest/sink.js'
import type { BatchInput } from '../pipeline/task-execution.js'
import type { DataTimeScheduler } from './replay-scheduler.js'
import type { RecordedBatch } from './types.js'

export type ReplayClock = 'fast' | 'real'

export interface Pacing {
  readonly recordingTime: boolean
  readonly clock: ReplayClock
  /** the replay's zero: where the first recorded time lands when times are shifted; the real clock's start */
  readonly startNs: bigint
  /** what the real clock waits on */
  readonly wall: Clock
  /** waits (real clock); resolves early when the replay is stopped */
  readonly sleep: (ms: number) => Promise<void>
  readonly signal: AbortSignal
  /** points (stream) or batches (batch) delivered so far */
  readonly onProgress?: (done: number) => void
}

export class ReplayStoppedError extends Error {
  constructor() {
    super('replay stopped')
    this.name = 'ReplayStoppedError'
  }
}

/** Points delivered between two yields to the event loop (an alert node's handler queue holds 1000). */
const STEP = 1000
/** The longest wait of the real clock before the timers are moved on. */
const REAL_STEP_MS = 1000

export const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r))

function check(signal: AbortSignal): void {
  if (signal.aborted) throw new ReplayStoppedError()
}

/**
 * Waits until the wall clock reaches `targetNs`, moving the timers on as wall time passes
 * (`carried(wallNs)` maps wall time to the data's time).
 */
async function waitUntil(p: Pacing, targetNs: bigint, scheduler: DataTimeScheduler, carried: (wallNs: bigint) => bigint): Promise<void> {
  for (;;) {
    check(p.signal)
    const now = p.wall.nowNs()
    if (now >= targetNs) return
    scheduler.advanceTo(carried(now))
    const ms = Number((targetNs - now + 999_999n) / 1_000_000n)
    await p.sleep(Math.min(ms, REAL_STEP_MS))
  }
}

export interface StreamReplayResult {
  /** points read from the recording */
  readonly points: number
}

/**
 * Replays stream points into `sink` (the private matcher) in recorded order. Points of
 * equal time are written together; before each time the timers due by it fire.
 */
export async function replayStream(source: AsyncIterable<readonly Point[]>, sink: PointSink, scheduler: DataTimeScheduler, p: Pacing): Promise<StreamReplayResult> {
  let diff = 0n
  let started = false
  let n = 0
  let sinceYield = 0
  const real = p.clock === 'real'
  const toCarried = (wallNs: bigint): bigint => (p.recordingTime ? wallNs - diff : wallNs)
  for await (const chunk of source) {
    check(p.signal)
    for (let i = 0; i < chunk.length;) {
      const t = chunk[i]!.time
      // a run of equal times, at most STEP points (the yield below lets alert handlers take what it fired)
      let j = i + 1
      const end = Math.min(chunk.length, i + STEP)
      while (j < end && chunk[j]!.time === t) j++
      if (!started) {
        started = true
        diff = p.startNs - t
        scheduler.rebase(p.recordingTime ? t : p.startNs)
      }
      const shifted = t + diff
      if (real) await waitUntil(p, shifted, scheduler, toCarried)
      scheduler.advanceTo(p.recordingTime ? t : shifted)
      const run = i === 0 && j === chunk.length ? chunk : chunk.slice(i, j)
      void sink.write(p.recordingTime ? run : run.map((x) => ({ db: x.db, rp: x.rp, name: x.name, tags: x.tags, fields: x.fields, time: shifted })))
      n += j - i
      sinceYield += j - i
      i = j
      if (sinceYield >= STEP) {
        sinceYield = 0
        p.onProgress?.(n)
        await yieldToLoop()
        check(p.signal)
      }
    }
  }
  p.onProgress?.(n)
  return { points: n }
}

/** One batch of a batch replay, its times final. */
export interface BatchStep {
  readonly batch: RecordedBatch
  /** when the real clock delivers it (its last point's shifted time) */
  readonly wallNs: bigint
  /** the data time the timers move to before it is delivered (none for an empty batch) */
  readonly carriedNs?: bigint
}

/**
 * Kapacitor's batch replay times, per source: the first point of the source's first
 * non-empty batch lands at the replay start (unless `recordingTime`); a batch's time
 * (tmax) becomes max(recorded tmax, its last point's time); an empty batch keeps its
 * recorded tmax or takes the source's previous one. Sources run side by side in Kapacitor;
 * here they are merged by delivery time (ties: lower source first), each source in order.
 */
export function planBatches(batches: Iterable<RecordedBatch>, o: { recordingTime: boolean; startNs: bigint }): BatchStep[] {
  const bySource = new Map<number, BatchStep[]>()
  const state = new Map<number, { diff?: bigint; tmax?: bigint; wall: bigint; carried?: bigint }>()
  for (const b of batches) {
    let s = state.get(b.source)
    if (!s) {
      s = { wall: o.startNs }
      state.set(b.source, s)
    }
    let step: BatchStep
    if (b.points.length === 0) {
      const tmax = b.tmax ?? s.tmax ?? 0n
      s.tmax = tmax
      step = { batch: { ...b, tmax }, wallNs: s.wall, ...(s.carried !== undefined ? { carriedNs: s.carried } : {}) }
    } else {
      s.diff ??= o.startNs - b.points[0]!.time
      const diff = s.diff
      const points = o.recordingTime ? b.points : b.points.map((x) => ({ time: x.time + diff, tags: x.tags, fields: x.fields }))
      const last = points[points.length - 1]!.time
      const tmax = b.tmax !== undefined && b.tmax > last ? b.tmax : last
      s.tmax = tmax
      s.wall = o.recordingTime ? last + diff : last
      s.carried = last
      step = { batch: { source: b.source, name: b.name, tags: b.tags, points, tmax }, wallNs: s.wall, carriedNs: last }
    }
    let list = bySource.get(b.source)
    if (!list) {
      list = []
      bySource.set(b.source, list)
    }
    list.push(step)
  }
  const sources = [...bySource.keys()].sort((a, b) => a - b)
  const heads = new Map(sources.map((s) => [s, 0]))
  const out: BatchStep[] = []
  for (;;) {
    let best: number | undefined
    for (const s of sources) {
      const i = heads.get(s)!
      const list = bySource.get(s)!
      if (i >= list.length) continue
      if (best === undefined || list[i]!.wallNs < bySource.get(best)![heads.get(best)!]!.wallNs) best = s
    }
    if (best === undefined) return out
    const i = heads.get(best)!
    out.push(bySource.get(best)![i]!)
    heads.set(best, i + 1)
  }
}

/** Delivers planned batches to the task's query nodes. */
export async function replayBatches(steps: readonly BatchStep[], inputs: readonly BatchInput[], scheduler: DataTimeScheduler, p: Pacing): Promise<void> {
  for (const s of steps) {
    if (s.batch.source < 0 || s.batch.source >= inputs.length) {
      throw new Error(`the data has batches for query ${s.batch.source} but the task has ${inputs.length} query node${inputs.length === 1 ? '' : 's'}`)
    }
  }
  const first = steps.find((s) => s.carriedNs !== undefined)
  scheduler.rebase(first?.carriedNs ?? p.startNs)
  const real = p.clock === 'real'
  let points = 0
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!
    check(p.signal)
    if (real) await waitUntil(p, s.wallNs, scheduler, () => 0n)
    if (s.carriedNs !== undefined) scheduler.advanceTo(s.carriedNs)
    inputs[s.batch.source]!.deliver(s.batch)
    points += s.batch.points.length + 1
    if (points >= STEP) {
      points = 0
      p.onProgress?.(i + 1)
      await yieldToLoop()
    }
  }
  p.onProgress?.(steps.length)
}
