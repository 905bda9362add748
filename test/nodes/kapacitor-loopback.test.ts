/**
 * kapacitorLoopback(): Kapacitor's TestStream_KapacitorLoopback, TestBatch_KapacitorLoopback
 * and TestStream_KapacitorLoopback_PreventLoop (integrations/streamer_test.go): one task
 * writes into new-dbname.new-rpname, a second task on that dbrp counts what arrives.
 */
import t from 'tap'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import type { Point } from '../../src/model/point.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { TaskStartError } from '../../src/pipeline/task-execution.js'
import { parseSrpl, recordedPoints, startStream } from '../fixtures/stream-harness.js'

// TestStream_KapacitorLoopback.srpl
const recording = parseSrpl([1, 2, 3, 10, 11, 12, 16].map((s, i) => `dbname\nrpname\ncpu value=${[45, 25, 23, 78, 97, 62, 32][i]} ${String(s).padStart(10, '0')}\n`).join(''))

const scriptCount = `
stream
  |from()
    .measurement('cpu')
  |window()
    .every(10s)
    .period(10s)
  |count('value')
  |httpOut('TestStream_KapacitorLoopback')
`

function loopInto(scriptLoop: string): unknown {
  const count = startStream(scriptCount, { id: 'KapacitorLoopback-Count', dbrps: [{ db: 'new-dbname', rp: 'new-rpname' }] })
  const loop = startStream(scriptLoop, { id: 'KapacitorLoopback-Loop', services: newTaskServices({ loopback: (pts) => count.write(pts) }) })
  loop.write(recordedPoints(recording))
  const out = count.output('TestStream_KapacitorLoopback')
  loop.stop()
  count.stop()
  return out
}

const expected = { series: [{ name: 'cpu', columns: ['time', 'count'], values: [['1971-01-01T00:00:10Z', 4]] }] }

t.test('TestStream_KapacitorLoopback: points come back into the stream on the new dbrp', async (t) => {
  t.same(loopInto(`
stream
  |from()
    .measurement('cpu')
  |kapacitorLoopback()
    .database('new-dbname')
    .retentionPolicy('new-rpname')
`), expected)
})

t.test('TestBatch_KapacitorLoopback: each point of a batch is written', async (t) => {
  t.same(loopInto(`
stream
  |from()
    .measurement('cpu')
  |window()
    .every(5s)
    .period(5s)
  |kapacitorLoopback()
    .database('new-dbname')
    .retentionPolicy('new-rpname')
`), expected)
})

t.test('TestStream_KapacitorLoopback_PreventLoop: writing into one of the task\'s own dbrps fails the start', async (t) => {
  const script = `
stream
  |from()
    .measurement('cpu')
    .where(lambda: "host" == 'serverA')
  |kapacitorLoopback()
    .database('dbname')
    .retentionPolicy('rpname')
`
  t.throws(() => startStream(script), new TaskStartError('loop detected on dbrp: "dbname"."rpname"'))
  // the same rp on another database is not a loop
  t.doesNotThrow(() => startStream(script.replace("'dbname'", "'other'")).stop())
})

t.test('measurement and static tags are applied over the point\'s; points_written counts', async (t) => {
  const got: Point[] = []
  const r = startStream(`
stream
  |from().measurement('cpu')
  |kapacitorLoopback()
    .database('db2')
    .retentionPolicy('rp2')
    .measurement('cpu_copy')
    .tag('host', 'fixed')
    .tag('kind', 'copy')
`, { services: newTaskServices({ loopback: (pts) => got.push(...pts) }) })
  r.write(parseLineProtocol(Buffer.from('cpu,host=a,dc=x value=1i 1\ncpu,host=b value=2.5 2\n'), { db: 'dbname', rp: 'rpname', precision: 's', now: 0n }).points)
  t.same(got, [
    { db: 'db2', rp: 'rp2', name: 'cpu_copy', tags: { dc: 'x', host: 'fixed', kind: 'copy' }, fields: { value: 1n }, time: 1_000_000_000n },
    { db: 'db2', rp: 'rp2', name: 'cpu_copy', tags: { host: 'fixed', kind: 'copy' }, fields: { value: 2.5 }, time: 2_000_000_000n },
  ])
  t.equal(r.execution.stats()['node-stats']['kapacitor_loopback2']!['points_written'], 2)
  r.stop()
})

t.test('type chaos: whatever the field types, every point is written and the clean group is unchanged', async (t) => {
  const got: Point[] = []
  const r = startStream(`
stream
  |from().measurement('m').groupBy('g')
  |kapacitorLoopback().database('d').retentionPolicy('r')
`, { services: newTaskServices({ loopback: (pts) => got.push(...pts) }) })
  const lines = 'm,g=bad v=1i 0\nm,g=ok v=1 0\nm,g=bad v=2.5 1\nm,g=ok v=2 1\nm,g=bad v="s" 2\nm,g=ok v=3 2\nm,g=bad v=true 3\nm,g=ok v=4 3\nm,g=bad other=1 4\nm,g=ok v=5 4\n'
  r.write(parseLineProtocol(Buffer.from(lines), { db: 'dbname', rp: 'rpname', precision: 's', now: 0n }).points)
  t.ok(r.execution.executing)
  t.same(got.filter((p) => p.tags['g'] === 'ok').map((p) => p.fields['v']), [1, 2, 3, 4, 5])
  t.same(got.filter((p) => p.tags['g'] === 'bad').map((p) => p.fields), [{ v: 1n }, { v: 2.5 }, { v: 's' }, { v: true }, { other: 1 }])
  // the node reads no field value: nothing here is an error for it
  t.equal(r.execution.stats()['node-stats']['kapacitor_loopback2']!.errors, 0)
  r.stop()
})
