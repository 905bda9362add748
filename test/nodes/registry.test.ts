/**
 * The registry: every node of the semantics reference §2 and §2.5 is declared once, with
 * Kapacitor's names, edges, properties and defaults (spot-checked against pipeline/*.go).
 */
import t from 'tap'
import {
  NODE_SPECS, DIALECT, COMMON_PROPERTIES, nodeSpec, chainingMethod, chainingMethodNames, chainingMethodsOn, canChain,
  outputEdge, acceptsEdge, propertyOf, handlerOf, handlerPropertyOf, suggest, suggestMember, typeName, editDistance, accepts, NS,
} from '../../src/nodes/index.js'

const SECTION_2 = [
  'stream', 'from', 'batch', 'query', 'queryFlux', 'window', 'groupBy', 'where', 'eval', 'default', 'delete',
  'derivative', 'shift', 'sample', 'changeDetect', 'stateDuration', 'stateCount', 'join', 'union', 'combine', 'flatten',
  'sideload', 'barrier', 'trickle', 'k8sAutoscale', 'swarmAutoscale', 'ec2Autoscale', 'stats', 'noOp', 'httpOut',
  'httpPost', 'influxDBOut', 'kapacitorLoopback', 'log', 'alert', 'deadman',
]
const SECTION_2_5 = [
  'count', 'sum', 'mean', 'median', 'mode', 'spread', 'stddev', 'first', 'last', 'min', 'max', 'percentile', 'distinct',
  'top', 'bottom', 'elapsed', 'difference', 'movingAverage', 'cumulativeSum', 'holtWinters', 'holtWintersWithFit',
]

t.test('every node of §2 and §2.5 is registered, exactly once', async (t) => {
  for (const name of [...SECTION_2, ...SECTION_2_5]) t.ok(nodeSpec(name), name)
  t.equal(NODE_SPECS.length, SECTION_2.length + SECTION_2_5.length)
  t.equal(new Set(NODE_SPECS.map((s) => s.name)).size, NODE_SPECS.length, 'no duplicate names')
})

t.test('chaining names: no duplicates, aliases deliberate', async (t) => {
  const names = chainingMethodNames()
  t.equal(new Set(names).size, names.length)
  t.equal(chainingMethod('groupby'), nodeSpec('groupBy'), 'groupby is an alias of groupBy')
  t.equal(chainingMethod('stream'), undefined, 'roots are not chaining methods')
  t.equal(chainingMethod('noOp'), undefined, 'internal nodes are not chaining methods')
  t.equal(chainingMethod('nope'), undefined)
})

t.test('desc names (DOT / stats prefixes)', async (t) => {
  const want: Record<string, string> = {
    stream: 'stream', from: 'from', window: 'window', mean: 'mean', alert: 'alert', influxDBOut: 'influxdb_out',
    httpOut: 'http_out', httpPost: 'http_post', groupBy: 'groupby', stateDuration: 'state_duration', stateCount: 'state_count',
    kapacitorLoopback: 'kapacitor_loopback', changeDetect: 'changeDetect', noOp: 'noop', k8sAutoscale: 'k8s_autoscale',
    movingAverage: 'movingAverage', deadman: 'alert', eval: 'eval', query: 'query', batch: 'batch',
  }
  for (const [name, desc] of Object.entries(want)) t.equal(nodeSpec(name)!.desc, desc, name)
})

t.test('wants/provides', async (t) => {
  const edges: Record<string, [string, string]> = {
    stream: ['none', 'stream'], batch: ['none', 'batch'], from: ['stream', 'stream'], query: ['batch', 'batch'],
    window: ['stream', 'batch'], trickle: ['batch', 'stream'], where: ['any', 'same'], join: ['any', 'same'],
    count: ['any', 'stream'], mean: ['any', 'stream'], percentile: ['any', 'stream'], distinct: ['any', 'batch'],
    top: ['any', 'batch'], holtWinters: ['any', 'batch'], elapsed: ['any', 'same'], movingAverage: ['any', 'same'],
    combine: ['any', 'stream'], influxDBOut: ['any', 'none'], kapacitorLoopback: ['any', 'none'], stats: ['any', 'stream'],
    k8sAutoscale: ['any', 'stream'], alert: ['any', 'same'], httpOut: ['any', 'same'],
  }
  for (const [name, [w, p]] of Object.entries(edges)) {
    const s = nodeSpec(name)!
    t.same([s.wants, s.provides], [w, p], name)
  }
  const window = nodeSpec('window')!, count = nodeSpec('count')!, trickle = nodeSpec('trickle')!
  t.equal(acceptsEdge(window, 'stream'), true)
  t.equal(acceptsEdge(window, 'batch'), false)
  t.equal(outputEdge(window, 'stream'), 'batch')
  t.equal(outputEdge(count, 'batch'), 'stream')
  t.equal(outputEdge(count, 'stream'), 'stream')
  t.equal(outputEdge(trickle, 'batch'), 'stream')
  t.equal(outputEdge(nodeSpec('where')!, 'batch'), 'batch')
  t.equal(outputEdge(nodeSpec('influxDBOut')!, 'stream'), null)
})

