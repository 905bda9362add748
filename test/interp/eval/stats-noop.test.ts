/**
 * Kapacitor's Stats() (pipeline/node.go): a stats node watching a node that has no children
 * at that moment links a `noop` child to it (next id, a DOT edge); a child of a node
 * providing no edge is refused only when the task starts.
 */
import t from 'tap'
import { checkAtStart, definePipeline } from '../../../src/interp/eval/define.js'
import { toDot } from '../../../src/interp/eval/pipeline-def.js'

const dbrps = [{ db: 'telegraf', rp: 'autogen' }]
const names = (src: string): string[] => definePipeline(src, { dbrps }).pipeline.nodes.map((n) => n.name)

t.test('the noop is added only when the watched node has no children at the stats call', async (t) => {
  t.same(names("var d = stream\n    |from()\nd\n    |httpOut('a')\nd\n    |stats(1s)\n    |httpOut('b')\n"),
    ['stream0', 'from1', 'http_out2', 'stats3', 'http_out4'], 'a child already there: no noop')
  t.same(names("var d = stream\n    |from()\nd\n    |stats(1s)\n    |httpOut('b')\nd\n    |httpOut('a')\n"),
    ['stream0', 'from1', 'stats2', 'noop3', 'http_out4', 'http_out5'], 'a child added later: the noop stays')
  t.same(names("var d = stream\n    |from()\nd\n    |deadman(1.0, 10s)\nd\n    |deadman(2.0, 10s)\n"),
    ['stream0', 'from1', 'stats2', 'noop3', 'derivative4', 'alert5', 'stats6', 'derivative7', 'alert8'], 'deadman: one noop for the first')
})

t.test('the noop is implicit, takes its parent edge and is drawn in DOT', async (t) => {
  const d = definePipeline("var d = stream\n    |from()\nd\n    |stats(1s)\n    |httpOut('b')\n", { dbrps })
  const noop = d.pipeline.nodes.find((n) => n.name === 'noop3')!
  t.equal(noop.type, 'noOp')
  t.equal(noop.implicit, true)
  t.equal(noop.input, 'stream')
  t.same(noop.parents, ['from1'])
  t.equal(toDot(d.pipeline, 't'), 'digraph t {\nstream0 -> from1;\nfrom1 -> noop3;\nstats2 -> http_out4;\n}')
  t.same(checkAtStart(d.pipeline), [])
})

t.test('stats on a childless influxDBOut: defined, refused at start as Kapacitor links the noop', async (t) => {
  const d = definePipeline("var d = stream\n    |from()\n    |influxDBOut()\n        .database('x')\nd\n    |stats(10s)\n    |httpOut('s')\n", { dbrps })
  t.same(d.pipeline.nodes.map((n) => n.name), ['stream0', 'from1', 'influxdb_out2', 'stats3', 'noop4', 'http_out5'])
  t.same(checkAtStart(d.pipeline), [{ line: 6, column: 6, message: 'cannot add child no edge expected: influxdb_out2:noedge -> noop4:noedge' }])
})
