/**
 * default(): only absent fields and absent or empty tags are set, counted per value;
 * batch tags are defaulted and re-derive the batch group; type chaos.
 */
import t from 'tap'
import { NIL_GROUP, dimensions, makeGroup } from '../../src/model/group.js'
import { DefaultRuntime } from '../../src/nodes/default-runtime.js'
import type { BatchMessage, PointMessage } from '../../src/pipeline/messages.js'
import { COLLECT, batch, bp, direct, nodeStats, run, sec, typeChaos } from './transform-harness.js'

t.test('fields and tags are set only when absent (an empty tag counts as absent), and counted', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |default()
    .field('value', 1.0)
    .field('n', 5)
    .tag('host', 'h0')
  ${COLLECT}`, 'm,host=a value=7.0 0\nm other=1 1\n')
  // a batch row's columns come from its first point
  t.same(series[0]!.columns, ['time', 'host', 'n', 'value'])
  t.same(series[0]!.values, [
    ['1970-01-01T00:00:00Z', 'a', 5, 7],
    ['1970-01-01T00:00:01Z', 'h0', 5, 1],
  ])
  t.equal(nodeStats(r, 'default2')['fields_defaulted'], 3)
  t.equal(nodeStats(r, 'default2')['tags_defaulted'], 1)
  r.stop()
})

t.test('a tag defaulted to the empty string is defaulted again by a later default()', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m')
  |default().tag('host', '')
  |default().tag('host', 'serverA')
  |default().tag('host', 'serverB')
  |httpOut('out')`, 'm v=1 0\n')
  t.same(series[0]!.tags, { host: 'serverA' })
  r.stop()
})

t.test('a defaulted group dimension re-derives the point group', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('m').groupBy('host')
  |default().tag('host', 'h0')
  ${COLLECT}`, 'm v=1 0\nm,host=h0 v=2 1\n')
  t.equal(series.length, 1, 'the point without host joins group host=h0')
  t.same(series[0]!.values.map((v) => v[1]), [1, 2])
  r.stop()
})

t.test('batch: the batch tags are defaulted and the group is derived from them', async (t) => {
  const d = direct(`stream|from()|window().period(1s).every(1s)|default().tag('dc', 'x').field('v', 0)`, 'default', (n, c) => new DefaultRuntime(n, c))
  const g = makeGroup('m', { host: 'a' }, dimensions(['host']))
  d.runtime.receive(batch(sec(1), [bp(sec(0), { v: 1 }, { host: 'a' }), bp(sec(0), { w: 1 }, { host: 'a', dc: 'y' })], g), 0)
  const b = d.emitted[0] as BatchMessage
  t.same(b.tags, { host: 'a', dc: 'x' })
  t.equal(b.group.id, 'dc=x,host=a')
  t.same(b.points.map((p) => [p.tags['dc'], p.fields['v']]), [['x', 1], ['y', 0n]])
})

t.test('a null field (a join filled with null) counts as absent', async (t) => {
  const d = direct(`stream|from()|default().field('v', 0.0)`, 'default', (n, c) => new DefaultRuntime(n, c))
  const fields = { v: null } as unknown as PointMessage['fields']
  d.runtime.receive({ kind: 'point', db: 'd', rp: 'r', name: 'm', tags: {}, fields, time: 0n, group: NIL_GROUP }, 0)
  t.same((d.emitted[0] as PointMessage).fields, { v: 0 })
  t.equal(d.counters.get('fields_defaulted'), 1)
})

t.test('type chaos: default never fails, the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run: r } = typeChaos(`stream|from().measurement('m').groupBy('host')
  |default().field('value', 0.0)
  ${COLLECT}`)
  t.equal(r.execution.executing, true)
  t.equal(nodeStats(r, 'default2')['errors'], 0)
  t.equal(nodeStats(r, 'default2')['fields_defaulted'], 2, 'the two chaos points without value')
  t.same(mixed, alone)
  t.same(chaos?.values.map((v) => v[v.length - 1]), [20, 30.5, 'str', true, 0, 20, 30.5, 'str', true, 0, 20])
  r.stop()
})