t.test('which chaining methods exist where', async (t) => {
  const stream = nodeSpec('stream')!, batch = nodeSpec('batch')!, from = nodeSpec('from')!
  const names = (p: string) => chainingMethodsOn(nodeSpec(p)!).map((s) => s.name).sort()
  t.same(names('stream'), ['deadman', 'from', 'stats'])
  t.same(names('batch'), ['deadman', 'query', 'queryFlux', 'stats'])
  t.ok(canChain(from, nodeSpec('from')!), 'from|from()')
  t.ok(canChain(from, nodeSpec('window')!))
  t.notOk(canChain(from, nodeSpec('query')!))
  t.notOk(canChain(stream, nodeSpec('window')!), 'stream|window() is not a method of stream')
  t.notOk(canChain(batch, nodeSpec('from')!))
  t.same(names('influxDBOut'), ['deadman', 'stats'], 'sinks only have stats and deadman')
  t.ok(canChain(nodeSpec('alert')!, nodeSpec('log')!), 'alert|log()')
  t.ok(canChain(nodeSpec('window')!, nodeSpec('stats')!))
})

t.test('common properties and the dialect', async (t) => {
  t.ok(COMMON_PROPERTIES.quiet?.flag)
  t.equal(COMMON_PROPERTIES.parallelism?.params[0]?.type.kind, 'int')
  for (const s of NODE_SPECS) {
    t.ok(propertyOf(s, 'quiet'), `${s.name}.quiet()`)
    t.ok(propertyOf(s, 'parallelism'), `${s.name}.parallelism()`)
  }
  t.same(DIALECT.aliases, { groupby: 'groupBy' })
  t.ok(DIALECT.map.functions.includes('mean'))
  t.equal(DIALECT.filter.becomes, 'where')
  t.ok(chainingMethod(DIALECT.filter.becomes))
  for (const r of DIALECT.implicitFrom.roots) t.ok(canChain(nodeSpec(r)!, nodeSpec(DIALECT.implicitFrom.source)!), `${r} has the implicit source`)
})

