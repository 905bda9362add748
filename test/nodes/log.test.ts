/**
 * log(): one JSON line per message through the task's logger, at the node's level, with
 * the data Kapacitor's log node prints; messages pass on unchanged. The task runs with a
 * pino logger writing into memory (the stream harness's logger is silent).
 */
import t from 'tap'
import { pino } from 'pino'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import { definePipeline } from '../../src/interp/eval/define.js'
import { Matcher } from '../../src/match/matcher.js'
import { fixedClock } from '../../src/model/clock.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { TaskExecution } from '../../src/pipeline/task-execution.js'

interface Run {
  readonly lines: Array<Record<string, unknown>>
  readonly execution: TaskExecution
  write(lp: string): void
  output(endpoint: string): unknown
}

function start(script: string, level = 'info'): Run {
  const lines: Array<Record<string, unknown>> = []
  const logger = pino({ level }, { write: (s: string) => { lines.push(JSON.parse(s) as Record<string, unknown>) } })
  const defined = definePipeline(script, { type: 'stream', dbrps: [{ db: 'dbname', rp: 'rpname' }] })
  const services = newTaskServices()
  const execution = new TaskExecution({ id: 'logtask', type: 'stream', dbrps: defined.dbrps, pipeline: defined.pipeline, logger, clock: fixedClock(0n), services })
  const matcher = new Matcher()
  matcher.add('logtask', execution.inputs())
  t.teardown(() => execution.stop())
  return {
    lines, execution,
    write: (lp) => matcher.write(parseLineProtocol(Buffer.from(lp), { db: 'dbname', rp: 'rpname', precision: 'ns', now: 0n }).points),
    output: (endpoint) => JSON.parse(services.httpOut.get('logtask', endpoint)!.render()),
  }
}

/** the node's lines (the task logs nothing else at these levels when all goes well) */
const logged = (r: Run): Array<Record<string, unknown>> => r.lines.filter((l) => l['node'] !== undefined && (l['msg'] === 'point' || l['msg'] === 'batch'))

t.test('a point: name, db, rp, group, dimensions, tags, fields (bigint as a number), RFC 3339 time; passes on', async (t) => {
  const r = start(`
stream
  |from().measurement('cpu').groupBy('host')
  |log().prefix('P1')
  |httpOut('out')
`)
  r.write('cpu,host=a,dc=x value=1.5,n=9007199254740993i,ok=true,s="x" 1000000001\n')
  const [l] = logged(r)
  t.match(l, { level: 30, task: 'logtask', node: 'log2', msg: 'point', prefix: 'P1' })
  t.same(l!['point'], {
    name: 'cpu', db: 'dbname', rp: 'rpname', group: 'host=a', dimension: ['host'],
    tag: { dc: 'x', host: 'a' },
    // beyond 2^53 an int is written as a string so that no digit is lost
    field: { value: 1.5, n: '9007199254740993', ok: true, s: 'x' },
    time: '1970-01-01T00:00:01.000000001Z',
  })
  t.same(r.output('out'), { series: [{ name: 'cpu', tags: { dc: 'x', host: 'a' }, columns: ['time', 'n', 'ok', 's', 'value'], values: [['1970-01-01T00:00:01.000000001Z', 9007199254740993, true, 'x', 1.5]] }] })
})

t.test('a batch: one line with its name, group, tags, time and points', async (t) => {
  const r = start(`
stream
  |from().measurement('cpu').groupBy('host')
  |window().period(2s).every(2s)
  |log().level('warn')
  |httpOut('out')
`)
  r.write('cpu,host=a value=1i 0\ncpu,host=a value=2i 1000000000\ncpu,host=a value=3i 2000000000\n')
  const ls = logged(r)
  t.equal(ls.length, 1)
  t.match(ls[0], { level: 40, msg: 'batch', prefix: '' })
  t.same(ls[0]!['batch'], {
    name: 'cpu', group: 'host=a', tag: { host: 'a' }, time: '1970-01-01T00:00:02Z',
    points: [
      { tag: { host: 'a' }, field: { value: 1 }, time: '1970-01-01T00:00:00Z' },
      { tag: { host: 'a' }, field: { value: 2 }, time: '1970-01-01T00:00:01Z' },
    ],
  })
  t.equal((r.output('out') as { series: Array<{ values: unknown[] }> }).series[0]!.values.length, 2)
})

t.test('levels map to pino levels; a level below the logger\'s prints nothing but still passes data on', async (t) => {
  const r = start(`
var s = stream|from().measurement('cpu')
s|log().level('DEBUG')|httpOut('debug')
s|log().level('error')
`, 'info')
  r.write('cpu value=1 0\n')
  t.same(logged(r).map((l) => l['level']), [50])
  t.equal((r.output('debug') as { series: unknown[] }).series.length, 1)
})

t.test('type chaos: every point is logged and passed on whatever its field types', async (t) => {
  const script = `
stream
  |from().measurement('m').groupBy('g')
  |log()
  |window().period(10s).every(10s)
  |httpOut('out')
`
  const clean = ['m,g=ok v=1 0', 'm,g=ok v=2 1', 'm,g=ok v=3 2', 'm,g=ok v=4 3', 'm,g=ok v=5 4', 'm,g=ok v=6 10000000000']
  const chaos = ['m,g=bad v=1i 0', 'm,g=bad v=2.5 1', 'm,g=bad v="s" 2', 'm,g=bad v=true 3', 'm,g=bad other=1 4', 'm,g=bad v=1 10000000000']
  const alone = start(script)
  alone.write(clean.join('\n') + '\n')
  const both = start(script)
  for (let i = 0; i < clean.length; i++) both.write(`${chaos[i]}\n${clean[i]}\n`)
  t.ok(both.execution.executing)
  const series = (r: Run, g: string): unknown => (r.output('out') as { series: Array<{ tags: Record<string, string> }> }).series.filter((s) => s.tags['g'] === g)
  t.same(series(both, 'ok'), series(alone, 'ok'))
  t.same(logged(both).filter((l) => (l['point'] as { tag: Record<string, string> }).tag['g'] === 'bad').map((l) => (l['point'] as { field: unknown }).field),
    [{ v: 1 }, { v: 2.5 }, { v: 's' }, { v: true }, { other: 1 }, { v: 1 }])
  t.equal(both.execution.stats()['node-stats']['log2']!.errors, 0)
})
