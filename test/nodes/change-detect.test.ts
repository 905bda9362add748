/**
 * changeDetect(): the first point passes, then only changes of any listed field; a point
 * missing a field is an error and leaves the state; per batch on a batch edge; type chaos.
 */
import t from 'tap'
import { ChangeDetectRuntime } from '../../src/nodes/change-detect-runtime.js'
import type { BatchMessage } from '../../src/pipeline/messages.js'
import { COLLECT, batch, bp, direct, nodeStats, run, sec, typeChaos } from './transform-harness.js'

t.test('passes the first point and every change of a listed field, per group', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m').groupBy('host')
  |changeDetect('a', 'b')
  ${COLLECT}`, [
    'm,host=x a=1,b=1 0', 'm,host=y a=1,b=1 0', 'm,host=x a=1,b=1,c=9 1', 'm,host=x a=1,b=2 2', 'm,host=y a=1,b=1 2', 'm,host=x a=1i,b=2 3',
  ].join('\n') + '\n')
  t.same(Object.fromEntries(series.map((s) => [s.tags!['host'], s.values.map((v) => v[0])])), {
    x: ['1970-01-01T00:00:00Z', '1970-01-01T00:00:02Z', '1970-01-01T00:00:03Z'],
    y: ['1970-01-01T00:00:00Z'],
  }, 'an int and a float of the same value differ')
  r.stop()
})

t.test('a point missing a field is an error and does not become the previous point', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |changeDetect('a')
  ${COLLECT}`, 'm a="good" 0\nm b="x" 1\nm a="good" 2\nm a="bad" 3\n')
  t.same(series[0]!.values.map((v) => v[1]), ['good', 'bad'])
  t.equal(nodeStats(r, 'changeDetect2')['errors'], 1)
  r.stop()
})

t.test('batch: the previous point is per batch', async (t) => {
  const d = direct(`stream|from()|window().period(1s).every(1s)|changeDetect('v')`, 'changeDetect', (n, c) => new ChangeDetectRuntime(n, c))
  d.runtime.receive(batch(sec(2), [bp(sec(0), { v: 1 }), bp(sec(1), { v: 1 })]), 0)
  d.runtime.receive(batch(sec(4), [bp(sec(2), { v: 1 }), bp(sec(3), {})]), 0)
  t.same((d.emitted as BatchMessage[]).map((b) => b.points.map((p) => p.time)), [[sec(0)], [sec(2)]])
  t.equal(d.errors.length, 1)
})

t.test('type chaos: missing fields are counted, type flips are changes, the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run: r } = typeChaos(`stream|from().measurement('m').groupBy('host')
  |changeDetect('value')
  ${COLLECT}`)
  t.equal(r.execution.executing, true)
  t.equal(nodeStats(r, 'changeDetect2')['errors'], 2)
  t.same(mixed, alone)
  t.same(chaos?.values.map((v) => v[1]), [20, 30.5, 'str', true, 20, 30.5, 'str', true, 20])
  r.stop()
})
