/**
 * union(): a low-watermark merge of its parents in time order. Kapacitor's
 * TestStream_Union_Stepped restated with steps (points are released up to each step's
 * time and the endpoint is read in between), a barrier advancing a silent parent, the
 * drain at task stop, rename, and type chaos.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Point } from '../../src/model/point.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { parseSrpl, recordedPoints, startStream, ZERO_NS, type StreamRun, lp, type Series } from '../fixtures/stream-harness.js'

const SEC = 1_000_000_000n
const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/stream')

function series(run: StreamRun, endpoint = 'out'): Series[] {
  const s = (run.output(endpoint) as { series: Series[] | null }).series ?? []
  return [...s].sort((a, b) => JSON.stringify(a.tags ?? {}).localeCompare(JSON.stringify(b.tags ?? {})))
}

function nodeName(run: StreamRun, type: string): string {
  const name = Object.keys(run.execution.stats()['node-stats']).find((n) => n.replace(/\d+$/, '') === type)
  if (name === undefined) throw new Error(`no ${type} node`)
  return name
}

/** What Kapacitor does when a task's input ends (before it is stopped): joins and unions flush. */
function finish(run: StreamRun, type: string): void {
  run.execution.cell(nodeName(run, type))!.runtime.stop!()
}

const row = (cpu: string, sec: number, value: number): Series =>
  ({ name: 'cpu_all', tags: { cpu }, columns: ['time', 'value'], values: [[`1971-01-01T00:00:${String(sec).padStart(2, '0')}Z`, value]] })

t.test("Kapacitor's TestStream_Union_Stepped: output advances with the slowest parent", async (t) => {
  const run = startStream(`
var cpuT = stream
	|from()
		.measurement('cpu')
		.where(lambda: "cpu" == 'total')
var cpu0 = stream
	|from()
		.measurement('cpu')
		.where(lambda: "cpu" == '0')
var cpu1 = stream
	|from()
		.measurement('cpu')
		.where(lambda: "cpu" == '1')

cpuT
	|union(cpu0, cpu1)
		.rename('cpu_all')
	|groupBy('cpu')
	|httpOut('TestStream_Union_Stepped')
`)
  const points = recordedPoints(parseSrpl(readFileSync(join(fixtures, 'TestStream_Union/input.srpl'), 'utf8')))
  let next = 0
  const stepTo = (sec: bigint): void => {
    const limit = ZERO_NS + sec * SEC
    const batch: Point[] = []
    while (next < points.length && points[next]!.time <= limit) batch.push(points[next++]!)
    run.write(batch)
  }
  const out = (): Series[] => series(run, 'TestStream_Union_Stepped')
  stepTo(1n)
  t.same(out(), [], '1 s: the total parent has shown nothing yet')
  stepTo(3n)
  t.same(out(), [row('0', 1, 98), row('1', 2, 92), row('total', 2, 92)], '3 s')
  stepTo(6n)
  t.same(out(), [row('0', 5, 92), row('1', 5, 92), row('total', 4, 93)], '6 s')
  stepTo(15n)
  t.same(out(), [row('0', 11, 96), row('1', 9, 93), row('total', 11, 96)], '15 s')
  finish(run, 'union')
  t.same(out(), [row('0', 12, 95), row('1', 12, 95), row('total', 11, 96)], 'the end of the input drains the buffers')
  run.stop()
})

t.test('a barrier counts as its parent having advanced', async (t) => {
  const sched = new ManualScheduler(ZERO_NS + 100n * SEC)
  const run = startStream(`
var a = stream|from().measurement('a')
var b = stream|from().measurement('b')|barrier().idle(1s)
a|union(b)|httpOut('out')`, { scheduler: sched, clock: sched.clock })
  run.write(lp('b value=0 31536000\n'))
  for (let i = 1; i <= 5; i++) run.write(lp(`a value=${i} ${31536000 + i}\n`))
  t.same(series(run)[0]!.values, [['1971-01-01T00:00:00Z', 0]], 'a waits for b')
  sched.advance(1_000)
  t.same(series(run)[0]!.values, [['1971-01-01T00:00:05Z', 5]], "b's barrier (at wall time 101 s) lets a through")
  run.stop()
})

t.test('without rename the names are kept; stop drains what is buffered', async (t) => {
  const run = startStream(`
var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|union(b)|window().periodCount(10).everyCount(1)|httpOut('out')`)
  run.write(lp('a value=1 31536000\nb value=2 31536001\na value=3 31536002\n'))
  const names = (): unknown[] => series(run)[0]!.values.map((v) => v[1])
  t.same(names(), [1, 2], 'a at 2 s waits for b')
  const unionName = nodeName(run, 'union')
  run.stop()
  t.equal(run.execution.stats()['node-stats'][unionName]!['emitted'], 3, 'stopping emitted the last point')
})

t.test('type chaos: union does not read fields; the clean series is unchanged', async (t) => {
  const script = `
var clean = stream|from().measurement('m').where(lambda: "host" == 'clean').groupBy('host')
var chaos = stream|from().measurement('m').where(lambda: "host" == 'chaos').groupBy('host')
clean|union(chaos)|window().periodCount(100).everyCount(1)|httpOut('out')`
  const values = ['20i', '30.5', '"str"', 'true', null]
  let clean = ''
  let both = ''
  for (let i = 0; i < 10; i++) {
    const line = `m,host=clean value=${i}.5 ${31536000 + i}\n`
    clean += line
    both += line
    const v = values[i % values.length]
    both += v === null ? `m,host=chaos other=1 ${31536000 + i}\n` : `m,host=chaos value=${v} ${31536000 + i}\n`
  }
  // the clean parent alone would wait for the silent one: flush both runs at the end
  const alone = startStream(script)
  alone.write(lp(clean))
  finish(alone, 'union')
  const mixed = startStream(script)
  mixed.write(lp(both))
  finish(mixed, 'union')
  t.equal(mixed.execution.executing, true)
  t.equal(mixed.execution.stats()['node-stats'][nodeName(mixed, 'union')]!['errors'], 0)
  t.same(series(mixed).filter((s) => s.tags?.['host'] === 'clean'), series(alone))
  const c = series(mixed).find((s) => s.tags?.['host'] === 'chaos')!
  t.same(c.values.map((v) => v[c.columns.indexOf('value')]), [20, 30.5, 'str', true, null, 20, 30.5, 'str', true, null])
  alone.stop()
  mixed.stop()
})
