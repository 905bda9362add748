/**
 * Type chaos through from/where/window/httpOut: one group's field flips int → float →
 * string → bool → missing while another group sends clean floats. The task keeps
 * executing, the where node counts exactly the points it could not evaluate, and the
 * clean group's output is what it is when it runs alone.
 */
import t from 'tap'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import { startStream } from '../fixtures/stream-harness.js'

const SCRIPT = `stream
  |from().measurement('m').groupBy('host')
  |where(lambda: "value" > 10)
  |window().period(5s).every(5s)
  |httpOut('out')
`

function points(text: string): ReturnType<typeof parseLineProtocol>['points'] {
  const { points, errors } = parseLineProtocol(Buffer.from(text), { db: 'dbname', rp: 'rpname', precision: 's', now: 0n })
  if (errors.length > 0) throw new Error(errors[0]!.reason)
  return points
}

const chaosValues = ['20i', '30.5', '"str"', 'true', null]

function clean(): string {
  let s = ''
  for (let i = 0; i < 11; i++) s += `m,host=clean value=${i * 3}.5 ${i}\n`
  return s
}

function mixed(): string {
  let s = ''
  for (let i = 0; i < 11; i++) {
    s += `m,host=clean value=${i * 3}.5 ${i}\n`
    const v = chaosValues[i % chaosValues.length]
    s += v === null ? `m,host=chaos other=1 ${i}\n` : `m,host=chaos value=${v} ${i}\n`
  }
  return s
}

t.test('bad types are counted on the node and do not touch other groups', async (t) => {
  const alone = startStream(SCRIPT)
  alone.write(points(clean()))
  const expectedClean = (alone.output('out') as { series: unknown[] }).series
  alone.stop()

  const run = startStream(SCRIPT)
  run.write(points(mixed()))
  t.equal(run.execution.executing, true)
  const stats = run.execution.stats()['node-stats']
  // chaos: 11 points, i%5 = 2 (string), 3 (bool), 4 (missing) fail → i = 2,3,4,7,8,9
  t.equal(stats['where2']!['errors'], 6)
  t.equal(stats['from1']!['errors'], 0)
  const out = run.output('out') as { series: Array<{ tags: Record<string, string>; values: unknown[][] }> }
  const cleanSeries = out.series.filter((s) => s.tags['host'] === 'clean')
  t.same(cleanSeries, expectedClean)
  const chaos = out.series.find((s) => s.tags['host'] === 'chaos')!
  t.same(chaos.values.map((v) => v[1]), [20, 30.5], 'the chaos group still gets its good points (int and float)')
  run.stop()
})
