/**
 * stateCount(): −1 while false, else consecutive true points (int); errors leave the
 * state; per batch on a batch edge; type chaos.
 */
import t from 'tap'
import { StateCountRuntime } from '../../src/nodes/state-count-runtime.js'
import type { BatchMessage } from '../../src/pipeline/messages.js'
import { COLLECT, batch, bp, direct, nodeStats, run, sec, typeChaos } from './transform-harness.js'

t.test('consecutive count, −1 when false, per group, as an int', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('cpu').groupBy('host')
  |stateCount(lambda: "value" > 95).as('c')
  ${COLLECT}`, [
    'cpu,host=A value=97.1 0', 'cpu,host=B value=47.0 0', 'cpu,host=A value=96.6 1', 'cpu,host=B value=95.1 1',
    'cpu,host=A value=83.6 2', 'cpu,host=A value=99.1 3', 'cpu,host=B value=96.1 3',
  ].join('\n') + '\n')
  t.same(Object.fromEntries(series.map((s) => [s.tags!['host'], s.values.map((v) => v[1])])), {
    A: [1, 2, -1, 1],
    B: [-1, 1, 2],
  })
  r.stop()
})

t.test('the values are ints (state_count by default)', async (t) => {
  const d = direct(`stream|from()|window().period(1s).every(1s)|stateCount(lambda: "v" > 0)`, 'stateCount', (n, c) => new StateCountRuntime(n, c))
  d.runtime.receive(batch(sec(3), [bp(sec(0), { v: 1 }), bp(sec(1), { v: 0 }), bp(sec(2), { v: 1 })]), 0)
  d.runtime.receive(batch(sec(6), [bp(sec(3), { v: 1 })]), 0)
  t.same((d.emitted as BatchMessage[]).map((b) => b.points.map((p) => p.fields['state_count'])), [[1n, -1n, 1n], [1n]], 'the count starts again per batch')
})

t.test('type chaos: failing comparisons are counted, the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run: r } = typeChaos(`stream|from().measurement('m').groupBy('host')
  |stateCount(lambda: "value" > 10)
  ${COLLECT}`)
  t.equal(r.execution.executing, true)
  t.equal(nodeStats(r, 'state_count2')['errors'], 6)
  t.same(mixed, alone)
  t.same(chaos?.values.map((v) => v[1]), [1, 2, 3, 4, 5], 'an error leaves the count running')
  r.stop()
})
