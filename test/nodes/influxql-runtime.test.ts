/**
 * The InfluxQL function nodes in a running task: stream time-bucketing, empty batches,
 * selectors' `as`, top/bottom rows, transforms on streams and batches, exact int64
 * output, and bad field types counted on the node without touching other groups.
 */
import t from 'tap'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import type { Point } from '../../src/model/point.js'
import { startStream, type StreamRun, type Series } from '../fixtures/stream-harness.js'

function points(text: string, precision: 's' | 'ns' = 's'): Point[] {
  const { points, errors } = parseLineProtocol(Buffer.from(text), { db: 'dbname', rp: 'rpname', precision, now: 0n })
  if (errors.length > 0) throw new Error(errors[0]!.reason)
  return points
}

const series = (run: StreamRun, endpoint = 'out'): Series[] => (run.output(endpoint) as { series: Series[] | null }).series ?? []

function nodeStat(run: StreamRun, prefix: string, stat: string): number {
  const stats = run.execution.stats()['node-stats']
  const name = Object.keys(stats).find((k) => k.startsWith(prefix))!
  return stats[name]![stat]!
}

const sec = (s: number): string => `1970-01-01T00:00:${String(s).padStart(2, '0')}Z`

t.test('on a stream, points with the same time are reduced together and emitted when the time moves on', async (t) => {
  const run = startStream(`stream|from().measurement('m')|sum('value')|httpOut('out')`)
  run.write(points('m value=1 0\nm value=2 0\n'))
  t.same(series(run), [], 'the bucket is open until a point with another time arrives')
  run.write(points('m value=5 1\n'))
  t.same(series(run), [{ name: 'm', columns: ['time', 'sum'], values: [[sec(0), 3]] }])
  run.write(points('m value=7 2\n'))
  t.same(series(run)[0]!.values, [[sec(1), 5]])
  run.stop()
})

t.test('an empty batch gives 0 for count and sum and nothing for the others', async (t) => {
  const data = points('m value=1 0\nm value=2 1\nm value=3 6\n')
  for (const [fn, want] of [['count', [[sec(5), 0]]], ['sum', [[sec(5), 0]]], ['mean', null]] as const) {
    const run = startStream(`stream|from().measurement('m')|window().period(5s).every(5s)|where(lambda: FALSE)|${fn}('value')|httpOut('out')`)
    run.write(data)
    const got = series(run)
    if (want === null) t.same(got, [], `${fn}: no output`)
    else t.same(got[0]!.values, want, `${fn}: 0 at the window time`)
    run.stop()
  }
})

t.test('a selector emits the whole selected point with the field renamed to `as`', async (t) => {
  const run = startStream(`stream|from().measurement('m').groupBy('host')|window().period(5s).every(5s)|max('value').as('peak')|httpOut('out')`)
  run.write(points('m,host=a,dc=x value=1,other="p" 0\nm,host=a,dc=y value=9,other="q" 1\nm,host=a,dc=x value=4,other="r" 2\nm,host=a value=0 6\n'))
  t.same(series(run), [{ name: 'm', tags: { dc: 'y', host: 'a' }, columns: ['time', 'other', 'peak'], values: [[sec(5), 'q', 9]] }])
  run.stop()
})

t.test('aggregates carry only the group tags; count of ints is an int, mean a float', async (t) => {
  const run = startStream(`stream|from().measurement('m').groupBy('host')|window().period(5s).every(5s)|mean('value')|httpOut('out')`)
  run.write(points('m,host=a,dc=x value=1i 0\nm,host=a,dc=y value=2i 1\nm,host=a value=0i 6\n'))
  t.same(series(run), [{ name: 'm', tags: { host: 'a' }, columns: ['time', 'mean'], values: [[sec(5), 1.5]] }])
  run.stop()
})

t.test('top(n, field, tag) keeps the best point of each tag value, rows ordered by time', async (t) => {
  const run = startStream(`stream|from().measurement('m')|window().period(5s).every(5s)|top(2, 'value', 'host')|httpOut('out')`)
  run.write(points('m,host=a value=5 0\nm,host=a value=9 1\nm,host=b value=7 2\nm,host=b value=8 3\nm,host=c value=1 4\nm value=0 6\n'))
  t.same(series(run), [{ name: 'm', columns: ['time', 'host', 'top'], values: [[sec(5), 'a', 9], [sec(5), 'b', 8]] }])
  run.stop()
})

