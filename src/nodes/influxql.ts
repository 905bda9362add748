/**
 * The InfluxQL function nodes (`count`, `mean`, `top`, …). They differ only in their
 * arguments, accepted field types and output edge, so one factory builds them; each
 * still has its own declaration entry.
 */
import { defineNode, duration, flag, int, float, param, prop, string, variadic, type NodeSpec, type Param, type Provides } from './define-node.js'
import { InfluxQLRuntime } from './influxql-runtime.js'

export type FieldType = 'float' | 'int' | 'string' | 'bool'
export type InfluxQLKind = 'aggregate' | 'selector' | 'transform'

const ALL: readonly FieldType[] = ['float', 'int', 'string', 'bool']
const NUM: readonly FieldType[] = ['float', 'int']

/** Extra data the executor and checker read for InfluxQL nodes. */
export interface InfluxQLInfo {
  readonly kind: InfluxQLKind
  readonly fieldTypes: readonly FieldType[]
  /** index of the field-name argument */
  readonly fieldArg: number
  /** an empty batch still yields a value (count, sum ⇒ 0) */
  readonly emptyBatchValue: boolean
  /** the result carries the points' own times whatever `.usePointTimes()` says (holtWinters) */
  readonly alwaysPointTimes: boolean
}

const infoByName = new Map<string, InfluxQLInfo>()

export function influxqlInfo(name: string): InfluxQLInfo | undefined {
  return infoByName.get(name)
}

function influxqlFunction(o: {
  name: string; doc: string; kind: InfluxQLKind; provides: Provides; fieldTypes: readonly FieldType[]
  args?: readonly Param[]; fieldArg?: number; emptyBatchValue?: boolean
  /** Kapacitor's method name when it differs (holtWintersWithFit is created as `holtWinters`) */
  method?: string; alwaysPointTimes?: boolean
}): NodeSpec {
  const method = o.method ?? o.name
  const info: InfluxQLInfo = {
    kind: o.kind, fieldTypes: o.fieldTypes, fieldArg: o.fieldArg ?? 0, emptyBatchValue: o.emptyBatchValue ?? false,
    alwaysPointTimes: o.alwaysPointTimes ?? false,
  }
  infoByName.set(o.name, info)
  return defineNode({
    name: o.name, desc: method, wants: 'any', provides: o.provides, doc: o.doc,
    args: o.args ?? [param('field', string())],
    properties: {
      // InfluxQLNode.As defaults to the method name
      as: prop(string(), { default: method, doc: 'Name of the result field.' }),
      // a property of every InfluxQLNode; only selectors are affected by it. Kapacitor's
      // holtWinters() sets PointTimes = true ("Always use point times for Holt Winters").
      usePointTimes: o.alwaysPointTimes
        ? { ...flag({ doc: 'Always true: Holt-Winters always uses the points\' times.' }), default: true }
        : flag({ doc: 'Use the selected point\'s time instead of the batch time (selectors only).' }),
    },
    create: (node, ctx) => new InfluxQLRuntime(node, ctx, info),
  })
}

