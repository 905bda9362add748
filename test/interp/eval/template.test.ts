/** Templates: typed vars plus a vars map (Kapacitor's JSON format) yield a concrete pipeline. */
import t from 'tap'
import { definePipeline } from '../../../src/interp/eval/define.js'
import { pipelineJSON } from '../../../src/interp/eval/pipeline-def.js'
import { TickScriptError } from '../../../src/interp/errors.js'

const SCRIPT = `// Which measurement
var measurement string
// Where filter
var where_filter = lambda: TRUE
var field string
var warn lambda
var window = 5m
var groups = [*]
var limit float

stream
    |from()
        .measurement(measurement)
        .where(where_filter)
        .groupBy(groups)
    |window()
        .period(window)
        .every(window)
    |mean(field)
    |alert()
        .warn(warn)
        .crit(lambda: "mean" > limit)
`
const dbrps = [{ db: 'telegraf', rp: 'autogen' }]
const VARS = {
  measurement: { type: 'string', value: 'cpu' },
  field: { type: 'string', value: 'usage' },
  warn: { type: 'lambda', value: '"mean" > 80' },
  window: { type: 'duration', value: '1m' },
  groups: { type: 'list', value: [{ type: 'string', value: 'host' }] },
  limit: { type: 'float', value: 95 },
}

t.test('a typed-var script plus vars is a concrete pipeline', async (t) => {
  const d = definePipeline(SCRIPT, { dbrps, vars: VARS })
  const nodes = pipelineJSON(d.pipeline).nodes
  const props = (i: number) => nodes[i]!['properties'] as Record<string, unknown>
  t.equal(props(1)['measurement'], 'cpu')
  t.same(props(1)['where'], ['lambda: TRUE'])
  t.same(props(1)['groupBy'], ['host'], 'list var spread as the arguments')
  t.equal(props(2)['period'], '1m', 'untyped var overridden')
  t.same(nodes[3]!['args'], ['usage'])
  t.equal(props(4)['warn'], 'lambda: "mean" > 80', 'lambda var from its source text')
  t.equal(props(4)['crit'], 'lambda: "mean" > 95.0', 'var inlined in a lambda')
  t.same(d.vars['measurement'], { type: 'string', value: null, description: 'Which measurement' })
  t.same(d.vars['window'], { type: 'duration', value: '5m0s', description: '' })
  t.same(d.vars['where_filter'], { type: 'lambda', value: 'TRUE', description: 'Where filter' })
})

t.test('missing and mistyped vars are all reported', async (t) => {
  const e = t.throws(() => definePipeline(SCRIPT, { dbrps, vars: { measurement: { type: 'int', value: 1 }, window: { type: 'int', value: 5 } } })) as unknown as TickScriptError
  t.same(e.message.split('\n'), [
    'line 2 char 5: invalid type supplied for measurement, got int exp string',
    'line 5 char 5: missing value for var "field".',
    'line 6 char 5: missing value for var "warn".',
    'line 7 char 5: invalid type supplied for window, got int exp duration',
    'line 9 char 5: missing value for var "limit".',
  ])
})

t.test('var values: conversions and bad values', async (t) => {
  const d = definePipeline('var d duration\nvar i int\nvar r regex\nvar b bool\nstream|from().where(lambda: "h" =~ r AND b AND "n" > i).truncate(d)', {
    dbrps, vars: { d: { type: 'duration', value: '1m30s' }, i: { type: 'int', value: 3 }, r: { type: 'regex', value: '^a' }, b: { type: 'bool', value: true } },
  })
  const from = pipelineJSON(d.pipeline).nodes[1]!['properties'] as Record<string, unknown>
  t.equal(from['truncate'], '90s')
  t.same(from['where'], ['lambda: "h" =~ /^a/ AND TRUE AND "n" > 3'])
  t.throws(() => definePipeline('var i int\nstream|from()', { dbrps, vars: { i: { type: 'int', value: 'x' } } }), /line 1 char 5: invalid value supplied for i: want int, got "x"/)
  t.throws(() => definePipeline('var l lambda\nstream|from()', { dbrps, vars: { l: { type: 'lambda', value: '"a" >' } } }), /line 1 char 5: invalid lambda supplied for l/)
})

t.test('a template (no vars) is defined with zero values, listing its vars', async (t) => {
  const d = definePipeline(SCRIPT, { template: true })
  t.same(Object.keys(d.vars), ['measurement', 'where_filter', 'field', 'warn', 'window', 'groups', 'limit'])
  t.same(d.dbrps, [])
  const alert = pipelineJSON(d.pipeline).nodes[4]!['properties'] as Record<string, unknown>
  t.equal(alert['warn'], undefined, 'a lambda var without value leaves the property unset')
  t.equal(alert['crit'], 'lambda: "mean" > 0.0')
})
