/**
 * The pure InfluxQL reducers: what each function yields for a set of values, with the
 * types, tie-breaks and edge rules users see in Kapacitor's output (InfluxDB's reducers).
 */
import t from 'tap'
import type { FieldValue } from '../../src/model/point.js'
import { percentileIndex, reduceValues, reducerFactory } from '../../src/nodes/influxql-reducers.js'
import { holtWinters, nelderMead, powInt } from '../../src/nodes/influxql-holt-winters.js'

const values = (method: string, vs: FieldValue[], args = {}, times?: bigint[]): FieldValue[] =>
  reduceValues(method, vs, args, times).map((r) => r.value)
const times = (method: string, vs: FieldValue[], ts: bigint[], args = {}): Array<bigint | undefined> =>
  reduceValues(method, vs, args, ts).map((r) => r.time)

t.test('aggregates keep the input type where InfluxQL does', async (t) => {
  const cases: Array<[string, FieldValue[], FieldValue[]]> = [
    ['count', [1.5, 2.5, 3.5], [3n]],
    ['count', ['a', 'b'], [2n]],
    ['count', [true, false, true], [3n]],
    ['sum', [1.5, 2.25], [3.75]],
    ['sum', [1n, 2n, 3n], [6n]],
    ['mean', [1n, 2n], [1.5]],
    ['mean', [1, 2, 4], [7 / 3]],
    ['median', [5, 1, 3], [3]],
    ['median', [4, 1, 3, 2], [2.5]],
    ['median', [4n, 1n, 3n, 2n], [2.5]],
    ['median', [7n], [7]],
    ['spread', [3n, 9n, -1n], [10n]],
    ['spread', [2.5, 1, 4], [3]],
    ['stddev', [2, 4, 4, 4, 5, 5, 7, 9], [Math.sqrt(32 / 7)]],
    ['stddev', [3n, 5n], [Math.SQRT2]],
    ['stddev', [42], [0]],
    ['mode', [1, 2, 2, 3], [2]],
    ['mode', [5n, 7n, 7n], [7n]],
  ]
  for (const [m, input, want] of cases) t.same(values(m, input), want, `${m}(${input.join(', ')})`)
})

t.test('integer sums stay exact near 2^62 and wrap at int64 like Go', async (t) => {
  const big = 2n ** 62n
  t.same(values('sum', [big, big - 1n, -(big - 5n)]), [big + 4n])
  t.same(values('sum', [2n ** 63n - 1n, 1n]), [-(2n ** 63n)], 'int64 overflow wraps')
  t.same(values('cumulativeSum', [big, 3n]), [big + 3n], 'cumulativeSum of ints is exact')
  t.same(values('difference', [big + 7n, big]), [-7n], 'difference of ints is exact')
})

t.test('percentile is nearest-rank and selects an actual value', async (t) => {
  t.equal(percentileIndex(10, 50), 4)
  t.equal(percentileIndex(10, 95), 9)
  t.equal(percentileIndex(10, 4), -1)
  t.equal(percentileIndex(3, 100), 2)
  const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
  t.same(values('percentile', ten, { percentile: 50 }), [5])
  t.same(values('percentile', ten, { percentile: 90 }), [9])
  t.same(values('percentile', ten, { percentile: 100 }), [10])
  t.same(values('percentile', ten, { percentile: 4 }), [], 'rank 0: no point')
  t.same(values('percentile', [1, 2, 3, 4], { percentile: 50 }), [2], 'no interpolation between 2 and 3')
  t.same(values('percentile', [4n, 1n, 3n], { percentile: 50 }), [3n], 'ints stay ints')
  t.same(times('percentile', [4, 1, 3], [10n, 20n, 30n], { percentile: 50 }), [30n], 'the selected point keeps its time')
})

t.test('selectors break ties the way InfluxQL does', async (t) => {
  // equal times: first/last take the larger value (false before true for booleans)
  t.same(values('first', [3, 5, 1], {}, [0n, 0n, 1n]), [5])
  t.same(values('last', [3, 5, 1], {}, [1n, 1n, 0n]), [5])
  t.same(values('first', [true, false], {}, [0n, 0n]), [false])
  t.same(values('last', [false, true], {}, [0n, 0n]), [true])
  t.same(values('first', ['b', 'a'], {}, [2n, 1n]), ['a'])
  // equal values: min/max take the earlier point
  t.same(times('min', [2, 1, 1], [0n, 5n, 3n]), [3n])
  t.same(times('max', [9, 9, 1], [7n, 4n, 0n]), [4n])
  t.same(values('max', [3n, 9n, 9n]), [9n])
})

