/**
 * The alert node: Kapacitor's TestStream_Alert* cases (the events their handlers receive,
 * here the sequence published to a MemoryAlertPublisher, plus httpOut after the alert
 * node — the golden folders test/fixtures/stream/TestStream_Alert*), the node's own
 * handlers, restored state after a restart, stats and type chaos.
 */
import t from 'tap'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MemoryAlertPublisher, type AlertEvent, type AlertHandler, type HandlerOptions, type EventState } from '../../src/alert/types.js'
import { newTaskServices, type TaskServices } from '../../src/pipeline/services.js'
import { TaskStartError } from '../../src/pipeline/task-execution.js'
import { loadGoldenCase, lp, startStream, ZERO_NS, type StreamRun } from '../fixtures/stream-harness.js'
import { COLLECT, nodeStats, typeChaos } from '../nodes/transform-harness.js'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/stream')
const s = (n: number): bigint => ZERO_NS + BigInt(n) * 1_000_000_000n
const SEC = 1_000_000_000n

interface Ran { run: StreamRun; pub: MemoryAlertPublisher; out: unknown }

/** Runs a golden folder's script and recording with a publisher; returns the events and the httpOut JSON. */
function golden(name: string, services: Partial<TaskServices> = {}): Ran {
  const c = loadGoldenCase(join(root, name), name)
  const pub = (services.alerts as MemoryAlertPublisher | undefined) ?? new MemoryAlertPublisher()
  const run = startStream(c.script, { services: newTaskServices({ ...services, alerts: pub }) })
  run.write(c.points)
  run.finish()
  const out = run.output(c.endpoint)
  return { run, pub, out }
}

/** The parts of an event Kapacitor's tests compare (compareAlertData), data as its JSON. */
function brief(e: AlertEvent): Record<string, unknown> {
  return {
    id: e.id, message: e.message, details: e.details, time: e.time, duration: e.duration, level: e.level,
    data: JSON.parse(JSON.stringify(e.data, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))),
  }
}

function row(name: string, tags: Record<string, string>, columns: string[], values: unknown[]): unknown {
  return [{ name, tags, columns, values: [values] }]
}

t.test('TestStream_Alert: id template with index .Tags, idTag/idField/levelTag/levelField, int count against float thresholds', async (t) => {
  const { run, pub, out } = golden('TestStream_Alert')
  t.equal(pub.events.length, 1)
  const e = pub.events[0]!
  t.same(brief(e), {
    id: 'kapacitor/cpu/serverA', message: 'kapacitor/cpu/serverA is CRITICAL', details: 'details', time: s(10), duration: 0n, level: 'CRITICAL',
    data: [{ name: 'cpu', tags: { host: 'serverA' }, columns: ['time', 'count'], values: [[Number(s(10)), 10]] }],
  })
  t.equal(e.topic, 'main:testStreamer:alert4', 'the anonymous topic of the node')
  t.equal(e.previousLevel, 'OK')
  t.equal(e.recoverable, true)
  t.same(e.tags, { host: 'serverA' }, 'a batch event carries the batch (group) tags')
  t.same((out as { series: unknown[] }).series.length, 1)
  const stats = nodeStats(run, 'alert4')
  t.equal(stats['alerts_triggered'], 1)
  t.equal(stats['crits_triggered'], 1)
  t.equal(stats['oks_triggered'], 0)
  run.stop()
})