type Row = [node: string, prop: string, type: string, dflt?: unknown]
const PROPS: Row[] = [
  ['window', 'period', 'duration', 0n], ['window', 'every', 'duration', 0n], ['window', 'align', 'flag', false],
  ['window', 'fillPeriod', 'flag', false], ['window', 'periodCount', 'int', 0n], ['window', 'everyCount', 'int', 0n],
  ['from', 'database', 'string', ''], ['from', 'retentionPolicy', 'string', ''], ['from', 'measurement', 'string', ''],
  ['from', 'where', 'lambda'], ['from', 'groupBy', 'string|star'], ['from', 'groupByMeasurement', 'flag', false],
  ['from', 'truncate', 'duration', 0n], ['from', 'round', 'duration', 0n],
  ['query', 'period', 'duration'], ['query', 'every', 'duration'], ['query', 'cron', 'string'], ['query', 'offset', 'duration'],
  ['query', 'align', 'flag', false], ['query', 'alignGroup', 'flag', false], ['query', 'groupBy', 'time(duration)|string|star'],
  ['query', 'fill', "'null'|'none'|'previous'|'linear'|number"], ['query', 'cluster', 'string'], ['query', 'groupByMeasurement', 'flag'],
  ['join', 'as', 'string'], ['join', 'on', 'string'], ['join', 'delimiter', 'string', '.'], ['join', 'tolerance', 'duration', 0n],
  ['join', 'fill', "'none'|'null'|number", 'none'], ['join', 'streamName', 'string'], ['join', 'deleteAll', 'bool', false],
  ['alert', 'info', 'lambda'], ['alert', 'warn', 'lambda'], ['alert', 'crit', 'lambda'], ['alert', 'critReset', 'lambda'],
  ['alert', 'id', 'string', '{{ .Name }}:{{ .Group }}'], ['alert', 'message', 'string', '{{ .ID }} is {{ .Level }}'],
  ['alert', 'details', 'string', '{{ json . }}'], ['alert', 'history', 'int', 21n], ['alert', 'flapping', 'float,float'],
  ['alert', 'stateChangesOnly', 'duration'], ['alert', 'noRecoveries', 'flag'], ['alert', 'all', 'flag'], ['alert', 'topic', 'string'],
  ['alert', 'inhibit', 'string,string'], ['alert', 'durationField', 'string'],
  ['influxDBOut', 'database', 'string'], ['influxDBOut', 'retentionPolicy', 'string'], ['influxDBOut', 'measurement', 'string'],
  ['influxDBOut', 'buffer', 'int', 1000n], ['influxDBOut', 'flushInterval', 'duration', 10n * NS.s],
  ['influxDBOut', 'tag', 'string,string'], ['influxDBOut', 'create', 'flag', false], ['influxDBOut', 'precision', 'string', ''], ['influxDBOut', 'writeConsistency', 'string', ''],
  ['httpPost', 'endpoint', 'string'], ['httpPost', 'header', 'string,string'], ['httpPost', 'captureResponse', 'flag'],
  ['httpPost', 'timeout', 'duration', 0n], ['httpPost', 'codeField', 'string'],
  ['eval', 'as', 'string'], ['eval', 'tags', 'string'], ['eval', 'keep', 'string'],
  ['derivative', 'unit', 'duration', NS.s], ['derivative', 'nonNegative', 'flag', false], ['derivative', 'as', 'string'],
  ['barrier', 'idle', 'duration'], ['barrier', 'period', 'duration'], ['barrier', 'delete', 'bool', false],
  ['stateDuration', 'unit', 'duration', NS.s], ['stateDuration', 'as', 'string', 'state_duration'],
  ['stateCount', 'as', 'string', 'state_count'], ['combine', 'max', 'int', 1_000_000n], ['combine', 'delimiter', 'string', '.'],
  ['log', 'level', 'string', 'INFO'], ['log', 'prefix', 'string'], ['groupBy', 'exclude', 'string'], ['groupBy', 'byMeasurement', 'flag'],
  ['stats', 'align', 'flag'], ['union', 'rename', 'string'], ['flatten', 'dropOriginalFieldName', 'bool', false],
  ['kapacitorLoopback', 'database', 'string'], ['k8sAutoscale', 'min', 'int', 1n], ['k8sAutoscale', 'replicas', 'lambda'],
  ['k8sAutoscale', 'resourceNameTag', 'string', ''], ['swarmAutoscale', 'serviceNameTag', 'string', ''], ['k8sAutoscale', 'cluster', 'string', 'default'],
  ['ec2Autoscale', 'groupNameTag', 'string', ''], ['swarmAutoscale', 'cluster', 'string', ''], ['mean', 'as', 'string', 'mean'], ['max', 'usePointTimes', 'flag'], ['mean', 'usePointTimes', 'flag'],
  ['percentile', 'usePointTimes', 'flag'], ['sideload', 'source', 'string'], ['sideload', 'httpUser', 'string', ''], ['k8sAutoscale', 'resourceTag', 'string', 'resource'], ['k8sAutoscale', 'kind', 'string', 'deployments'], ['sideload', 'order', 'string'],
  ['default', 'field', 'string,float|int|string|bool'], ['delete', 'tag', 'string'],
]

t.test('property names, types and defaults match Kapacitor', async (t) => {
  for (const [node, name, type, dflt] of PROPS) {
    const p = nodeSpec(node)!.properties[name]
    if (!t.ok(p, `${node}.${name}`)) continue
    const got = p!.flag ? 'flag' : p!.params.map((x) => typeName(x.type)).join(',')
    t.equal(got, type, `${node}.${name} type`)
    if (dflt !== undefined) t.equal(p!.default, dflt, `${node}.${name} default`)
  }
})

t.test('chaining-call arguments', async (t) => {
  const sig = (n: string) => nodeSpec(n)!.args.map((p) => `${typeName(p.type)}${p.variadic ? '…' : p.optional ? '?' : ''}`).join(',')
  t.equal(sig('window'), '')
  t.equal(sig('httpOut'), 'string')
  t.equal(sig('where'), 'lambda')
  t.equal(sig('join'), 'node…')
  t.equal(sig('union'), 'node…')
  t.equal(sig('groupBy'), 'string|star|lambda…')
  t.equal(sig('eval'), 'lambda…')
  t.equal(sig('httpPost'), 'string…')
  t.equal(sig('sample'), 'int|duration')
  t.equal(sig('shift'), 'duration')
  t.equal(sig('query'), 'string')
  t.equal(sig('percentile'), 'string,float')
  t.equal(sig('top'), 'int,string,string…')
  t.equal(sig('elapsed'), 'string,duration')
  t.equal(sig('movingAverage'), 'string,int')
  t.equal(sig('holtWinters'), 'string,int,int,duration')
  t.equal(sig('deadman'), 'float,duration,lambda…')
  t.equal(sig('stats'), 'duration')
  t.equal(sig('changeDetect'), 'string…')
})

