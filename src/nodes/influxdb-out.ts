import { defineNode, duration, durationNs, flag, int, isSet, lastArg, param, prop, string, stringOf, NS } from './define-node.js'
import { INFLUXDB_OUT_PRECISIONS, InfluxDBOutRuntime } from './influxdb-out-runtime.js'

export const influxDBOutNode = defineNode({
  name: 'influxDBOut', desc: 'influxdb_out', wants: 'any', provides: 'none',
  doc: 'Writes the data to InfluxDB (buffered).',
  // points_dropped is counted too (ctx.counter); the list stays Kapacitor's
  stats: ['points_written', 'write_errors', 'points_dropped'],
  properties: {
    cluster: prop(string(), { default: '' }),
    database: prop(string(), { default: '', doc: 'Default: the point\'s own database.' }),
    retentionPolicy: prop(string(), { default: '', doc: 'Default: the point\'s own retention policy.' }),
    measurement: prop(string(), { default: '', doc: 'Default: the data\'s name.' }),
    writeConsistency: prop(string(), { default: '', doc: 'any, one, quorum or all (default: the cluster\'s).' }),
    precision: prop(string(), { default: '', doc: 'Write precision (ns, u, ms, s, m, h).' }),
    buffer: prop(int(), { default: 1000n, doc: 'Points buffered before a write.' }),
    flushInterval: prop(duration(), { default: 10n * NS.s, doc: 'Longest time points stay buffered.' }),
    tag: prop([param('key', string()), param('value', string())], { repeat: 'append', doc: 'Static tag added to every point.' }),
    create: flag({ doc: 'Create the database and retention policy at start.' }),
  },
  validate(n, report) {
    const precision = stringOf(lastArg(n, 'precision'))
    if (precision !== undefined && INFLUXDB_OUT_PRECISIONS[precision] === undefined) {
      report(`invalid precision ${JSON.stringify(precision)}: must be one of ns, u, ms, s, m, h`, n.props.get('precision')?.at(-1)?.loc)
    }
    const buffer = lastArg(n, 'buffer')
    if (isSet(n, 'buffer') && buffer?.type === 'int' && buffer.value <= 0n) report('buffer must be greater than zero', n.props.get('buffer')?.at(-1)?.loc)
    if (isSet(n, 'flushInterval') && durationNs(lastArg(n, 'flushInterval')) <= 0n) report('flushInterval must be greater than zero', n.props.get('flushInterval')?.at(-1)?.loc)
  },
  create: (node, ctx) => new InfluxDBOutRuntime(node, ctx),
})
