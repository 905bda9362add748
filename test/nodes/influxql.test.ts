/** The InfluxQL function nodes (pipeline/influxql.go): one entry each, shared InfluxQLNode properties. */
import t from 'tap'
import { nodeSpec, influxqlInfo } from '../../src/nodes/index.js'

const FUNCS = [
  'count', 'sum', 'mean', 'median', 'mode', 'spread', 'stddev', 'first', 'last', 'min', 'max', 'percentile', 'distinct',
  'top', 'bottom', 'elapsed', 'difference', 'movingAverage', 'cumulativeSum', 'holtWinters', 'holtWintersWithFit',
]

t.test('every function has .as (default: the method) and .usePointTimes()', async (t) => {
  for (const name of FUNCS) {
    const s = nodeSpec(name)!
    t.same(Object.keys(s.properties).sort(), ['as', 'usePointTimes'], name)
    t.equal(s.properties.as!.default, s.desc, `${name} as default`)
    t.equal(s.wants, 'any')
    t.ok(influxqlInfo(name), `${name} info`)
  }
})

t.test('holtWintersWithFit is created as Kapacitor method holtWinters', async (t) => {
  t.equal(nodeSpec('holtWintersWithFit')!.desc, 'holtWinters')
  t.equal(nodeSpec('holtWintersWithFit')!.properties.as!.default, 'holtWinters')
  t.ok(influxqlInfo('holtWinters')!.alwaysPointTimes)
  t.notOk(influxqlInfo('max')!.alwaysPointTimes)
})

t.test('kinds, field types and empty batches', async (t) => {
  t.equal(influxqlInfo('count')!.kind, 'aggregate')
  t.ok(influxqlInfo('count')!.emptyBatchValue)
  t.ok(influxqlInfo('sum')!.emptyBatchValue)
  t.notOk(influxqlInfo('mean')!.emptyBatchValue)
  t.same(influxqlInfo('count')!.fieldTypes, ['float', 'int', 'string', 'bool'])
  t.same(influxqlInfo('mean')!.fieldTypes, ['float', 'int'])
  t.equal(influxqlInfo('max')!.kind, 'selector')
  t.equal(influxqlInfo('top')!.fieldArg, 1)
  t.equal(influxqlInfo('elapsed')!.kind, 'transform')
  t.equal(influxqlInfo('nope'), undefined)
})