t.test('node-specific stats (the "Available Statistics" of pipeline/*.go)', async (t) => {
  const want: Record<string, string[]> = {
    influxDBOut: ['points_written', 'write_errors', 'points_dropped'], kapacitorLoopback: ['points_written'], eval: ['eval_errors'],
    default: ['fields_defaulted', 'tags_defaulted'], delete: ['fields_deleted', 'tags_deleted'],
    k8sAutoscale: ['increase_events', 'decrease_events', 'cooldown_drops'], window: [], where: [],
  }
  for (const [name, stats] of Object.entries(want)) t.same(nodeSpec(name)!.stats, stats, name)
  t.same(nodeSpec('query')!.stats.slice(0, 3), ['query_errors', 'batches_queried', 'points_queried'])
  for (const s of NODE_SPECS) for (const c of ['errors', 'avg_exec_time_ns', 'working_cardinality']) t.notOk(s.stats.includes(c), `${s.name}: ${c} is common`)
})

t.test('repeatable properties', async (t) => {
  t.equal(nodeSpec('from')!.properties.where!.repeat, 'append', 'from().where is ANDed')
  t.equal(nodeSpec('alert')!.properties.crit!.repeat, 'replace', 'a second .crit() replaces the first, as in Kapacitor')
  t.equal(nodeSpec('alert')!.properties.inhibit!.repeat, 'append')
  t.equal(nodeSpec('influxDBOut')!.properties.tag!.repeat, 'append')
  t.equal(nodeSpec('window')!.properties.period!.repeat, 'replace')
})

t.test('suggest', async (t) => {
  const window = nodeSpec('window')!
  t.equal(suggestMember(window, 'perod'), 'period')
  t.equal(suggestMember(window, 'fillperiod'), 'fillPeriod')
  t.equal(suggestMember(window, 'xyzzy'), undefined)
  t.equal(suggest('windw'), 'window')
  t.equal(suggest('influxdbOut'), 'influxDBOut')
  t.equal(suggest('mena'), 'mean')
  t.equal(suggest('zzzzzzzz'), undefined)
  t.equal(suggestMember(nodeSpec('alert')!, 'crt'), 'crit')
  t.equal(suggestMember(nodeSpec('alert')!, 'slak'), 'slack')
  t.equal(editDistance('kitten', 'sitting'), 3)
  t.equal(editDistance('ab', 'ba'), 1)
})

t.test("names match as Go does: first letter upper-cased", async (t) => {
  t.equal(chainingMethod('Window'), nodeSpec('window'))
  t.equal(propertyOf(nodeSpec('window')!, 'Period'), nodeSpec('window')!.properties.period)
  t.equal(propertyOf(nodeSpec('window')!, 'Quiet'), COMMON_PROPERTIES.quiet)
  const alert = nodeSpec('alert')!
  const pushover = handlerOf(alert, 'Pushover')!
  t.equal(pushover.name, 'pushover')
  t.equal(handlerPropertyOf(pushover, 'uRL'), pushover.properties.URL, 'the tick formatter writes .uRL()')
  t.equal(handlerPropertyOf(pushover, 'uRLTitle'), pushover.properties.URLTitle)
  t.equal(propertyOf(nodeSpec('window')!, 'PERIOD'), undefined)
})

t.test('accepts', async (t) => {
  t.ok(accepts({ kind: 'float' }, { type: 'int', value: 1n }), 'int where float wanted')
  t.notOk(accepts({ kind: 'int' }, { type: 'float', value: 1 }))
  const fill = nodeSpec('join')!.properties.fill!.params[0]!.type
  t.ok(accepts(fill, { type: 'string', value: 'null' }))
  t.ok(accepts(fill, { type: 'float', value: 0 }))
  t.notOk(accepts(fill, { type: 'string', value: 'linear' }))
  t.ok(accepts({ kind: 'list', of: { kind: 'string' } }, { type: 'list', items: [{ type: 'string', value: 'a' }] }))
})

t.test('every spec is well formed', async (t) => {
  for (const s of NODE_SPECS) {
    t.ok(s.doc.length > 0, `${s.name} has a doc`)
    t.ok(/^[a-z][a-zA-Z0-9_]*$/.test(s.desc), `${s.name} desc`)
    s.args.forEach((p, i) => {
      if (p.variadic) t.equal(i, s.args.length - 1, `${s.name}: variadic param last`)
    })
    for (const p of Object.values(s.properties)) {
      p.params.forEach((x, i) => { if (x.variadic) t.equal(i, p.params.length - 1, `${s.name}.${p.name}: variadic last`) })
      if (p.aliasOf) t.ok(s.properties[p.aliasOf], `${s.name}.${p.name} alias target`)
    }
    t.ok(Object.isFrozen(s), `${s.name} frozen`)
  }
  t.ok(nodeSpec('queryFlux')!.unsupported)
  t.same(NODE_SPECS.filter((s) => !s.dot).map((s) => s.name), ['batch'], 'only the batch root is left out of DOT')
})
