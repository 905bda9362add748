/**
 * The replay engine without a daemon: the data-time scheduler, the time shift of stream
 * replays (first point at the replay start, or recorded times kept), timers firing at the
 * data's time, the real clock waiting until each shifted time (a fake wall clock moved by
 * the injected sleep), stopping, and Kapacitor's batch replay times and source merge.
 */
import t from 'tap'
import type { Point } from '../../src/model/point.js'
import { DataTimeScheduler } from '../../src/record/replay-scheduler.js'
import { planBatches, replayBatches, replayStream, ReplayStoppedError, type Pacing } from '../../src/record/replay-run.js'
import type { RecordedBatch } from '../../src/record/types.js'
import type { BatchInput } from '../../src/pipeline/task-execution.js'

const S = 1_000_000_000n

function pt(sec: bigint, v: number, name = 'cpu'): Point {
  return { db: 'db', rp: 'rp', name, tags: { host: 'a' }, fields: { v }, time: sec * S }
}

async function* chunks(...cs: Point[][]): AsyncIterable<readonly Point[]> {
  for (const c of cs) yield c
}

function pacing(over: Partial<Pacing> = {}): Pacing {
  return {
    recordingTime: false, clock: 'fast', startNs: 1000n * S,
    wall: { nowNs: () => 0n }, sleep: async () => {}, signal: new AbortController().signal,
    ...over,
  }
}

/** A sink that records each write with the scheduler's time when it came. */
function sink(sched: DataTimeScheduler): { writes: Array<{ at: bigint; times: bigint[] }>; write(ps: readonly Point[]): void } {
  const writes: Array<{ at: bigint; times: bigint[] }> = []
  return { writes, write(ps) { writes.push({ at: sched.nowNs(), times: ps.map((p) => p.time) }) } }
}

t.test('DataTimeScheduler: timers fire in due order with the clock at their due time', async (t) => {
  const s = new DataTimeScheduler(100n * S)
  const fired: string[] = []
  s.every(10_000, () => fired.push(`every@${s.nowNs() / S}`))
  const cancel = s.after(5_000, () => fired.push('cancelled'))
  s.after(15_000, () => fired.push(`after@${s.nowNs() / S}`))
  cancel()
  s.advanceTo(131n * S)
  t.same(fired, ['every@110', 'after@115', 'every@120', 'every@130'])
  t.equal(s.nowNs(), 131n * S)
  s.advanceTo(50n * S)
  t.equal(s.nowNs(), 131n * S, 'time never goes back')
})

t.test('DataTimeScheduler: rebase keeps the timers\' offsets', async (t) => {
  const s = new DataTimeScheduler(0n)
  const fired: bigint[] = []
  s.every(10_000, () => fired.push(s.nowNs() / S))
  s.rebase(1_000n * S)
  s.advanceTo(1_025n * S)
  t.same(fired, [1010n, 1020n])
})

t.test('stream: times shifted so that the first point lands at the replay start', async (t) => {
  const sched = new DataTimeScheduler(0n)
  const out = sink(sched)
  const res = await replayStream(chunks([pt(10n, 1), pt(10n, 2), pt(12n, 3)], [pt(15n, 4)]), out, sched, pacing())
  t.equal(res.points, 4)
  t.same(out.writes, [
    { at: 1000n * S, times: [1000n * S, 1000n * S] },
    { at: 1002n * S, times: [1002n * S] },
    { at: 1005n * S, times: [1005n * S] },
  ], 'equal times written together, the clock at their time')
})

t.test('stream: recording-time keeps recorded times; timers fire at the data\'s time', async (t) => {
  const sched = new DataTimeScheduler(0n)
  const fired: bigint[] = []
  sched.every(10_000, () => fired.push(sched.nowNs() / S))
  const out = sink(sched)
  await replayStream(chunks([pt(100n, 1), pt(105n, 2), pt(131n, 3)]), out, sched, pacing({ recordingTime: true }))
  t.same(out.writes.map((w) => w.times.map((x) => x / S)), [[100n], [105n], [131n]])
  t.same(fired, [110n, 120n, 130n], 'the timer of the execution fires between 105 s and 131 s')
})

