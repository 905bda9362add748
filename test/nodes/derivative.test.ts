/**
 * derivative(): rate per unit, first point dropped, Δt = 0 and non-numbers are errors,
 * nonNegative, as(), per group on a stream and per batch on a batch; type chaos.
 */
import t from 'tap'
import { DerivativeRuntime } from '../../src/nodes/derivative-runtime.js'
import type { BatchMessage } from '../../src/pipeline/messages.js'
import { COLLECT, batch, bp, direct, nodeStats, run, sec, typeChaos, cardinalityData, runOnly } from './transform-harness.js'

t.test('rate per unit with as(): the other fields are kept, the result is a float', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |derivative('value').unit(10s).as('rate')
  ${COLLECT}`, 'm value=10i,x=1 0\nm value=14i,x=2 2\nm value=13i,x=3 4\n')
  t.same(series[0]!.columns, ['time', 'rate', 'value', 'x'])
  t.same(series[0]!.values.map((v) => v.slice(1)), [[20, 14, 2], [-5, 13, 3]])
  r.stop()
})

t.test('nonNegative() drops negative results silently; the dropped point is still the previous one', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |derivative('value').nonNegative()
  ${COLLECT}`, 'm value=10 0\nm value=4 1\nm value=6 2\n')
  t.same(series[0]!.values.map((v) => v[1]), [2])
  t.equal(nodeStats(r, 'derivative2')['errors'], 0)
  r.stop()
})

t.test('Δt = 0 is an error; the point becomes the previous one', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |derivative('value')
  ${COLLECT}`, 'm value=1 0\nm value=2 1\nm value=3 1\nm value=5 2\n')
  t.same(series[0]!.values.map((v) => v[1]), [1, 2])
  t.equal(nodeStats(r, 'derivative2')['errors'], 1)
  r.stop()
})

t.test('the previous point is per group on a stream', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m').groupBy('host')
  |derivative('value')
  ${COLLECT}`, 'm,host=a value=1 0\nm,host=b value=100 1\nm,host=a value=3 2\nm,host=b value=90 2\n')
  t.same(Object.fromEntries(series.map((s) => [s.tags!['host'], s.values.map((v) => v[1])])), { a: [1], b: [-10] })
  r.stop()
})

t.test('batch: the first point of every batch is dropped, a bad point is counted and skipped', async (t) => {
  const d = direct(`stream|from()|window().period(1s).every(1s)|derivative('v')`, 'derivative', (n, c) => new DerivativeRuntime(n, c))
  d.runtime.receive(batch(sec(3), [bp(sec(0), { v: 1 }), bp(sec(1), { v: 'x' }), bp(sec(2), { v: 5 })]), 0)
  d.runtime.receive(batch(sec(6), [bp(sec(4), { v: 7 }), bp(sec(5), { v: 8n })]), 0)
  const out = d.emitted as BatchMessage[]
  t.same(out.map((b) => b.points.map((p) => p.fields['v'])), [[2], [1]])
  t.equal(d.errors.length, 1)
})

t.test('working cardinality is one per group (Kapacitor\'s TestStream_DerivativeCardinality)', async (t) => {
  const r = runOnly(`stream|from().measurement('cpu').groupBy('host', 'cpu')
  |derivative('usage_user')`, cardinalityData())
  t.match(nodeStats(r, 'derivative2'), { collected: 90, errors: 0, working_cardinality: 9 })
  r.stop()
})

t.test('type chaos: non-numbers are counted, ints and floats both work, the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run: r } = typeChaos(`stream|from().measurement('m').groupBy('host')
  |derivative('value')
  ${COLLECT}`)
  t.equal(r.execution.executing, true)
  // chaos i = 0..10: string (2, 7), bool (3, 8) and missing (4, 9) fail
  t.equal(nodeStats(r, 'derivative2')['errors'], 6)
  t.same(mixed, alone)
  // numbers at 0 (20i), 1 (30.5), 5 (20i), 6 (30.5), 10 (20i): the first is only the previous
  t.same(chaos?.values.map((v) => v[1]), [10.5, -2.625, 10.5, -2.625])
  r.stop()
})
