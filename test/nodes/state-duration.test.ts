/**
 * stateDuration(): −1 while false, else the time in the state in units (float); a lambda
 * error drops the point and leaves the state; per batch on a batch edge; type chaos.
 */
import t from 'tap'
import { StateDurationRuntime } from '../../src/nodes/state-duration-runtime.js'
import type { BatchMessage } from '../../src/pipeline/messages.js'
import { COLLECT, batch, bp, direct, nodeStats, run, sec, typeChaos } from './transform-harness.js'

t.test('duration in the state per unit, −1 when false, per group', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('cpu').groupBy('host')
  |stateDuration(lambda: "value" > 95).unit(1ms).as('d')
  ${COLLECT}`, [
    'cpu,host=A value=97.1 0', 'cpu,host=B value=47.0 0', 'cpu,host=A value=96.6 1', 'cpu,host=B value=95.1 1',
    'cpu,host=A value=83.6 2', 'cpu,host=A value=99.1 3', 'cpu,host=B value=96.1 3',
  ].join('\n') + '\n')
  t.same(Object.fromEntries(series.map((s) => [s.tags!['host'], s.values.map((v) => v[1])])), {
    A: [0, 1000, -1, 0],
    B: [-1, 0, 2000],
  })
  r.stop()
})

t.test('the default field is state_duration in seconds', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |stateDuration(lambda: TRUE)
  ${COLLECT}`, 'm v=1 0\nm v=1 90\n')
  t.same(series[0]!.columns, ['time', 'state_duration', 'v'])
  t.same(series[0]!.values.map((v) => v[1]), [0, 90])
  r.stop()
})

t.test('a lambda error drops the point and leaves the state as it was', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |stateDuration(lambda: "v" > 1)
  ${COLLECT}`, 'm v=2 0\nm v="x" 1\nm v=3 2\n')
  t.same(series[0]!.values.map((v) => [v[0], v[1]]), [['1970-01-01T00:00:00Z', 0], ['1970-01-01T00:00:02Z', 2]])
  t.equal(nodeStats(r, 'state_duration2')['errors'], 1)
  r.stop()
})

t.test('batch: the state starts again with every batch', async (t) => {
  const d = direct(`stream|from()|window().period(1s).every(1s)|stateDuration(lambda: "v" > 0)`, 'stateDuration', (n, c) => new StateDurationRuntime(n, c))
  d.runtime.receive(batch(sec(2), [bp(sec(0), { v: 1 }), bp(sec(1), { v: 1 })]), 0)
  d.runtime.receive(batch(sec(4), [bp(sec(2), { v: 1 }), bp(sec(3), { v: 'x' })]), 0)
  t.same((d.emitted as BatchMessage[]).map((b) => b.points.map((p) => p.fields['state_duration'])), [[0, 1], [0]])
  t.equal(d.errors.length, 1)
})

t.test('type chaos: failing comparisons are counted, the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run: r } = typeChaos(`stream|from().measurement('m').groupBy('host')
  |stateDuration(lambda: "value" > 10)
  ${COLLECT}`)
  t.equal(r.execution.executing, true)
  // string, bool and missing values (i = 2, 3, 4, 7, 8, 9) cannot be compared
  t.equal(nodeStats(r, 'state_duration2')['errors'], 6)
  t.same(mixed, alone)
  t.same(chaos?.values.map((v) => v[1]), [0, 1, 5, 6, 10])
  r.stop()
})