t.test('TestStream_AlertDuration: durations of each episode, stateChangesOnly, durationField', async (t) => {
  const { run, pub } = golden('TestStream_AlertDuration')
  const rowOf = (sec: number, v: number): unknown => row('cpu', { host: 'serverA', type: 'idle' }, ['time', 'value'], [Number(s(sec)), v])
  const exp = (sec: number, dur: number, level: string, v: number): unknown => ({
    id: 'kapacitor/cpu/serverA', message: `kapacitor/cpu/serverA is ${level}`, details: 'details',
    time: s(sec), duration: BigInt(dur) * SEC, level, data: rowOf(sec, v),
  })
  t.same(pub.events.map(brief), [
    exp(0, 0, 'CRITICAL', 9), exp(2, 2, 'WARNING', 8), exp(4, 4, 'OK', 6), exp(5, 0, 'WARNING', 8), exp(8, 3, 'OK', 3),
  ])
  t.same(pub.events.map((e) => e.previousLevel), ['OK', 'CRITICAL', 'WARNING', 'OK', 'WARNING'])
  run.stop()
})

t.test('TestStream_AlertSigma: a stateful lambda upstream, details template sees .Message, nil group id', async (t) => {
  const { run, pub } = golden('TestStream_AlertSigma')
  const data = (sec: number, sigma: number, v: number): unknown =>
    row('cpu', { host: 'serverA', type: 'idle' }, ['time', 'sigma', 'value'], [Number(s(sec)), sigma, v])
  t.same(pub.events.map(brief), [
    { id: 'cpu:nil', message: 'cpu:nil is INFO', details: 'cpu:nil is INFO', time: s(7), duration: 0n, level: 'INFO', data: data(7, 2.469916402324427, 16) },
    { id: 'cpu:nil', message: 'cpu:nil is OK', details: 'cpu:nil is OK', time: s(8), duration: SEC, level: 'OK', data: data(8, 0.3053477916297622, 93.4) },
  ])
  run.stop()
})

t.test('TestStream_AlertComplexWhere: crit(TRUE) after a where with a stateful function', async (t) => {
  const { run, pub } = golden('TestStream_AlertComplexWhere')
  t.same(pub.events.map(brief), [{
    id: 'cpu:nil', message: 'cpu:nil is CRITICAL', details: '', time: s(7), duration: 0n, level: 'CRITICAL',
    data: row('cpu', { host: 'serverA', type: 'idle' }, ['time', 'value'], [Number(s(7)), 16]),
  }])
  run.stop()
})

t.test('TestStream_AlertStateChangesOnly: 4 points below 93, so 8 state changes', async (t) => {
  const { run, pub } = golden('TestStream_AlertStateChangesOnly')
  t.same(pub.events.map((e) => [e.level, Number((e.time - ZERO_NS) / SEC)]), [
    ['CRITICAL', 1], ['OK', 2], ['CRITICAL', 4], ['OK', 5], ['CRITICAL', 6], ['OK', 7], ['CRITICAL', 10], ['OK', 11],
  ])
  run.stop()
})

t.test('TestStream_AlertStateChangesOnlyExpired: a CRITICAL is repeated every 2 s, then one recovery', async (t) => {
  const { run, pub } = golden('TestStream_AlertStateChangesOnlyExpired')
  const got = pub.events.map((e) => ({ id: e.id, message: e.message, time: e.time, duration: e.duration, level: e.level }))
  const exp = []
  for (let rc = 1; rc < 6; rc++) exp.push({ id: 'cpu:nil', message: 'cpu:nil is CRITICAL', time: s(rc * 2 - 1), duration: BigInt(rc - 1) * 2n * SEC, level: 'CRITICAL' })
  exp.push({ id: 'cpu:nil', message: 'cpu:nil is OK', time: s(10), duration: 9n * SEC, level: 'OK' })
  t.same(got, exp)
  run.stop()
})

t.test('TestStream_AlertFlapping: flapping detection drops the last alerts', async (t) => {
  const { run, pub } = golden('TestStream_AlertFlapping')
  t.equal(pub.events.length, 9)
  // the CRITICAL at 10 s and the recovery at 11 s come while the weighted change share is above 0.5
  t.same(pub.events.map((e) => [e.level, Number((e.time - ZERO_NS) / SEC)]), [
    ['CRITICAL', 1], ['OK', 2], ['WARNING', 3], ['CRITICAL', 4], ['OK', 5], ['CRITICAL', 6], ['OK', 7], ['WARNING', 8], ['OK', 9],
  ])
  run.stop()
})

