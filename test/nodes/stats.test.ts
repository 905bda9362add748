/**
 * stats(interval): on the wall clock (a ManualScheduler here, so nothing sleeps), one
 * `stats` point per group of the watched node with its cumulative `emitted` count.
 */
import t from 'tap'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { startStream, type StreamRun } from '../fixtures/stream-harness.js'

const S = 1_000_000_000n

function write(r: StreamRun, lp: string): void {
  r.write(parseLineProtocol(Buffer.from(lp), { db: 'dbname', rp: 'rpname', precision: 'ns', now: 0n }).points)
}

function start(script: string, startNs = 0n): { r: StreamRun; s: ManualScheduler } {
  const s = new ManualScheduler(startNs)
  const r = startStream(script, { scheduler: s, clock: s.clock })
  t.teardown(() => r.stop())
  return { r, s }
}

const time = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString().replace('.000Z', 'Z')

t.test('every interval: per group of the watched node, its cumulative emitted count; nil group 0 before any data', async (t) => {
  const { r, s } = start(`
var data = stream|from().measurement('cpu').groupBy('host')
data|stats(10s)|httpOut('stats')
`)
  t.same(r.output('stats'), { series: null }, 'nothing before the first tick')
  s.advance(10_000)
  t.same(r.output('stats'), { series: [{ name: 'stats', columns: ['time', 'emitted'], values: [[time(10n * S), 0]] }] })
  write(r, 'cpu,host=a v=1 1\ncpu,host=b v=1 2\ncpu,host=a v=1 3\n')
  s.advance(10_000)
  const out = r.output('stats') as { series: unknown[] }
  t.same(out.series.slice(1), [
    { name: 'stats', tags: { host: 'a' }, columns: ['time', 'emitted'], values: [[time(20n * S), 2]] },
    { name: 'stats', tags: { host: 'b' }, columns: ['time', 'emitted'], values: [[time(20n * S), 1]] },
  ])
  write(r, 'cpu,host=a v=1 4\n')
  s.advance(10_000)
  t.same((r.output('stats') as { series: Array<{ values: unknown[][] }> }).series[1]!.values, [[time(30n * S), 3]], 'cumulative')
})

t.test('without align the ticks count from the start; with align they fall on multiples and the time is rounded', async (t) => {
  const script = (align: string): string => `stream|from().measurement('cpu')|stats(10s)${align}|httpOut('stats')`
  const plain = start(script(''), 3_500_000_000n)
  plain.s.advance(10_000)
  t.same((plain.r.output('stats') as { series: Array<{ values: unknown[][] }> }).series[0]!.values, [['1970-01-01T00:00:13.5Z', 0]])
  const aligned = start(script('.align()'), 3_500_000_000n)
  aligned.s.advance(6_499)
  t.same(aligned.r.output('stats'), { series: null }, 'waits for the next multiple of the interval')
  aligned.s.advance(1)
  t.same((aligned.r.output('stats') as { series: Array<{ values: unknown[][] }> }).series[0]!.values, [['1970-01-01T00:00:10Z', 0]])
  aligned.s.advance(10_000)
  t.same((aligned.r.output('stats') as { series: Array<{ values: unknown[][] }> }).series[0]!.values, [['1970-01-01T00:00:20Z', 0]])
})

t.test('watching the stream root: what it forwarded, as the nil group', async (t) => {
  const { r, s } = start(`stream|stats(1s)|httpOut('stats')`)
  write(r, 'cpu v=1 1\nmem v=1 2\n')
  s.advance(1_000)
  t.same((r.output('stats') as { series: Array<{ values: unknown[][] }> }).series[0]!.values, [['1970-01-01T00:00:01Z', 2]])
})

t.test('no stats after the task stops', async (t) => {
  const { r, s } = start(`stream|from().measurement('cpu')|stats(1s)|httpOut('stats')`)
  s.advance(1_000)
  const name = r.execution.pipeline.nodes.find((n) => n.type === 'stats')!.name
  t.equal(r.execution.cell(name)!.emitted, 1)
  r.stop()
  s.advance(5_000)
  t.equal(r.execution.cell(name)!.emitted, 1)
})

t.test('type chaos: errors in the watched pipeline leave the clean group\'s counts exact', async (t) => {
  const script = `
var data = stream|from().measurement('m').groupBy('g')|where(lambda: "v" > 0)
data|stats(10s)|httpOut('stats')
`
  const clean = ['m,g=ok v=1 0', 'm,g=ok v=2 1', 'm,g=ok v=3 2', 'm,g=ok v=4 3', 'm,g=ok v=5 4']
  const chaos = ['m,g=bad v=1i 0', 'm,g=bad v=2.5 1', 'm,g=bad v="s" 2', 'm,g=bad v=true 3', 'm,g=bad other=1 4']
  const okSeries = (r: StreamRun): unknown => (r.output('stats') as { series: Array<{ tags?: Record<string, string> }> }).series.filter((x) => x.tags?.['g'] === 'ok')
  const alone = start(script)
  write(alone.r, clean.join('\n') + '\n')
  alone.s.advance(10_000)
  const both = start(script)
  for (let i = 0; i < clean.length; i++) write(both.r, `${chaos[i]}\n${clean[i]}\n`)
  both.s.advance(10_000)
  t.ok(both.r.execution.executing)
  t.same(okSeries(both.r), okSeries(alone.r))
  const stats = both.r.execution.stats()['node-stats']
  const where = both.r.execution.pipeline.nodes.find((n) => n.type === 'where')!.name
  const statsNode = both.r.execution.pipeline.nodes.find((n) => n.type === 'stats')!.name
  t.equal(stats[where]!.errors, 3, 'the string, bool and missing values are where errors')
  t.equal(stats[statsNode]!.errors, 0)
})

t.test('deadman\'s chain: aligned stats | derivative gives the per-interval rate of each group', async (t) => {
  const { r, s } = start(`
var data = stream|from().measurement('cpu').groupBy('host')
data|stats(10s).align()|derivative('emitted').unit(10s).nonNegative()|httpOut('rate')
`)
  write(r, 'cpu,host=a v=1 1\ncpu,host=a v=1 2\n')
  s.advance(10_000)
  write(r, 'cpu,host=a v=1 3\ncpu,host=a v=1 4\ncpu,host=a v=1 5\n')
  s.advance(10_000)
  t.same(r.output('rate'), { series: [{ name: 'stats', tags: { host: 'a' }, columns: ['time', 'emitted'], values: [['1970-01-01T00:00:20Z', 3]] }] })
  s.advance(10_000)
  t.same((r.output('rate') as { series: Array<{ values: unknown[][] }> }).series[0]!.values, [['1970-01-01T00:00:30Z', 0]], 'no data: rate 0')
})
