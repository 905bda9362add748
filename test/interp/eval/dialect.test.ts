/**
 * The design-doc dialect maps onto the same pipeline as its Kapacitor equivalent:
 * test/fixtures/tick-eval/<case>.tick vs <case>.kapacitor.tick (positions and the
 * evaluator's `implicit` marks left out).
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { definePipeline } from '../../../src/interp/eval/define.js'
import { toDot } from '../../../src/interp/eval/pipeline-def.js'
import { comparable, evalDir, fixtures } from './helpers.js'

const opts = { dbrps: [{ db: 'telegraf', rp: 'autogen' }] }

t.test('each design-doc script defines the pipeline of its Kapacitor equivalent', async (t) => {
  const pairs = fixtures(evalDir).filter((f) => f.name.endsWith('.kapacitor'))
  t.ok(pairs.length >= 4, `${pairs.length} pairs`)
  for (const k of pairs) {
    const base = k.name.slice(0, -'.kapacitor'.length)
    const design = readFileSync(`${evalDir}${base}.tick`, 'utf8')
    const a = definePipeline(design, opts)
    const b = definePipeline(k.source, opts)
    t.equal(a.type, b.type, `${base}: task type`)
    t.same(comparable(a.pipeline), comparable(b.pipeline), `${base}: same pipeline`)
    t.equal(toDot(a.pipeline, 'x'), toDot(b.pipeline, 'x'), `${base}: same DOT`)
  }
})

t.test('dialect details', async (t) => {
  const one = (s: string) => comparable(definePipeline(s, opts).pipeline)
  t.same(one('var w = stream.window(); w.period(10s); w.every(1s);'), one('stream|from()|window().period(10s).every(1s)'), 'property statements on a var')
  t.same(one('stream.groupby("dc")'), one("stream|from()|groupBy('dc')"), 'groupby = groupBy; "dc" is a name')
  t.same(one('stream.from().window().map(influxql.sum, "v")'), one("stream|from()|window()|sum('v')"), 'map(influxql.f, …)')
  t.same(one('stream.window().map(mean, "v").filter(!=, 0)'), one('stream|from()|window()|mean(\'v\')|where(lambda: "mean" != 0)'), 'filter compares the map result')
  t.same(one("stream.window().map(mean, 'v').as('m').filter(>, 1.5)"), one('stream|from()|window()|mean(\'v\').as(\'m\')|where(lambda: "m" > 1.5)'), 'filter follows .as()')
  t.same(one('stream.window().filter(<, 30)'), one('stream|from()|window()|where(lambda: "value" < 30)'), 'filter without a map compares "value"')
  const p = definePipeline('stream.window().parallelism(4)', opts).pipeline
  t.equal(p.nodes[2]!.props.get('parallelism')?.[0]?.args[0]?.type, 'int', 'parallelism recorded')
  t.ok(p.nodes[1]!.implicit, 'the from() of stream.window() is implicit')
  t.throws(() => definePipeline('stream|from()|groupBy("dc")', opts), /double quotes/, 'Kapacitor syntax keeps its double-quote check')
})

t.test('a bare .name reads a property value', async (t) => {
  const d = definePipeline("var w = stream|from()|window().period(10s)\nvar p = w.period\nvar e = w.every\nstream|from()|window().period(p).every(e)", opts)
  const win = d.pipeline.nodes.find((n) => n.name === 'window4')!
  t.same(win.props.get('period')?.[0]?.args[0], { type: 'duration', ns: 10_000_000_000n })
  t.same(win.props.get('every')?.[0]?.args[0], { type: 'duration', ns: 0n }, 'the default when never set')
})

t.test('[deadman] global appends deadman(threshold, interval) to the root', async (t) => {
  const d = definePipeline("stream\n    |from()\n        .measurement('cpu')", {
    ...opts, deadman: { id: "node 'NODE_NAME' in task '{{ .TaskName }}'", message: '{{ .ID }}: INTERVAL', global: true, threshold: 5, intervalNs: 60_000_000_000n },
  })
  t.equal(toDot(d.pipeline, 't'), 'digraph t {\nstream0 -> from1;\nstats2 -> derivative3;\nderivative3 -> alert4;\n}')
  const alert = d.pipeline.nodes[4]!
  t.equal(d.pipeline.nodes[2]!.watches, 'stream0')
  t.same(alert.props.get('id')?.[0]?.args[0], { type: 'string', value: "node 'stream0' in task '{{ .TaskName }}'" })
  t.same(alert.props.get('message')?.[0]?.args[0], { type: 'string', value: '{{ .ID }}: 1m0s' })
})