t.test('noRecoveries: OK events are neither published nor passed on, the state still recovers', async (t) => {
  const { run, pub } = golden('TestStream_Alert_NoRecoveries')
  t.same(pub.events.map((e) => [e.level, Number((e.time - ZERO_NS) / SEC), Number(e.duration / SEC)]), [
    ['WARNING', 0, 0], ['WARNING', 2, 0], ['WARNING', 3, 1], ['WARNING', 4, 2], ['CRITICAL', 5, 3], ['WARNING', 7, 0],
  ])
  t.ok(pub.events.every((e) => !e.recoverable))
  t.equal(nodeStats(run, 'alert2')['oks_triggered'], 0)
  run.stop()
})

t.test('level resets: a level is only left when its reset lambda is true', async (t) => {
  const { run, pub } = golden('TestStream_Alert_WithReset_0')
  t.same(pub.events.map((e) => e.level), [
    'INFO', 'INFO', 'INFO', 'OK', 'INFO', 'WARNING', 'WARNING', 'OK', 'INFO', 'WARNING', 'CRITICAL', 'OK',
  ])
  run.stop()
})

t.test('details is an HTML template; {{ json . }} gives Kapacitor\'s details object', async (t) => {
  const pub = new MemoryAlertPublisher()
  const run = startStream(`stream|from().measurement('m').groupBy('host')
  |alert()
    .crit(lambda: "v" > 1)
    .message('{{ .Level }} <{{ index .Tags "host" }}> {{ .Time }} {{ .Duration }} {{ index .Fields "v" }}')
    .details('{{ .Message }}')
  |alert()
    .crit(lambda: "v" > 1)
    .details('{{ json . }}')`, { services: newTaskServices({ alerts: pub, serverInfo: { hostname: 'h1', clusterId: 'c1', serverId: 's1' } }) })
  run.write(lp('m,host=a&b v=2i 10\n'))
  const [first, second] = pub.events
  t.equal(first!.message, 'CRITICAL <a&b> 1970-01-01 00:00:10 +0000 UTC 0s 2')
  t.equal(first!.details, 'CRITICAL &lt;a&amp;b&gt; 1970-01-01 00:00:10 &#43;0000 UTC 0s 2')
  // html/template escapes the JSON as text (Kapacitor's details look exactly like this)
  t.match(second!.details, /^\{&#34;Name&#34;:&#34;m&#34;,/)
  t.same(JSON.parse(second!.details.replaceAll('&#34;', '"')), {
    Name: 'm', TaskName: 'testStreamer', Group: 'host=a&b', Tags: { host: 'a&b' },
    ServerInfo: { Hostname: 'h1', ClusterID: 'c1', ServerID: 's1' }, ID: 'm:host=a&b', Fields: { v: 2 },
    Level: 'CRITICAL', Time: '1970-01-01T00:00:10Z', Duration: 0, Message: 'm:host=a&b is CRITICAL',
  })
  run.stop()
})

t.test('batch: the highest level wins, its point\'s time and fields; all() takes the lowest at the batch time', async (t) => {
  for (const all of [false, true]) {
    const pub = new MemoryAlertPublisher()
    const run = startStream(`stream|from().measurement('m')
  |window().period(3s).every(3s)
  |alert()
    .warn(lambda: "v" > 1)
    .crit(lambda: "v" > 5)
    .message('{{ .Level }} {{ index .Fields "v" }}')
    ${all ? '.all()' : ''}
    .levelTag('lvl')
    .messageField('msg')
  |httpOut('out')`, { services: newTaskServices({ alerts: pub }) })
    run.write(lp('m v=2 0\nm v=9 1\nm v=3 2\nm v=0 3\nm v=0 6\n'))
    const out = run.output('out') as { series: Array<{ tags: Record<string, string>; columns: string[]; values: unknown[][] }> }
    if (!all) {
      t.same(pub.events.map((e) => [e.level, e.message, e.time]), [['CRITICAL', 'CRITICAL 9', 1n * SEC], ['OK', 'OK 0', 6n * SEC]])
      t.same(out.series[0]!.tags, { lvl: 'OK' })
    } else {
      // the fields the templates see are still the highest point's (Kapacitor's)
      t.same(pub.events.map((e) => [e.level, e.message, e.time]), [['WARNING', 'WARNING 9', 3n * SEC], ['OK', 'OK 0', 6n * SEC]])
    }
    t.same(out.series[0]!.columns, ['time', 'msg', 'v'])
    run.stop()
  }
})

t.test('.topic(): events go to the named topic', async (t) => {
  const pub = new MemoryAlertPublisher()
  const run = startStream(`stream|from().measurement('m')|alert().crit(lambda: TRUE).topic('ops').category('db')`, { services: newTaskServices({ alerts: pub }) })
  run.write(lp('m v=1 0\n'))
  t.equal(pub.events[0]!.topic, 'ops')
  t.equal(pub.events[0]!.category, 'db')
  run.stop()
})

t.test('restart: a group starts at the level its topic last sent', async (t) => {
  const script = `stream|from().measurement('cpu').groupBy('host')
  |alert()
    .crit(lambda: "value" > 90)
    .stateChangesOnly()
  |httpOut('out')`
  // first life: CRITICAL sent at 0 s
  const pub = new MemoryAlertPublisher()
  const first = startStream(script, { services: newTaskServices({ alerts: pub }) })
  first.write(lp('cpu,host=a value=95 0\n'))
  first.stop()
  t.same(pub.events.map((e) => e.level), ['CRITICAL'])
  // second life, same topic store: the same data does not repeat the CRITICAL; the recovery is sent once
  const second = startStream(script, { services: newTaskServices({ alerts: pub }) })
  second.write(lp('cpu,host=a value=96 10\ncpu,host=a value=97 20\ncpu,host=a value=10 30\ncpu,host=a value=11 40\n'))
  t.same(pub.events.map((e) => [e.level, e.time]), [['CRITICAL', 0n], ['OK', 30n * SEC]])
  t.equal(pub.events[1]!.previousLevel, 'CRITICAL')
  t.equal(pub.events[1]!.duration, 30n * SEC, 'the episode that started before the restart')
  second.stop()
})

t.test('restart with a publisher whose lastState says CRITICAL', async (t) => {
  const published: AlertEvent[] = []
  const asked: Array<[string, string]> = []
  const pub = {
    publish: (e: AlertEvent) => { published.push(e); return Promise.resolve() },
    lastState: (topic: string, id: string): EventState | undefined => {
      asked.push([topic, id])
      return id === 'cpu:host=a' ? { level: 'CRITICAL', message: 'm', details: '', time: 5n * SEC, duration: 0n } : undefined
    },
  }
  const run = startStream(`stream|from().measurement('cpu').groupBy('host')
  |alert().crit(lambda: "value" > 90).stateChangesOnly()`, { services: newTaskServices({ alerts: pub }) })
  run.write(lp('cpu,host=a value=95 10\ncpu,host=b value=95 10\ncpu,host=a value=95 11\ncpu,host=a value=1 12\ncpu,host=a value=2 13\n'))
  // asked when each group is first seen (and again for each event's previousLevel)
  t.same([...new Set(asked.map((a) => a.join(' ')))], ['main:testStreamer:alert2 cpu:host=a', 'main:testStreamer:alert2 cpu:host=b'])
  t.same(published.map((e) => e.previousLevel), ['OK', 'CRITICAL'])
  t.same(published.map((e) => [e.id, e.level]), [['cpu:host=b', 'CRITICAL'], ['cpu:host=a', 'OK']])
  run.stop()
})

t.test('the node\'s own handlers: built at start, each event delivered in order, closed at stop', async (t) => {
  const received: Array<[string, AlertEvent]> = []
  const built: Array<[string, HandlerOptions]> = []
  let closed = 0
  let resolveAll: () => void = () => {}
  const all = new Promise<void>((r) => { resolveAll = r })
  let resolveClosed: () => void = () => {}
  const bothClosed = new Promise<void>((r) => { resolveClosed = r })
  const createHandler = (kind: string, options: HandlerOptions): AlertHandler => {
    built.push([kind, options])
    return {
      kind,
      handle: async (e) => {
        received.push([kind, e])
        if (received.length === 4) resolveAll()
      },
      close: () => { if (++closed === 2) resolveClosed() },
    }
  }
  const pub = new MemoryAlertPublisher()
  const run = startStream(`stream|from().measurement('m')
  |alert().crit(lambda: "v" > 1)
    .post('http://example.invalid/a')
    .tcp('127.0.0.1:1')`, { services: newTaskServices({ alerts: pub, createHandler }) })
  t.same(built.map((b) => b[0]), ['post', 'tcp'])
  run.write(lp('m v=2 0\nm v=0 1\n'))
  await all
  t.same(received.map(([k, e]) => [k, e.level]).sort(), [['post', 'CRITICAL'], ['post', 'OK'], ['tcp', 'CRITICAL'], ['tcp', 'OK']])
  t.same(received.filter(([k]) => k === 'post').map(([, e]) => e), pub.events, 'the same events as published, in order')
  t.equal(closed, 0)
  run.stop()
  await bothClosed
  t.equal(closed, 2)
})

t.test('a handler that cannot be built stops the task from starting, with its message', async (t) => {
  const createHandler = (kind: string): AlertHandler => { throw new Error(`${kind}: [slack] is not enabled`) }
  let caught: unknown
  try {
    startStream(`stream|from()|alert().crit(lambda: TRUE).slack()`, { services: newTaskServices({ createHandler }) })
  } catch (err) {
    caught = err
  }
  t.ok(caught instanceof TaskStartError)
  t.match((caught as Error).message, /\[slack\] is not enabled/)
})

t.test('a bad template stops the task from starting', async (t) => {
  t.throws(() => startStream(`stream|from()|alert().crit(lambda: TRUE).id('{{ .Name ')`), TaskStartError)
})

t.test('a template that fails on a message counts an error on alert and sends nothing for it; the task goes on', async (t) => {
  const pub = new MemoryAlertPublisher()
  const run = startStream(`stream|from().measurement('m').groupBy('host')
  |alert().crit(lambda: "v" > 1).message('{{ if eq (index .Tags "host") "bad" }}{{ .Nope }}{{ end }}ok')
  |httpOut('out')`, { services: newTaskServices({ alerts: pub }) })
  run.write(lp('m,host=bad v=2 0\nm,host=good v=2 0\nm,host=good v=3 1\n'))
  t.equal(nodeStats(run, 'alert2')['errors'], 1)
  t.same(pub.events.map((e) => [e.id, e.message]), [['m:host=good', 'ok'], ['m:host=good', 'ok']])
  t.equal(run.execution.executing, true)
  run.stop()
})

t.test('type chaos: failing level lambdas are counted on alert, the clean group is unaffected', async (t) => {
  const { alone, mixed, chaos, run } = typeChaos(`stream|from().measurement('m').groupBy('host')
  |alert().crit(lambda: "value" > 10).levelField('level')
  ${COLLECT}`)
  t.equal(run.execution.executing, true)
  // chaos i = 0..10 cycles int, float, string, bool, missing: ints and floats compare, the others fail
  t.equal(nodeStats(run, 'alert2')['errors'], 6)
  t.same(mixed, alone)
  t.ok(chaos, 'the chaos group still alerts on its good points')
  run.stop()
})
