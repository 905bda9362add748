/**
 * delete(): fields and tags removed and counted; a deleted group dimension leaves the
 * dimensions (stream and batch); type chaos.
 */
import t from 'tap'
import { dimensions, makeGroup } from '../../src/model/group.js'
import { DeleteRuntime } from '../../src/nodes/delete-runtime.js'
import type { BatchMessage } from '../../src/pipeline/messages.js'
import { COLLECT, batch, bp, direct, nodeStats, run, sec, typeChaos } from './transform-harness.js'

t.test('fields and tags are removed and counted per value removed', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('cpu')
  |delete().field('anothervalue').tag('type')
  |groupBy(*)
  |httpOut('out')`, 'cpu,host=a,type=idle value=9,anothervalue=1 0\ncpu,host=b value=6 0\n')
  t.same(series.map((s) => [s.tags, s.columns]), [[{ host: 'a' }, ['time', 'value']], [{ host: 'b' }, ['time', 'value']]])
  t.equal(nodeStats(r, 'delete2')['fields_deleted'], 1)
  t.equal(nodeStats(r, 'delete2')['tags_deleted'], 1)
  r.stop()
})

t.test('a deleted tag that is a group dimension leaves the dimensions', async (t) => {
  const { run: r, series } = run(`stream|from().measurement('cpu').groupBy('host', 'type')
  |delete().tag('type')
  |window().period(2s).every(2s)
  |sum('value')
  |httpOut('out')`, 'cpu,host=a,type=x value=1 0\ncpu,host=a,type=y value=2 1\ncpu,host=a,type=x value=4 2\n')
  t.same(series.map((s) => [s.tags, s.values[0]![1]]), [[{ host: 'a' }, 3]], 'both types summed in group host=a')
  r.stop()
})

t.test('batch: the batch leaves the deleted dimension too', async (t) => {
  const d = direct(`stream|from()|window().period(1s).every(1s)|delete().tag('dc')`, 'delete', (n, c) => new DeleteRuntime(n, c))
  const g = makeGroup('m', { host: 'a', dc: 'x' }, dimensions(['host', 'dc']))
  d.runtime.receive(batch(sec(1), [bp(sec(0), { v: 1 }, { host: 'a', dc: 'x' })], g), 0)
  const b = d.emitted[0] as BatchMessage
  t.same([b.group.id, b.tags, b.points[0]!.tags], ['host=a', { host: 'a' }, { host: 'a' }])
})

t.test('type chaos: delete never fails, the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run: r } = typeChaos(`stream|from().measurement('m').groupBy('host')
  |delete().field('other')
  ${COLLECT}`)
  t.equal(r.execution.executing, true)
  t.equal(nodeStats(r, 'delete2')['errors'], 0)
  t.equal(nodeStats(r, 'delete2')['fields_deleted'], 2)
  t.same(mixed, alone)
  t.equal(chaos?.values.length, 11)
  r.stop()
})