t.test('transforms keep per-group state on a stream and start again with each batch', async (t) => {
  const stream = startStream(`stream|from().measurement('m').groupBy('host')|difference('value')|window().period(10s).every(10s)|httpOut('out')`)
  stream.write(points('m,host=a value=1 0\nm,host=b value=100 0\nm,host=a value=4 1\nm,host=b value=90 1\nm,host=a value=10 2\nm,host=a value=0 11\nm,host=b value=0 11\n'))
  const byHost = Object.fromEntries(series(stream).map((s) => [s.tags!['host'], s.values]))
  t.same(byHost, { a: [[sec(1), 3], [sec(2), 6]], b: [[sec(1), -10]] }, 'point times; each group its own previous value')
  stream.stop()

  const batch = startStream(`stream|from().measurement('m')|window().period(3s).every(3s)|cumulativeSum('value')|httpOut('out')`)
  batch.write(points('m value=1i 0\nm value=2i 1\nm value=3i 3\nm value=4i 4\nm value=0i 6\n'))
  t.same(series(batch), [{ name: 'm', columns: ['time', 'cumulativeSum'], values: [[sec(3), 3], [sec(4), 7]] }], 'the second batch sums from zero')
  batch.stop()
})

t.test('integer results are written exactly', async (t) => {
  const run = startStream(`stream|from().measurement('m')|window().period(5s).every(5s)|sum('value')|httpOut('out')`)
  run.write(points(`m value=${2n ** 62n}i 0\nm value=${2n ** 62n - 1n}i 1\nm value=${-(2n ** 61n)}i 2\nm value=0i 5\n`))
  const json = run.services.httpOut.get('testStreamer', 'out')!.render()
  t.match(json, `[${JSON.stringify(sec(5))},${2n ** 62n + 2n ** 61n - 1n}]`)
  run.stop()
})

// ------------------------------------------------------------------ type chaos

const chaosValues = ['20i', '30.5', '"str"', 'true', null]

function feed(withChaos: boolean): Point[] {
  let s = ''
  for (let i = 0; i < 11; i++) {
    s += `m,host=clean value=${i * 3}.5 ${i}\n`
    if (!withChaos) continue
    const v = chaosValues[i % chaosValues.length]
    s += v === null ? `m,host=chaos other=1 ${i}\n` : `m,host=chaos value=${v} ${i}\n`
  }
  return points(s)
}

const chaosCases: Array<{ name: string; chain: string; node: string; errors: number; chaos: unknown[][] }> = [
  // per window, the reducer is made for the first point's type (int); the other four points fail
  { name: 'windowed mean', chain: `|window().period(5s).every(5s)|mean('value')`, node: 'mean', errors: 8, chaos: [[sec(10), 20]] },
  // per time bucket a new reducer: ints and floats both work, strings/bools cannot be maxed, missing fails
  // (the last emitted bucket is 6: 7, 8, 9 failed and 10 is still open)
  { name: 'stream max', chain: `|max('value')`, node: 'max', errors: 6, chaos: [[sec(6), 30.5]] },
  // one reducer per group for the whole stream: every non-int point fails
  { name: 'stream difference', chain: `|difference('value')`, node: 'difference', errors: 8, chaos: [[sec(10), 0]] },
  { name: 'windowed top', chain: `|window().period(5s).every(5s)|top(1, 'value')`, node: 'top', errors: 8, chaos: [[sec(10), 20]] },
]

for (const c of chaosCases) {
  t.test(`type chaos (${c.name}): bad points are counted on the node and other groups are untouched`, async (t) => {
    const script = `stream|from().measurement('m').groupBy('host')${c.chain}|httpOut('out')`
    const alone = startStream(script)
    alone.write(feed(false))
    const expectedClean = series(alone)
    alone.stop()

    const run = startStream(script)
    run.write(feed(true))
    t.equal(run.execution.executing, true)
    t.equal(nodeStat(run, c.node, 'errors'), c.errors)
    const out = series(run)
    t.same(out.filter((s) => s.tags?.['host'] === 'clean'), expectedClean)
    t.same(out.find((s) => s.tags?.['host'] === 'chaos')?.values, c.chaos, 'the chaos group still gets results for its good points')
    run.stop()
  })
}
