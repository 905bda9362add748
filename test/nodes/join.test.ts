/**
 * join(): sets complete on group + rounded time; incomplete sets wait until every parent
 * has moved past them (a barrier moves a parent), then are filled or dropped; the task
 * stop flushes them; batches are joined point by point; type chaos.
 */
import t from 'tap'
import type { Point } from '../../src/model/point.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { startStream, ZERO_NS, type StreamRun, lp, series, type Series } from '../fixtures/stream-harness.js'

const SEC = 1_000_000_000n
const Z = 31536000 // ZERO_NS in seconds

function joinStats(run: StreamRun): Record<string, number> {
  const stats = run.execution.stats()['node-stats']
  return stats[Object.keys(stats).find((n) => n.startsWith('join'))!]!
}

const at = (s: number): string => `1971-01-01T00:00:${String(s).padStart(2, '0')}Z`

t.test("incomplete sets wait for every parent's head; a barrier moves the silent parent's head", async (t) => {
  const sched = new ManualScheduler(ZERO_NS + 100n * SEC)
  const run = startStream(`
var a = stream|from().measurement('a')
var b = stream|from().measurement('b')|barrier().idle(1s)
a|join(b).as('a', 'b').fill('null')|httpOut('out')`, { scheduler: sched, clock: sched.clock })
  run.write(lp(`b value=10 ${Z}\na value=1 ${Z}\na value=2 ${Z + 1}\na value=3 ${Z + 2}\n`))
  t.same(series(run), [{ name: 'a', columns: ['time', 'a.value', 'b.value'], values: [[at(0), 1, 10]] }],
    'the complete set is out (named after the first parent); the others wait for b')
  sched.advance(1_000)
  t.same(series(run)[0]!.values, [[at(1), 2, null]],
    'after b\'s barrier the set of 1 s is filled with null; the set of 2 s still waits for a itself to move on')
  run.write(lp(`a value=4 ${Z + 3}\n`))
  t.same(series(run)[0]!.values, [[at(2), 3, null]])
  run.stop()
})

t.test('fill none drops the incomplete sets; the task stop flushes what is left', async (t) => {
  const run = startStream(`
var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|join(b).as('a', 'b').fill(0)|httpOut('out')`)
  run.write(lp(`a value=1 ${Z}\nb value=10 ${Z}\na value=2 ${Z + 1}\n`))
  t.equal(joinStats(run)['emitted'], 1)
  run.stop()
  t.equal(joinStats(run)['emitted'], 2, 'the set of 1 s was emitted (filled with 0) at stop')

  const inner = startStream(`
var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|join(b).as('a', 'b')|httpOut('out')`)
  inner.write(lp(`a value=1 ${Z}\nb value=10 ${Z}\na value=2 ${Z + 1}\nb value=20 ${Z + 2}\na value=3 ${Z + 3}\n`))
  t.same(series(inner)[0]!.values, [[at(0), 1, 10]], 'the set of 1 s lacks b: dropped (the one of 2 s waits for b to move on)')
  t.equal(joinStats(inner)['emitted'], 1)
  inner.stop()
})

t.test('batches are joined point by point on rounded time; a missing point is filled', async (t) => {
  const run = startStream(`
var a = stream|from().measurement('a')|window().period(2s).every(2s)
var b = stream|from().measurement('b')|window().period(2s).every(2s)
a|join(b).as('a', 'b').fill(0.0).streamName('ab')|httpOut('out')`)
  run.write(lp(`a value=1 ${Z}\nb value=10 ${Z}\na value=2 ${Z + 1}\na value=3 ${Z + 2}\nb value=30 ${Z + 2}\n`))
  t.same(series(run), [{ name: 'ab', columns: ['time', 'a.value', 'b.value'], values: [[at(0), 1, 10], [at(1), 2, 0]] }])
  run.stop()
})

t.test('groups join separately; output tags are the group tags', async (t) => {
  const run = startStream(`
var a = stream|from().measurement('a').groupBy('host')
var b = stream|from().measurement('b').groupBy('host')
a|join(b).as('a', 'b')|httpOut('out')`)
  run.write(lp(`a,host=x,extra=1 value=1 ${Z}\na,host=y value=2 ${Z}\nb,host=y value=20 ${Z}\nb,host=x value=10 ${Z}\n`))
  t.same(series(run), [
    { name: 'a', tags: { host: 'y' }, columns: ['time', 'a.value', 'b.value'], values: [[at(0), 2, 20]] },
    { name: 'a', tags: { host: 'x' }, columns: ['time', 'a.value', 'b.value'], values: [[at(0), 1, 10]] },
  ])
  t.equal(joinStats(run)['working_cardinality'], 2)
  run.stop()
})

t.test('type chaos: join does not read values; they pass through typed; the clean group is unchanged', async (t) => {
  const script = `
var a = stream|from().measurement('m').groupBy('host')
var b = stream|from().measurement('n').groupBy('host')
a|join(b).as('a', 'b')|window().periodCount(100).everyCount(1)|httpOut('out')`
  const values = ['20i', '30.5', '"str"', 'true', null]
  let clean = ''
  let both = ''
  for (let i = 0; i < 10; i++) {
    const line = `m,host=clean value=${i}.5 ${Z + i}\nn,host=clean value=1 ${Z + i}\n`
    clean += line
    both += line
    const v = values[i % values.length]
    both += (v === null ? `m,host=chaos other=1 ${Z + i}\n` : `m,host=chaos value=${v} ${Z + i}\n`) + `n,host=chaos value=1 ${Z + i}\n`
  }
  const alone = startStream(script)
  alone.write(lp(clean))
  const mixed = startStream(script)
  mixed.write(lp(both))
  t.equal(mixed.execution.executing, true)
  t.equal(joinStats(mixed)['errors'], 0)
  const byHost = (r: StreamRun, h: string): Series | undefined => series(r).find((s) => s.tags?.['host'] === h)
  t.same(byHost(mixed, 'clean'), byHost(alone, 'clean'))
  const c = byHost(mixed, 'chaos')!
  t.same(c.values.map((v) => v[c.columns.indexOf('a.value')]), [20, 30.5, 'str', true, null, 20, 30.5, 'str', true, null],
    'a missing field is just absent from that joined point')
  alone.stop()
  mixed.stop()
})

/** Kapacitor's TestStream_Cardinality.srpl: cpu0…cpu7 and cpu-total of host localhost, one point a second for 10 s. */
function cardinalityData(): Point[] {
  let text = ''
  for (let sec = 1; sec <= 10; sec++) {
    for (const cpu of ['cpu0', 'cpu1', 'cpu2', 'cpu3', 'cpu4', 'cpu5', 'cpu6', 'cpu7', 'cpu-total']) {
      text += `cpu,cpu=${cpu},host=localhost usage_user=20.1 ${Z + sec - 1}\n`
    }
  }
  return lp(text)
}

t.test("Kapacitor's TestStream_JoinCardinality: one join group per group of either parent; groups that never meet emit nothing", async (t) => {
  const run = startStream(`
var s1 = stream
    |from()
        .measurement('cpu')
        .groupBy('host')

var s2 = stream
    |from()
        .measurement('cpu')
        .groupBy('cpu')

s2|join(s1)
   .as('s1','s2')
`)
  run.write(cardinalityData())
  run.stop()
  const s = joinStats(run)
  t.same({ collected: s['collected'], emitted: s['emitted'], errors: s['errors'], working_cardinality: s['working_cardinality'] },
    { collected: 180, emitted: 0, errors: 0, working_cardinality: 10 })
})