export const countNode = influxqlFunction({ name: 'count', kind: 'aggregate', provides: 'stream', fieldTypes: ALL, emptyBatchValue: true, doc: 'Number of values.' })
export const sumNode = influxqlFunction({ name: 'sum', kind: 'aggregate', provides: 'stream', fieldTypes: NUM, emptyBatchValue: true, doc: 'Sum of the values.' })
export const meanNode = influxqlFunction({ name: 'mean', kind: 'aggregate', provides: 'stream', fieldTypes: NUM, doc: 'Mean of the values.' })
export const medianNode = influxqlFunction({ name: 'median', kind: 'aggregate', provides: 'stream', fieldTypes: NUM, doc: 'Median of the values.' })
export const modeNode = influxqlFunction({ name: 'mode', kind: 'aggregate', provides: 'stream', fieldTypes: NUM, doc: 'Most frequent value.' })
export const spreadNode = influxqlFunction({ name: 'spread', kind: 'aggregate', provides: 'stream', fieldTypes: NUM, doc: 'Max minus min.' })
export const stddevNode = influxqlFunction({ name: 'stddev', kind: 'aggregate', provides: 'stream', fieldTypes: NUM, doc: 'Standard deviation.' })
export const firstNode = influxqlFunction({ name: 'first', kind: 'selector', provides: 'stream', fieldTypes: ALL, doc: 'First point.' })
export const lastNode = influxqlFunction({ name: 'last', kind: 'selector', provides: 'stream', fieldTypes: ALL, doc: 'Last point.' })
export const minNode = influxqlFunction({ name: 'min', kind: 'selector', provides: 'stream', fieldTypes: NUM, doc: 'Point with the minimum value.' })
export const maxNode = influxqlFunction({ name: 'max', kind: 'selector', provides: 'stream', fieldTypes: NUM, doc: 'Point with the maximum value.' })
export const percentileNode = influxqlFunction({
  name: 'percentile', kind: 'selector', provides: 'stream', fieldTypes: NUM, doc: 'Point at the given percentile (0–100).',
  args: [param('field', string()), param('percentile', float())],
})
export const distinctNode = influxqlFunction({ name: 'distinct', kind: 'aggregate', provides: 'batch', fieldTypes: ALL, doc: 'One row per distinct value.' })
export const topNode = influxqlFunction({
  name: 'top', kind: 'selector', provides: 'batch', fieldTypes: NUM, fieldArg: 1, doc: 'The n points with the largest values.',
  args: [param('num', int()), param('field', string()), variadic(string(), 'fieldsAndTags')],
})
export const bottomNode = influxqlFunction({
  name: 'bottom', kind: 'selector', provides: 'batch', fieldTypes: NUM, fieldArg: 1, doc: 'The n points with the smallest values.',
  args: [param('num', int()), param('field', string()), variadic(string(), 'fieldsAndTags')],
})
export const elapsedNode = influxqlFunction({
  name: 'elapsed', kind: 'transform', provides: 'same', fieldTypes: ALL, doc: 'Time between consecutive points, in units.',
  args: [param('field', string()), param('unit', duration())],
})
export const differenceNode = influxqlFunction({ name: 'difference', kind: 'transform', provides: 'same', fieldTypes: NUM, doc: 'Difference between consecutive values.' })
export const movingAverageNode = influxqlFunction({
  name: 'movingAverage', kind: 'transform', provides: 'same', fieldTypes: NUM, doc: 'Mean of the last n values.',
  args: [param('field', string()), param('window', int())],
})
export const cumulativeSumNode = influxqlFunction({ name: 'cumulativeSum', kind: 'transform', provides: 'same', fieldTypes: NUM, doc: 'Running sum.' })
export const holtWintersNode = influxqlFunction({
  name: 'holtWinters', alwaysPointTimes: true, kind: 'transform', provides: 'batch', fieldTypes: NUM, doc: 'Holt-Winters forecast of h points.',
  args: [param('field', string()), param('h', int()), param('m', int()), param('interval', duration())],
})
export const holtWintersWithFitNode = influxqlFunction({
  name: 'holtWintersWithFit', method: 'holtWinters', alwaysPointTimes: true, kind: 'transform', provides: 'batch', fieldTypes: NUM, doc: 'Holt-Winters forecast plus the fitted points.',
  args: [param('field', string()), param('h', int()), param('m', int()), param('interval', duration())],
})

export const INFLUXQL_NODES: readonly NodeSpec[] = [
  countNode, sumNode, meanNode, medianNode, modeNode, spreadNode, stddevNode, firstNode, lastNode, minNode, maxNode,
  percentileNode, distinctNode, topNode, bottomNode, elapsedNode, differenceNode, movingAverageNode, cumulativeSumNode,
  holtWintersNode, holtWintersWithFitNode,
]
