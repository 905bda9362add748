/**
 * shift(d): point, batch and batch-point times move by d (negative too); barriers pass
 * unchanged; values are not read (type chaos).
 */
import t from 'tap'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { startStream, ZERO_NS, type StreamRun, lp, series, type Series } from '../fixtures/stream-harness.js'

const Z = 31536000
const SEC = 1_000_000_000n

t.test('points move by d; a negative d moves them back', async (t) => {
  const run = startStream(`
var data = stream|from().measurement('m')
data|shift(90s)|httpOut('later')
data|shift(-1m)|httpOut('earlier')`)
  run.write(lp(`m v=1 ${Z + 60}\n`))
  t.same(series(run, 'later')[0]!.values, [['1971-01-01T00:02:30Z', 1]])
  t.same(series(run, 'earlier')[0]!.values, [['1971-01-01T00:00:00Z', 1]])
  run.stop()
})

t.test('a batch moves with its points', async (t) => {
  const run = startStream(`stream|from().measurement('m')
  |window().period(2s).every(2s)
  |shift(1h)
  |httpOut('out')`)
  run.write(lp(`m v=1 ${Z}\nm v=2 ${Z + 1}\nm v=3 ${Z + 2}\n`))
  t.same(series(run)[0]!.values, [['1971-01-01T01:00:00Z', 1], ['1971-01-01T01:00:01Z', 2]])
  run.stop()
})

t.test('a barrier passes unchanged (as Kapacitor): it is compared with shifted times as it is', async (t) => {
  const sched = new ManualScheduler(ZERO_NS + 10n * SEC)
  const run = startStream(`stream|from().measurement('m')
  |barrier().idle(6s)
  |shift(5s)
  |window().period(10s).every(10s)
  |httpOut('out')`, { scheduler: sched, clock: sched.clock })
  run.write(lp(`m v=1 ${Z + 5}\nm v=2 ${Z + 9}\n`))
  t.same(series(run), [], 'the shifted points (10 s, 14 s) open a window ending at 20 s')
  sched.advance(6_000)
  t.same(series(run), [], 'the barrier at wall time 16 s is before the window end')
  sched.advance(6_000)
  t.same(series(run)[0]!.values, [['1971-01-01T00:00:10Z', 1], ['1971-01-01T00:00:14Z', 2]], 'the next one, at 22 s, closes it')
  run.stop()
})

t.test('type chaos: shift does not read values; nothing is an error', async (t) => {
  const run = startStream(`stream|from().measurement('m').groupBy('host')|shift(1s)|window().periodCount(10).everyCount(1)|httpOut('out')`)
  run.write(lp(`m,host=chaos value=1i ${Z}\nm,host=chaos value=1.5 ${Z + 1}\nm,host=chaos value="s" ${Z + 2}\nm,host=chaos value=true ${Z + 3}\nm,host=chaos other=1 ${Z + 4}\nm,host=clean value=1.5 ${Z}\n`))
  const stats = run.execution.stats()['node-stats']
  t.equal(stats[Object.keys(stats).find((n) => n.startsWith('shift'))!]!['errors'], 0)
  const chaos = series(run).find((s) => s.tags?.['host'] === 'chaos')!
  t.same(chaos.values.map((v) => v[chaos.columns.indexOf('value')]), [1, 1.5, 's', true, null])
  t.same(series(run).find((s) => s.tags?.['host'] === 'clean')!.values, [['1971-01-01T00:00:01Z', 1.5]])
  run.stop()
})
