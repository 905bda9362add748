import t from 'tap'
import { seriesToBatches } from '../../src/query/result-batches.js'
import type { QuerySeries } from '../../src/query/influxdb.js'

const S = 1_000_000_000n

t.test('one batch per series: name, tags, one point per row with the series tags', async (t) => {
  const series: QuerySeries[] = [
    { name: 'cpu', tags: { host: 'a' }, columns: ['time', 'value', 'n', 's', 'ok'], values: [[1n * S, 1.5, 7n, 'x', true], [2n * S, 2.5, -9223372036854775808n, 'y', false]] },
    { name: 'cpu', tags: { host: 'b' }, columns: ['time', 'value', 'n', 's', 'ok'], values: [[3n * S, 0, 9223372036854775807n, '', true]] },
  ]
  const batches = seriesToBatches(series, { source: 2, stop: 10n * S, groupedByTime: false })
  t.same(batches, [
    {
      source: 2, name: 'cpu', tags: { host: 'a' }, tmax: 10n * S,
      points: [
        { time: 1n * S, tags: { host: 'a' }, fields: { value: 1.5, n: 7n, s: 'x', ok: true } },
        { time: 2n * S, tags: { host: 'a' }, fields: { value: 2.5, n: -9223372036854775808n, s: 'y', ok: false } },
      ],
    },
    {
      source: 2, name: 'cpu', tags: { host: 'b' }, tmax: 10n * S,
      points: [{ time: 3n * S, tags: { host: 'b' }, fields: { value: 0, n: 9223372036854775807n, s: '', ok: true } }],
    },
  ])
  // integers stay bigint, floats number
  t.equal(typeof batches[0]!.points[0]!.fields.n, 'bigint')
  t.equal(typeof batches[0]!.points[0]!.fields.value, 'number')
})

t.test('null values are left out; a row with no value left is dropped', async (t) => {
  const series: QuerySeries[] = [{
    name: 'm', tags: {}, columns: ['time', 'a', 'b'],
    values: [[1n, 1, null], [2n, null, null], [3n, null, 'z']],
  }]
  const [b] = seriesToBatches(series, { source: 0, stop: 100n, groupedByTime: false })
  t.same(b!.points, [
    { time: 1n, tags: {}, fields: { a: 1 } },
    { time: 3n, tags: {}, fields: { b: 'z' } },
  ])
})

t.test('batch time: the query stop, or the latest point when grouped by time', async (t) => {
  const series: QuerySeries[] = [
    { name: 'm', tags: { g: '1' }, columns: ['time', 'mean'], values: [[20n * S, 2], [0n, 1], [10n * S, null]] },
    { name: 'm', tags: { g: '2' }, columns: ['time', 'mean'], values: [[0n, null]] },
    { name: 'm', tags: { g: '3' }, columns: ['time', 'mean'], values: [] },
  ]
  const plain = seriesToBatches(series, { source: 0, stop: 30n * S, groupedByTime: false })
  t.same(plain.map((b) => b.tmax), [30n * S, 30n * S, 30n * S])
  const grouped = seriesToBatches(series, { source: 0, stop: 30n * S, groupedByTime: true })
  // the latest point with a value (20s, not the later-listed 0s or the null bucket);
  // a series with no point left keeps the stop
  t.same(grouped.map((b) => b.tmax), [20n * S, 30n * S, 30n * S])
  // an empty series is still a batch (downstream nodes see an empty batch)
  t.same(grouped.map((b) => b.points.length), [2, 0, 0])
})

t.test('time values: bigint ns, JS integers and RFC3339 strings are read; anything else is an error', async (t) => {
  const series: QuerySeries[] = [{ name: 'm', tags: {}, columns: ['time', 'v'], values: [[5, 1], ['1970-01-01T00:00:01.000000002Z', 2]] }]
  t.same(seriesToBatches(series, { source: 0, stop: 0n, groupedByTime: false })[0]!.points.map((p) => p.time), [5n, 1_000_000_002n])
  t.throws(() => seriesToBatches([{ name: 'm', tags: {}, columns: ['time', 'v'], values: [['yesterday', 1]] }], { source: 0, stop: 0n, groupedByTime: false }),
    /unexpected time value yesterday in series "m"/)
})
