/**
 * barrier(): barriers come from the wall clock (a ManualScheduler here, never sleeps),
 * per group, on idle or on a period; they let a window close without new data; messages
 * older than the last barrier are dropped; delete(TRUE) makes downstream forget the group.
 */
import t from 'tap'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import type { Point } from '../../src/model/point.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { startStream, ZERO_NS, type StreamRun, series, type Series } from '../fixtures/stream-harness.js'

const SEC = 1_000_000_000n

/** Line protocol in dbname/rpname with nanosecond times. */
function lp(text: string): Point[] {
  const { points, errors } = parseLineProtocol(Buffer.from(text), { db: 'dbname', rp: 'rpname', precision: 'ns', now: 0n })
  if (errors.length > 0) throw new Error(errors[0]!.reason)
  return points
}

function stats(run: StreamRun, node: string): Record<string, number> {
  return run.execution.stats()['node-stats'][node]!
}

/** Kapacitor's TestStream_Barrier_* data: one `cpu` point a second for 21 s, written 22 s after the first. */
function twentyOnePoints(zero: bigint): Point[] {
  let text = ''
  for (let i = 0; i < 21; i++) text += `cpu value=${i}.5 ${zero + BigInt(i) * SEC}\n`
  return lp(text)
}

const windowScript = (barrier: string): string => `
stream
  |from()
    .database('dbname')
    .retentionPolicy('rpname')
    .measurement('cpu')
  |${barrier}
  |window()
    .period(14s)
    .every(10s)
  |httpOut('out')
`

for (const [name, barrier] of [['idle', 'barrier().idle(10s)'], ['period', 'barrier().period(10s)']] as const) {
  t.test(`${name}: the barrier closes the last window without new data (Kapacitor's TestStream_Barrier_${name === 'idle' ? 'Idle' : 'Period'})`, async (t) => {
    const sched = new ManualScheduler(ZERO_NS + 22n * SEC)
    const run = startStream(windowScript(barrier), { scheduler: sched, clock: sched.clock })
    run.write(twentyOnePoints(ZERO_NS))
    const values = (s: Series[]): unknown[] => s[0]!.values.map((v) => v[1])
    // the data itself closes [0s,10s) and [6s,20s)
    t.same(values(series(run)), [6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5])
    sched.advance(9_999)
    t.equal(stats(run, 'window3')['emitted'], 2, 'no barrier before the idle time/period')
    sched.advance(1)
    t.same(values(series(run)), [16.5, 17.5, 18.5, 19.5, 20.5], 'the barrier (at 32 s) emits [16s,30s)')
    t.equal(stats(run, 'window3')['emitted'], 4, 'three windows, then the barrier passed on')
    run.stop()
  })
}

for (const [name, barrier, every] of [['Idle', 'barrier().idle(2s)', '2s'], ['Period', 'barrier().period(2100ms)', '2s']] as const) {
  t.test(`${name} with no more data: barriers repeat and keep closing windows (Kapacitor's TestStream_Barrier_${name}_No_Data)`, async (t) => {
    const sched = new ManualScheduler(ZERO_NS)
    const run = startStream(windowScript(barrier).replace('.every(10s)', `.every(${every})`), { scheduler: sched, clock: sched.clock })
    run.write(lp(`cpu value=1.5 ${ZERO_NS}\n`))
    sched.advance(5_000)
    // two barriers in 5 s, each at or after the window's next end: two windows of the one point
    const window = stats(run, 'window3')
    t.equal(window['emitted']! - 2, 2, 'two batches (besides the two barriers passed on)')
    t.same(series(run)[0]!.values, [['1971-01-01T00:00:00Z', 1.5]])
    run.stop()
  })
}

t.test('idle: data keeps the barrier away; the idle time counts from the last message', async (t) => {
  const sched = new ManualScheduler(ZERO_NS)
  const run = startStream(`stream|from().measurement('cpu')|barrier().idle(5s)|httpOut('out')`, { scheduler: sched, clock: sched.clock })
  for (let i = 0; i < 10; i++) {
    run.write(lp(`cpu value=1 ${ZERO_NS + BigInt(i) * SEC}\n`))
    sched.advance(4_000)
  }
  const barrierStats = (): Record<string, number> => stats(run, 'barrier2')
  // emitted counts points only so far: no barrier was sent
  t.equal(barrierStats()['emitted'], 10)
  sched.advance(1_000)
  t.equal(barrierStats()['emitted'], 11, 'one barrier 5 s after the last point')
  sched.advance(5_000)
  t.equal(barrierStats()['emitted'], 12, 'and again after another idle period while still idle')
  run.stop()
})

t.test('messages older than the last barrier are dropped; newer ones pass', async (t) => {
  const sched = new ManualScheduler(ZERO_NS + 100n * SEC)
  const run = startStream(`stream|from().measurement('cpu')|barrier().period(1s)|httpOut('out')`, { scheduler: sched, clock: sched.clock })
  run.write(lp(`cpu value=1 ${ZERO_NS}\n`))
  sched.advance(1_000) // barrier at 101 s
  run.write(lp(`cpu value=2 ${ZERO_NS + 50n * SEC}\n`))
  t.same(series(run)[0]!.values, [['1971-01-01T00:00:00Z', 1]], 'the 50 s point is older than the 101 s barrier')
  run.write(lp(`cpu value=3 ${ZERO_NS + 101n * SEC}\n`))
  t.same(series(run)[0]!.values, [['1971-01-01T00:01:41Z', 3]])
  run.stop()
})

