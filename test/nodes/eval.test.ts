/**
 * eval(): results by name in order, keep/tags, per-group state, errors drop only the
 * failing point (stream and batch), and type chaos.
 */
import t from 'tap'
import { EvalRuntime } from '../../src/nodes/eval-runtime.js'
import type { BatchMessage, PointMessage } from '../../src/pipeline/messages.js'
import { COLLECT, batch, bp, direct, nodeStats, run, sec, typeChaos, cardinalityData, runOnly } from './transform-harness.js'

t.test('a later lambda sees an earlier result by name; the point\'s own field wins over a result of the same name', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |eval(lambda: "value" * 2.0, lambda: "double" + 1.0, lambda: "value" + 100.0)
    .as('double', 'plus', 'value')
  |httpOut('out')`, 'm value=3.0,x=1 0\n')
  t.same(series[0]!.columns, ['time', 'double', 'plus', 'value'])
  t.same(series[0]!.values[0]!.slice(1), [6, 7, 103])
  r.stop()
})

t.test('tags(): string results become tags (and a group dimension re-derives the group); a non-string result is an error', async (t) => {
  const script = `stream|from().measurement('m').groupBy('kind')
  |eval(lambda: string("value"), lambda: "value" * 10)
    .as('kind', 'ten')
    .tags('kind')
  ${COLLECT}`
  const { run: r, series } = run(script, 'm,kind=old value=1i 0\nm,kind=old value=2i 1\n')
  t.same(series.map((s) => s.tags), [{ kind: '1' }, { kind: '2' }], 'each point moved to the group of its new tag value')
  t.same(series[0]!.columns, ['time', 'ten'])
  r.stop()

  const bad = run(`stream|from().measurement('m')
  |eval(lambda: "value").as('kind').tags('kind')
  |httpOut('out')`, 'm value=1i 0\n')
  t.same(bad.series, [])
  t.equal(nodeStats(bad.run, 'eval2')['errors'], 1)
  t.equal(nodeStats(bad.run, 'eval2')['eval_errors'], 1)
  bad.run.stop()
})

t.test('keep(names) with a name that is neither a result nor a field drops the point', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |eval(lambda: "a" + 1.0).as('b').keep('b', 'nope')
  |httpOut('out')`, 'm a=1.0 0\n')
  t.same(series, [])
  t.equal(nodeStats(r, 'eval2')['errors'], 1)
  r.stop()
})

t.test('stateful functions count per group', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m').groupBy('host')
  |eval(lambda: count()).as('n')
  ${COLLECT}`, 'm,host=a v=1 0\nm,host=b v=1 0\nm,host=a v=1 1\nm,host=a v=1 2\n')
  const byHost = Object.fromEntries(series.map((s) => [s.tags!['host'], s.values.map((v) => v[1])]))
  t.same(byHost, { a: [1, 2, 3], b: [1] })
  r.stop()
})

t.test('on a batch only the failing point is dropped and counted', async (t) => {
  const d = direct(`stream|from()|window().period(1s).every(1s)|eval(lambda: 10.0 / "v").as('q')`, 'eval', (n, c) => new EvalRuntime(n, c))
  d.runtime.receive(batch(sec(3), [bp(sec(1), { v: 2.0 }), bp(sec(2), { v: 'x' }), bp(sec(3), { v: 4.0 })]), 0)
  const out = d.emitted[0] as BatchMessage
  t.same(out.points.map((p) => [p.time, p.fields['q']]), [[sec(1), 5], [sec(3), 2.5]])
  t.equal(d.errors.length, 1)
  t.equal(d.counters.get('eval_errors'), 1)
})

t.test('a duration result is stored as int nanoseconds', async (t) => {
  const d = direct(`stream|from()|eval(lambda: 2s).as('d')`, 'eval', (n, c) => new EvalRuntime(n, c))
  d.runtime.receive({ kind: 'point', db: 'd', rp: 'r', name: 'm', tags: {}, fields: {}, time: 0n, group: { id: '', tags: {}, dims: { byName: false, tagNames: [] } } }, 0)
  t.equal((d.emitted[0] as PointMessage).fields['d'], 2_000_000_000n)
})

t.test('working cardinality is one per group (Kapacitor\'s TestStream_EvalCardinality)', async (t) => {
  const r = runOnly(`stream|from().measurement('cpu').groupBy('host', 'cpu')
  |eval(lambda: sigma("usage_user")).as('sigma')`, cardinalityData())
  t.match(nodeStats(r, 'eval2'), { collected: 90, errors: 0, working_cardinality: 9 })
  r.stop()
})

t.test('type chaos: bad points are counted on eval, the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run: r } = typeChaos(`stream|from().measurement('m').groupBy('host')
  |eval(lambda: "value" * 2.0).as('double')
  ${COLLECT}`)
  t.equal(r.execution.executing, true)
  // chaos i = 0..10 cycles int, float, string, bool, missing: only the floats (i = 1, 6) evaluate
  t.equal(nodeStats(r, 'eval2')['errors'], 9)
  t.equal(nodeStats(r, 'eval2')['eval_errors'], 9)
  t.same(mixed, alone)
  t.same(chaos?.values.map((v) => v[1]), [61, 61])
  r.stop()
})