t.test('distinct, top and bottom', async (t) => {
  t.same(values('distinct', [3, 1, 3, 2, 1]), [3, 1, 2], 'first-seen order (by time)')
  t.same(values('distinct', [true, false, true], undefined, [1n, 0n, 2n]), [false, true])
  const tb = (m: string, n: number, vs: number[]): Array<[FieldValue, bigint | undefined]> =>
    reduceValues(m, vs, { n }).map((r) => [r.value, r.time])
  t.same(tb('top', 2, [1, 5, 3, 5]), [[5, 1n], [5, 3n]], 'largest, ties by earlier time, then ordered by time')
  t.same(tb('top', 3, [1, 5, 3, 4]), [[5, 1n], [3, 2n], [4, 3n]])
  t.same(tb('bottom', 2, [4, 1, 3, 1]), [[1, 1n], [1, 3n]])
  t.same(tb('top', 9, [2, 1]), [[2, 0n], [1, 1n]], 'n larger than the set: all of it')
})

t.test('transforms emit one value per input', async (t) => {
  const run = (method: string, vs: FieldValue[], ts: bigint[], args = {}): Array<[FieldValue, bigint | undefined] | null> => {
    const f = reducerFactory(method, typeof vs[0] === 'bigint' ? 'int' : 'float', args)
    if (typeof f === 'string') throw new Error(f)
    const r = f()
    return vs.map((v, i) => {
      r.add(v, ts[i]!, { name: '', tags: {}, fields: {}, time: ts[i]! })
      const out = r.emit()
      return out.length === 1 ? [out[0]!.value, out[0]!.time] : null
    })
  }
  t.same(run('difference', [10, 15, 12], [1n, 2n, 3n]), [null, [5, 2n], [-3, 3n]])
  t.same(run('difference', [10, 15, 20], [1n, 1n, 2n]), [null, null, [10, 2n]], 'a point at the same time is skipped')
  t.same(run('elapsed', [1, 1, 1], [0n, 3_000_000_000n, 3_500_000_000n], { unit: 1_000_000_000n }), [null, [3n, 3_000_000_000n], [0n, 3_500_000_000n]])
  t.same(run('movingAverage', [1, 2, 3, 10], [1n, 2n, 3n, 4n], { n: 2 }), [null, [1.5, 2n], [2.5, 3n], [6.5, 4n]])
  t.same(run('movingAverage', [1n, 2n], [1n, 2n], { n: 2 }), [null, [1.5, 2n]], 'ints average to a float')
  t.same(run('cumulativeSum', [1n, 2n, 3n], [1n, 2n, 3n]), [[1n, 1n], [3n, 2n], [6n, 3n]])
})

t.test('a function on a field type it does not take is refused with Kapacitor\'s message', async (t) => {
  t.equal(reducerFactory('mean', 'string', {}), 'cannot apply mean to string field')
  t.equal(reducerFactory('max', 'bool', {}), 'cannot apply max to bool field')
  t.type(reducerFactory('count', 'bool', {}), 'function')
  t.type(reducerFactory('elapsed', 'string', { unit: 1n }), 'function')
})

t.test('Holt-Winters', async (t) => {
  const [min, at] = nelderMead((x) => (x[0]! - 1) ** 2 + (x[1]! - 2) ** 2, [0, 0], 1e-10, 1)
  t.ok(min < 1e-6 && Math.abs(at[0]! - 1) < 1e-3 && Math.abs(at[1]! - 2) < 1e-3, 'Nelder-Mead finds a quadratic minimum')
  t.equal(powInt(0.7, 5), 0.7 * ((0.7 * 0.7) * (0.7 * 0.7)), 'Go\'s repeated squaring order')
  t.equal(powInt(2, 10), 1024)
  const s = 1_000_000_000n
  const ts = Array.from({ length: 10 }, (_, i) => BigInt(i) * s)
  const ys = [10, 12, 14, 16, 18, 20, 22, 24, 26, 28]
  const fc = holtWinters(ts, ys, { h: 2, m: 0, interval: s, includeFitData: false })
  t.same(fc.map((p) => p.time), [10n * s, 11n * s], 'h points spaced by interval after the last point')
  t.ok(fc.every((p) => p.value > 28 && p.value < 40), 'a rising series is forecast to keep rising')
  const fit = holtWinters(ts, ys, { h: 2, m: 0, interval: s, includeFitData: true })
  t.equal(fit.length, 12, 'with the fit: every fitted point plus the forecast')
  t.same(holtWinters([0n], [1], { h: 3, m: 0, interval: s, includeFitData: false }), [], 'fewer than two points: nothing')
})
