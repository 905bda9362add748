/**
 * flatten(): same-time points of a group become one point named by their `on` tag values;
 * a point missing an `on` tag is counted as an error and left out; batches are flattened
 * within themselves; type chaos.
 */
import t from 'tap'
import { startStream, type StreamRun, lp, series, type Series } from '../fixtures/stream-harness.js'

const Z = 31536000

function flattenStats(run: StreamRun): Record<string, number> {
  const stats = run.execution.stats()['node-stats']
  return stats[Object.keys(stats).find((n) => n.startsWith('flatten'))!]!
}

t.test('a point missing an on tag is an error and is left out; the others are flattened', async (t) => {
  const run = startStream(`stream|from().measurement('m')
  |flatten().on('svc').delimiter('_')
  |httpOut('out')`)
  run.write(lp(`m,svc=a v=1,w=2 ${Z}\nm v=5 ${Z}\nm,svc=b v=3 ${Z}\nm,svc=a v=9 ${Z + 1}\n`))
  t.same(series(run), [{ name: 'm', columns: ['time', 'a_v', 'a_w', 'b_v'], values: [['1971-01-01T00:00:00Z', 1, 2, 3]] }])
  t.equal(flattenStats(run)['errors'], 1)
  run.stop()
})

t.test('batches: the same-time runs of each batch are flattened within it; the batch keeps its time', async (t) => {
  const run = startStream(`stream|from().measurement('m')
  |window().period(2s).every(2s)
  |flatten().on('svc')
  |httpOut('out')`)
  run.write(lp(`m,svc=a v=1 ${Z}\nm,svc=b v=2 ${Z}\nm,svc=a v=3 ${Z + 1}\nm,svc=b v=4 ${Z + 1}\nm,svc=a v=5 ${Z + 2}\n`))
  t.same(series(run), [{
    name: 'm', columns: ['time', 'a.v', 'b.v'],
    values: [['1971-01-01T00:00:00Z', 1, 2], ['1971-01-01T00:00:01Z', 3, 4]],
  }])
  run.stop()
})

t.test('a time whose points all lack an on tag gives no point', async (t) => {
  const run = startStream(`stream|from().measurement('m')
  |flatten().on('svc')
  |httpOut('out')`)
  run.write(lp(`m,svc=a v=1 ${Z}\nm v=2 ${Z + 1}\nm,svc=a v=3 ${Z + 2}\n`))
  t.same(series(run)[0]!.values, [['1971-01-01T00:00:00Z', 1]], 'nothing was emitted for 1 s')
  t.equal(flattenStats(run)['errors'], 1)
  t.equal(flattenStats(run)['emitted'], 1)
  run.stop()
})

t.test('type chaos: flatten does not read values; they pass through; the clean group is unchanged', async (t) => {
  const script = `stream|from().measurement('m').groupBy('host')
  |flatten().on('k')
  |window().periodCount(100).everyCount(1)
  |httpOut('out')`
  const values = ['20i', '30.5', '"str"', 'true', null]
  let clean = ''
  let both = ''
  for (let i = 0; i < 10; i++) {
    const line = `m,host=clean,k=a value=${i}.5 ${Z + i}\nm,host=clean,k=b value=1 ${Z + i}\n`
    clean += line
    both += line
    const v = values[i % values.length]
    both += `m,host=chaos,k=a ${v === null ? 'other=1' : `value=${v}`} ${Z + i}\n`
  }
  const alone = startStream(script)
  alone.write(lp(clean))
  const mixed = startStream(script)
  mixed.write(lp(both))
  t.equal(mixed.execution.executing, true)
  t.equal(flattenStats(mixed)['errors'], 0)
  const byHost = (r: StreamRun, h: string): Series | undefined => series(r).find((s) => s.tags?.['host'] === h)
  t.same(byHost(mixed, 'clean'), byHost(alone, 'clean'))
  const c = byHost(mixed, 'chaos')!
  // times 0..8 are flushed (9 is still buffered)
  t.same(c.values.map((v) => v[c.columns.indexOf('a.value')]), [20, 30.5, 'str', true, null, 20, 30.5, 'str', true])
  alone.stop()
  mixed.stop()
})
