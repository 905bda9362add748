/**
 * trickle(): a batch becomes one stream point per batch point, with the batch's name and
 * group and the point's own tags, fields and time; type chaos.
 */
import t from 'tap'
import { dimensions, makeGroup } from '../../src/model/group.js'
import { TrickleRuntime } from '../../src/nodes/trickle-runtime.js'
import type { PointMessage } from '../../src/pipeline/messages.js'
import { COLLECT, batch, bp, direct, nodeStats, sec, typeChaos } from './transform-harness.js'

t.test('one point per batch point, in the batch group', async (t) => {
  const d = direct(`stream|from()|window().period(1s).every(1s)|trickle()`, 'trickle', (_n, c) => new TrickleRuntime(c))
  const g = makeGroup('cpu', { host: 'a' }, dimensions(['host']))
  d.runtime.receive(batch(sec(2), [bp(sec(0), { v: 1 }, { host: 'a', dc: 'x' }, 'other'), bp(sec(1), { v: 2 }, { host: 'a' })], g, 'cpu'), 0)
  const pts = d.emitted as PointMessage[]
  t.same(pts.map((p) => [p.kind, p.name, p.time, p.tags, p.fields, p.group.id]), [
    ['point', 'cpu', sec(0), { host: 'a', dc: 'x' }, { v: 1 }, 'host=a'],
    ['point', 'cpu', sec(1), { host: 'a' }, { v: 2 }, 'host=a'],
  ])
})

t.test('type chaos: trickle never fails, the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run: r } = typeChaos(`stream|from().measurement('m').groupBy('host')
  |window().period(2s).every(2s)
  |trickle()
  ${COLLECT}`)
  t.equal(r.execution.executing, true)
  t.equal(nodeStats(r, 'trickle3')['errors'], 0)
  t.same(mixed, alone)
  t.equal(chaos?.values.length, 10, 'the points of the five emitted windows')
  r.stop()
})