t.test('stream: the real clock waits until each shifted time', async (t) => {
  let wall = 1000n * S
  const slept: number[] = []
  const sched = new DataTimeScheduler(0n)
  const seen: bigint[] = []
  const s = { write(ps: readonly Point[]) { seen.push(wall); void ps } }
  await replayStream(chunks([pt(10n, 1), pt(12n, 2), pt(15n, 3)]), s, sched, pacing({
    clock: 'real', startNs: wall, wall: { nowNs: () => wall },
    sleep: async (ms) => { slept.push(ms); wall += BigInt(ms) * 1_000_000n },
  }))
  t.same(seen, [1000n * S, 1002n * S, 1005n * S], 'each point written when the wall clock reached its shifted time')
  t.ok(slept.every((ms) => ms <= 1000), 'waits in steps of at most a second (timers move on meanwhile)')
  t.equal(slept.reduce((a, b) => a + b, 0), 5000)
})

t.test('stream: a stopped replay ends with ReplayStoppedError', async (t) => {
  const ac = new AbortController()
  const sched = new DataTimeScheduler(0n)
  let written = 0
  const many = Array.from({ length: 5000 }, (_, i) => pt(BigInt(i), i))
  const s = { write(ps: readonly Point[]) { written += ps.length; if (written === 1000) ac.abort() } }
  await t.rejects(replayStream(chunks(many), s, sched, pacing({ signal: ac.signal })), ReplayStoppedError)
  t.equal(written, 1000, 'nothing written after the stop')
})

function batch(source: number, secs: bigint[], tmax?: bigint): RecordedBatch {
  return { source, name: 'cpu', tags: {}, points: secs.map((s, i) => ({ time: s * S, tags: {}, fields: { v: i } })), ...(tmax !== undefined ? { tmax: tmax * S } : {}) }
}

t.test('planBatches: per-source shift, tmax = max(recorded, last point), empty batches, merge by time', async (t) => {
  const steps = planBatches([
    batch(0, [100n, 110n], 120n),
    batch(0, [], undefined),
    batch(0, [130n, 140n]),
    batch(1, [500n, 505n]),
    batch(1, [525n]),
  ], { recordingTime: false, startNs: 1000n * S })
  t.same(steps.map((s) => [s.batch.source, s.batch.points.map((p) => p.time / S), (s.batch.tmax ?? -1n) / S, s.wallNs / S]), [
    [1, [1000n, 1005n], 1005n, 1005n],
    [0, [1000n, 1010n], 1010n, 1010n],
    [0, [], 1010n, 1010n],
    [1, [1025n], 1025n, 1025n],
    [0, [1030n, 1040n], 1040n, 1040n],
  ])
  const kept = planBatches([batch(0, [100n, 110n], 120n)], { recordingTime: true, startNs: 1000n * S })
  t.same([kept[0]!.batch.points.map((p) => p.time / S), kept[0]!.batch.tmax! / S, kept[0]!.wallNs / S], [[100n, 110n], 120n, 1010n],
    'recording-time: times and the recorded tmax kept; delivered at its shifted time')
})

t.test('replayBatches: each batch to its query node, timers at the batch times', async (t) => {
  const got: Array<[number, bigint]> = []
  const sched = new DataTimeScheduler(0n)
  const inputs: BatchInput[] = [0, 1].map((index) => ({ node: `query${index + 1}`, index, deliver: (b) => got.push([index, sched.nowNs() / S]) }))
  const steps = planBatches([batch(0, [100n]), batch(1, [105n]), batch(0, [110n])], { recordingTime: true, startNs: 0n })
  await replayBatches(steps, inputs, sched, pacing({ recordingTime: true }))
  t.same(got, [[0, 100n], [1, 105n], [0, 110n]])
  await t.rejects(replayBatches(planBatches([batch(2, [1n])], { recordingTime: true, startNs: 0n }), inputs, sched, pacing()),
    /the data has batches for query 2 but the task has 2 query nodes/)
})

t.test('stream: a long run of equal times is written in steps, with a yield between them', async (t) => {
  const sched = new DataTimeScheduler(0n)
  const sizes: number[] = []
  const same = Array.from({ length: 2500 }, (_, i) => ({ ...pt(5n, i), tags: { host: `h${i}` } }))
  await replayStream(chunks(same), { write(ps) { sizes.push(ps.length) } }, sched, pacing())
  t.same(sizes, [1000, 1000, 500])
})
