/**
 * sample(): every nth point per group, points on multiples of a duration, the counter
 * starting again per batch; type chaos.
 */
import t from 'tap'
import { SampleRuntime } from '../../src/nodes/sample-runtime.js'
import type { BatchMessage } from '../../src/pipeline/messages.js'
import { COLLECT, batch, bp, direct, nodeStats, run, sec, typeChaos, cardinalityData, runOnly } from './transform-harness.js'

t.test('sample(n) keeps the 1st, (n+1)th … point of each group', async (t) => {
  let text = ''
  for (let i = 0; i < 7; i++) text += `m,host=a v=${i} ${i}\nm,host=b v=${i} ${i}\n`
  const { run: r, series } = run(`stream|from().measurement('m').groupBy('host')
  |sample(3)
  ${COLLECT}`, text)
  t.same(series.map((s) => s.values.map((v) => v[1])), [[0, 3, 6], [0, 3, 6]])
  r.stop()
})

t.test('sample(d) keeps the points exactly on a multiple of d', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |sample(2s)
  ${COLLECT}`, 'm v=0 0\nm v=1 1\nm v=2 2\nm v=3 3\nm v=4 4\n')
  t.same(series[0]!.values.map((v) => v[1]), [0, 2, 4])
  r.stop()
})

t.test('batch: the counter starts again with every batch', async (t) => {
  const d = direct(`stream|from()|window().period(1s).every(1s)|sample(2)`, 'sample', (n, c) => new SampleRuntime(n, c))
  const pts = [bp(sec(0), { v: 0 }), bp(sec(1), { v: 1 }), bp(sec(2), { v: 2 })]
  d.runtime.receive(batch(sec(3), pts), 0)
  d.runtime.receive(batch(sec(6), pts), 0)
  t.same((d.emitted as BatchMessage[]).map((b) => b.points.map((p) => p.fields['v'])), [[0, 2], [0, 2]])
})

t.test('working cardinality is one per group (Kapacitor\'s TestStream_SampleCardinality)', async (t) => {
  const r = runOnly(`stream|from().measurement('cpu').groupBy('host', 'cpu')
  |sample(2)`, cardinalityData())
  t.match(nodeStats(r, 'sample2'), { collected: 90, errors: 0, working_cardinality: 9 })
  r.stop()
})

t.test('type chaos: sample never fails, the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run: r } = typeChaos(`stream|from().measurement('m').groupBy('host')
  |sample(2)
  ${COLLECT}`)
  t.equal(r.execution.executing, true)
  t.equal(nodeStats(r, 'sample2')['errors'], 0)
  t.same(mixed, alone)
  t.equal(chaos?.values.length, 6)
  r.stop()
})
