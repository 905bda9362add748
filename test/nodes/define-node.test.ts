/** The spec builders: property shorthand, flags, argument checking, JSON descriptions. */
import t from 'tap'
import {
  defineNode, duration, flag, prop, string, int, float, variadic, optional, param, oneOf, enumOf, lambda,
  checkArgs, nodeJSON, typeName, COMMON_PROPERTIES, nodeSpec, NODE_SPECS, NS,
} from '../../src/nodes/index.js'
import { dur, f, i, s } from './helpers.js'

t.test('defineNode normalizes properties', async (t) => {
  const n = defineNode({
    name: 'demo', wants: 'stream', provides: 'batch', doc: 'demo',
    args: [string()],
    properties: { period: duration(), align: flag(), unit: prop(duration(), { default: NS.s }), tag: prop([string(), string()], { repeat: 'append' }) },
  })
  t.equal(n.desc, 'demo')
  t.equal(n.chainable, true)
  t.same(n.properties.period, { name: 'period', params: [{ name: 'value', type: { kind: 'duration' }, optional: false, variadic: false }], flag: false, repeat: 'replace', doc: '' })
  t.same([n.properties.align!.flag, n.properties.align!.default, n.properties.align!.params.length], [true, false, 0])
  t.equal(n.properties.unit!.default, NS.s)
  t.same(n.properties.tag!.params.map((p) => p.name), ['arg0', 'arg1'])
  t.equal(n.args[0]!.name, 'value')
  t.throws(() => defineNode({ name: 'bad', wants: 'any', provides: 'same', doc: 'x', properties: { quiet: flag() } }), /common/)
  t.ok(COMMON_PROPERTIES.quiet)
  t.equal(defineNode({ name: 'sink', wants: 'any', provides: 'none', doc: 'x' }).chainable, false)
})

t.test('typeName', async (t) => {
  t.equal(typeName(oneOf(string(), int())), 'string|int')
  t.equal(typeName(enumOf(['a', 'b'], { orNumber: true })), "'a'|'b'|number")
  t.equal(typeName({ kind: 'list', of: { kind: 'string' } }), '[string]')
})

t.test('checkArgs', async (t) => {
  t.equal(checkArgs([param('a', string())], [s('x')]), undefined)
  t.equal(checkArgs([param('a', string())], []), 'want 1 argument, got 0')
  t.equal(checkArgs([param('a', string()), optional(string())], [s('x'), s('y'), s('z')]), 'want 1 or 2 arguments, got 3')
  t.equal(checkArgs([param('a', float()), variadic(lambda())], []), 'want at least 1 arguments, got 0')
  t.equal(checkArgs([param('low', float()), param('high', float())], [f(0.1), s('x')]), 'argument 2 (high): want float, got string')
  t.equal(checkArgs([param('low', float())], [i(1)]), undefined, 'int accepted as float')
  t.equal(checkArgs(nodeSpec('groupBy')!.args, [s('a'), s('b')]), undefined)
  t.equal(checkArgs(nodeSpec('sample')!.args, [dur(NS.s)]), undefined)
  t.equal(checkArgs(nodeSpec('deadman')!.args, [f(100), dur(10n * NS.s)]), undefined)
  t.equal(checkArgs(nodeSpec('deadman')!.args, [dur(10n * NS.s), f(100)]), 'argument 1 (threshold): want float, got duration')
})

t.test('nodeJSON is JSON-safe for every node type', async (t) => {
  for (const spec of NODE_SPECS) t.doesNotThrow(() => JSON.stringify(nodeJSON(spec)), spec.name)
  const w = nodeJSON(nodeSpec('influxDBOut')!)
  t.equal(w.properties.find((p) => p.name === 'flushInterval')!.default, '10000000000ns')
  t.equal(w.properties.find((p) => p.name === 'buffer')!.default, 1000)
  const a = nodeJSON(nodeSpec('alert')!)
  t.equal(a.handlers.length, 25)
  t.equal(a.handlers.find((h) => h.name === 'email')!.kind, 'smtp')
})
