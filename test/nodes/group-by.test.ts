/**
 * groupBy(): stream relabelling keeps the tags, byMeasurement, batch re-bucketing with
 * one-batch latency (flushed by a later batch time or a barrier), and type chaos.
 */
import t from 'tap'
import { dimensions, makeGroup } from '../../src/model/group.js'
import { GroupByRuntime } from '../../src/nodes/group-by-runtime.js'
import type { BatchMessage, PointMessage } from '../../src/pipeline/messages.js'
import { COLLECT, batch, bp, direct, nodeStats, run, sec, typeChaos, cardinalityData, runOnly } from './transform-harness.js'

const byHost = (script: string) => direct(script, 'groupBy', (n, c) => new GroupByRuntime(n, c))

t.test('stream: the group changes, the point keeps all its tags', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('cpu')
  |groupBy('host')
  |httpOut('out')`, 'cpu,host=a,dc=x v=1 0\ncpu,host=b,dc=x v=2 0\ncpu,host=a,dc=y v=3 1\n')
  t.same(series.map((s) => s.tags), [{ host: 'a', dc: 'y' }, { host: 'b', dc: 'x' }], 'one series per host; the last point of host a has dc=y')
  r.stop()
})

t.test('byMeasurement() puts the measurement in the group', async (t) => {
  const d = byHost(`stream|from()|groupBy('host').byMeasurement()`)
  const p = (name: string): PointMessage => ({ kind: 'point', db: 'd', rp: 'r', name, tags: { host: 'a' }, fields: { v: 1 }, time: 0n, group: makeGroup('', {}, dimensions([])) })
  d.runtime.receive(p('cpu'), 0)
  d.runtime.receive(p('mem'), 0)
  t.same(d.emitted.map((m) => (m as PointMessage).group.id), ['cpu\nhost=a', 'mem\nhost=a'])
})

t.test('batch: points are re-bucketed per group and emitted when a batch with a later time arrives', async (t) => {
  const d = byHost(`stream|from()|window().period(1s).every(1s)|groupBy('host')`)
  d.runtime.receive(batch(sec(1), [bp(sec(0), { v: 1 }, { host: 'a' }), bp(sec(0), { v: 2 }, { host: 'b' })]), 0)
  d.runtime.receive(batch(sec(1), [bp(sec(0), { v: 3 }, { host: 'a' })]), 0)
  t.same(d.emitted, [], 'nothing before a new time')
  t.equal(d.states[0]!.size, 2, 'two pending groups count as the working cardinality')
  d.runtime.receive(batch(sec(2), [bp(sec(1), { v: 4 }, { host: 'a' })]), 0)
  const out = d.emitted as BatchMessage[]
  t.same(out.map((b) => [b.group.id, b.tmax, b.tags, b.points.map((p) => p.fields['v'])]), [
    ['host=a', sec(1), { host: 'a' }, [1, 3]],
    ['host=b', sec(1), { host: 'b' }, [2]],
  ])
  t.equal(d.states[0]!.size, 1)
})

t.test('batch: a barrier with a new time flushes the pending groups and passes on', async (t) => {
  const d = byHost(`stream|from()|window().period(1s).every(1s)|groupBy(*).exclude('dc')`)
  d.runtime.receive(batch(sec(1), [bp(sec(0), { v: 1 }, { host: 'a', dc: 'x' }), bp(sec(0), { v: 2 }, { host: 'a', dc: 'y' })]), 0)
  d.runtime.receive({ kind: 'barrier', group: makeGroup('', {}, dimensions([])), time: sec(5) }, 0)
  t.same(d.emitted.map((m) => m.kind), ['batch', 'barrier'])
  const b = d.emitted[0] as BatchMessage
  t.same([b.group.id, b.points.length], ['host=a', 2], 'grouped by every tag except dc')
})

t.test('batch: the points of a bucket are in time order', async (t) => {
  const d = byHost(`stream|from()|window().period(1s).every(1s)|groupBy('host')`)
  d.runtime.receive(batch(sec(9), [bp(sec(5), { v: 1 }, { host: 'a' })]), 0)
  d.runtime.receive(batch(sec(9), [bp(sec(2), { v: 2 }, { host: 'a' })]), 0)
  d.runtime.receive(batch(sec(10), []), 0)
  t.same((d.emitted[0] as BatchMessage).points.map((p) => p.time), [sec(2), sec(5)])
})

t.test('working cardinality is the pending groups (Kapacitor\'s TestStream_GroupByCardinality)', async (t) => {
  const r = runOnly(`stream|from().measurement('cpu')
  |window().period(1s).every(1s)
  |groupBy('cpu')`, cardinalityData())
  t.match(nodeStats(r, 'window2'), { collected: 90, emitted: 9, working_cardinality: 1 })
  t.match(nodeStats(r, 'groupby3'), { collected: 9, errors: 0, working_cardinality: 9 })
  r.stop()
})

t.test('type chaos: groupBy never fails on field types and the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run: r } = typeChaos(`stream|from().measurement('m')
  |groupBy('host')
  ${COLLECT}`)
  t.equal(r.execution.executing, true)
  t.equal(nodeStats(r, 'groupby2')['errors'], 0)
  t.same(mixed, alone)
  t.equal(chaos?.values.length, 11)
  r.stop()
})

t.test('an incoming group by measurement stays by measurement (Kapacitor ORs byName)', async (t) => {
  const { run: r, series } = run(`stream|from().groupByMeasurement()
  |groupBy('host')
  ${COLLECT}`, 'cpu,host=a v=1 0\nmem,host=a v=2 0\n')
  t.equal(series.length, 2, 'cpu and mem stay apart for the same host')
  r.stop()
})