t.test('barriers are per group: a busy group does not hold back an idle one', async (t) => {
  const sched = new ManualScheduler(ZERO_NS)
  const run = startStream(`stream|from().measurement('cpu').groupBy('host')
  |barrier().idle(3s)
  |window().period(2s).every(2s)
  |httpOut('out')`, { scheduler: sched, clock: sched.clock })
  run.write(lp(`cpu,host=idle value=1 ${ZERO_NS}\n`))
  for (let i = 0; i < 5; i++) {
    run.write(lp(`cpu,host=busy value=${i} ${ZERO_NS + BigInt(i) * SEC}\n`))
    sched.advance(1_000)
  }
  const idle = series(run).find((s) => s.tags?.['host'] === 'idle')
  t.ok(idle, 'the idle host\'s window was closed by its barrier at 3 s')
  t.same(idle?.values, [['1971-01-01T00:00:00Z', 1]])
  run.stop()
})

t.test('delete(TRUE): after the barrier the group is gone downstream, and comes back with new data', async (t) => {
  const sched = new ManualScheduler(ZERO_NS)
  const run = startStream(`stream|from().measurement('cpu').groupBy('host')
  |barrier().idle(5s).delete(TRUE)
  |window().period(10s).every(10s)
  |httpOut('out')`, { scheduler: sched, clock: sched.clock })
  run.write(lp(`cpu,host=a value=1 ${ZERO_NS}\ncpu,host=b value=2 ${ZERO_NS}\n`))
  t.equal(stats(run, 'window3')['working_cardinality'], 2)
  sched.advance(5_000)
  t.equal(stats(run, 'barrier2')['working_cardinality'], 0)
  t.equal(stats(run, 'window3')['working_cardinality'], 0)
  t.same(series(run), [], 'httpOut dropped both series')
  run.write(lp(`cpu,host=a value=3 ${ZERO_NS + 6n * SEC}\n`))
  t.equal(stats(run, 'barrier2')['working_cardinality'], 1)
  t.equal(stats(run, 'window3')['working_cardinality'], 1)
  run.stop()
})

t.test('batches: points older than the last barrier are removed from the batch', async (t) => {
  const sched = new ManualScheduler(ZERO_NS + 10n * SEC)
  const run = startStream(`stream|from().measurement('cpu')
  |window().period(10s).every(10s)
  |barrier().period(1s)
  |httpOut('out')`, { scheduler: sched, clock: sched.clock })
  // the first batch creates the group (and its timer); the barrier then comes at 11 s
  run.write(lp(`cpu value=1 ${ZERO_NS}\ncpu value=2 ${ZERO_NS + 10n * SEC}\n`))
  sched.advance(1_000)
  run.write(lp(`cpu value=3 ${ZERO_NS + 12n * SEC}\ncpu value=4 ${ZERO_NS + 20n * SEC}\n`))
  // the second window holds 10 s and 12 s: the 10 s point is older than the 11 s barrier
  t.same(series(run)[0]!.values.map((v) => v[1]), [3])
  run.stop()
})

t.test('type chaos: barrier does not read fields; every point passes and the clean group is unchanged', async (t) => {
  const script = `stream|from().measurement('m').groupBy('host')|barrier().idle(1h)|window().periodCount(100).everyCount(1)|httpOut('out')`
  const chaos = ['20i', '30.5', '"str"', 'true', null]
  let clean = ''
  let both = ''
  for (let i = 0; i < 10; i++) {
    const line = `m,host=clean value=${i}.5 ${ZERO_NS + BigInt(i) * SEC}\n`
    clean += line
    both += line
    const v = chaos[i % chaos.length]
    both += v === null ? `m,host=chaos other=1 ${ZERO_NS + BigInt(i) * SEC}\n` : `m,host=chaos value=${v} ${ZERO_NS + BigInt(i) * SEC}\n`
  }
  const s1 = new ManualScheduler(ZERO_NS)
  const alone = startStream(script, { scheduler: s1, clock: s1.clock })
  alone.write(lp(clean))
  const s2 = new ManualScheduler(ZERO_NS)
  const mixed = startStream(script, { scheduler: s2, clock: s2.clock })
  mixed.write(lp(both))
  t.equal(mixed.execution.executing, true)
  t.equal(stats(mixed, 'barrier2')['errors'], 0)
  t.same(series(mixed).filter((s) => s.tags?.['host'] === 'clean'), series(alone))
  const c = series(mixed).find((s) => s.tags?.['host'] === 'chaos')!
  t.same(c.values.map((v) => v[c.columns.indexOf('value')]), [20, 30.5, 'str', true, null, 20, 30.5, 'str', true, null])
  alone.stop()
  mixed.stop()
})
