/**
 * combine(): every order-independent combination of same-time points where lambda i
 * matches member i; prefixes on fields and non-group tags; the max guard; lambda errors
 * are counted and do not match; type chaos.
 */
import t from 'tap'
import { startStream, type StreamRun, lp, series, type Series } from '../fixtures/stream-harness.js'

const Z = 31536000

function combineStats(run: StreamRun): Record<string, number> {
  const stats = run.execution.stats()['node-stats']
  return stats[Object.keys(stats).find((n) => n.startsWith('combine'))!]!
}

t.test('one point per matching combination, prefixed fields and tags, group tags kept; a new time closes the buffer', async (t) => {
  const run = startStream(`stream|from().measurement('m').groupBy('dc')
  |combine(lambda: "svc" == 'a', lambda: TRUE).as('x', 'y')
  |window().periodCount(100).everyCount(1)
  |httpOut('out')`)
  run.write(lp(`m,dc=1,svc=a v=1 ${Z}\nm,dc=1,svc=b v=2 ${Z}\nm,dc=1,svc=c v=3 ${Z}\n`))
  t.same(series(run), [], 'nothing until a point of another time arrives')
  run.write(lp(`m,dc=1,svc=a v=9 ${Z + 1}\n`))
  const s = series(run)[0]!
  t.same(s.tags, { dc: '1' })
  t.same(s.columns, ['time', 'x.svc', 'x.v', 'y.svc', 'y.v'])
  t.same(s.values, [
    ['1971-01-01T00:00:00Z', 'a', 1, 'b', 2],
    ['1971-01-01T00:00:00Z', 'a', 1, 'c', 3],
  ], '(a,b) and (a,c); (b,c) has no member for x')
  run.stop()
})

t.test('batches: each run of same-time points in a batch is combined, up to the end of the batch', async (t) => {
  const run = startStream(`stream|from().measurement('m')
  |window().period(2s).every(2s)
  |combine(lambda: "k" == 'a', lambda: "k" == 'b').as('x', 'y')
  |window().periodCount(10).everyCount(1)
  |httpOut('out')`)
  run.write(lp(`m,k=a v=1 ${Z}\nm,k=b v=2 ${Z}\nm,k=a v=3 ${Z + 1}\nm,k=b v=4 ${Z + 1}\nm,k=a v=5 ${Z + 2}\n`))
  t.same(series(run)[0]!.values, [
    ['1971-01-01T00:00:00Z', 'a', 1, 'b', 2],
    ['1971-01-01T00:00:01Z', 'a', 3, 'b', 4],
  ])
  run.stop()
})

t.test('more combinations than max: refused and counted as an error', async (t) => {
  const run = startStream(`stream|from().measurement('m')
  |combine(lambda: TRUE, lambda: TRUE).as('x', 'y').max(2)
  |httpOut('out')`)
  run.write(lp(`m,k=a v=1 ${Z}\nm,k=b v=2 ${Z}\nm,k=c v=3 ${Z}\nm,k=a v=1 ${Z + 1}\n`))
  t.same(series(run), [])
  t.equal(combineStats(run)['errors'], 1)
  t.equal(run.execution.executing, true)
  run.stop()
})

t.test('type chaos: a lambda failing on a point counts an error and does not match it; the clean group is unchanged', async (t) => {
  const script = `stream|from().measurement('m').groupBy('host')
  |combine(lambda: "value" > 1.0, lambda: TRUE).as('x', 'y')
  |window().periodCount(100).everyCount(1)
  |httpOut('out')`
  const values = ['"str"', 'true', null, '30.5']
  let clean = ''
  let both = ''
  for (let i = 0; i < 9; i++) {
    const line = `m,host=clean,k=a value=${i}.5 ${Z + i}\nm,host=clean,k=b value=0.5 ${Z + i}\n`
    clean += line
    both += line
    const v = values[i % values.length]
    const field = v === null ? 'other=1' : `value=${v}`
    both += `m,host=chaos,k=a ${field} ${Z + i}\nm,host=chaos,k=b ${field} ${Z + i}\n`
  }
  const alone = startStream(script)
  alone.write(lp(clean))
  const mixed = startStream(script)
  mixed.write(lp(both))
  t.equal(mixed.execution.executing, true)
  // times 0..7 are combined (8 is still buffered): string, bool, missing fail on both chaos points
  // at i = 0,1,2 and 4,5,6 → 12 errors; the float times (3, 7) combine
  t.equal(combineStats(mixed)['errors'], 12)
  const byHost = (r: StreamRun, h: string): Series | undefined => series(r).find((s) => s.tags?.['host'] === h)
  t.same(byHost(mixed, 'clean'), byHost(alone, 'clean'))
  t.same(byHost(mixed, 'chaos')?.values.map((v) => v[0]), ['1971-01-01T00:00:03Z', '1971-01-01T00:00:07Z'],
    'one combination {a, b} per float time (order-independent: never also (b, a))')
  alone.stop()
  mixed.stop()
})

t.test("Kapacitor's TestStream_CombineCardinality: one state per group; single points per time make no combination", async (t) => {
  let text = ''
  for (let sec = 1; sec <= 10; sec++) {
    for (const cpu of ['cpu0', 'cpu1', 'cpu2', 'cpu3', 'cpu4', 'cpu5', 'cpu6', 'cpu7', 'cpu-total']) {
      text += `cpu,cpu=${cpu},host=localhost usage_user=20.1 ${Z + sec - 1}\n`
    }
  }
  const run = startStream(`
var s1 = stream
    |from()
        .measurement('cpu')
        .groupBy('cpu','host')
    |combine(lambda: TRUE, lambda: TRUE)
        .as('total','true')
`)
  run.write(lp(text))
  run.stop()
  const s = combineStats(run)
  t.same({ collected: s['collected'], emitted: s['emitted'], errors: s['errors'], working_cardinality: s['working_cardinality'] },
    { collected: 90, emitted: 0, errors: 0, working_cardinality: 9 })
})
