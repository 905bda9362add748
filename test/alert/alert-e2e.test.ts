/**
 * Alerts end to end through the real kapacitord executable: line protocol to `/write`,
 * a stream task with an alert node and a `.post()` handler, events received by a local
 * HTTP listener. The sequence of levels with a message template; and `kill -9` with a
 * group in CRITICAL, restart on the same data directory, the same data again: no duplicate
 * CRITICAL, then exactly one OK.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { eventSink } from './daemon-harness.js'
import { spawnKapacitord, type KapacitordProcess } from '../fixtures/kapacitord-process.js'


interface Received { id: string; message: string; level: string; previousLevel: string; time: string }


type Daemon = KapacitordProcess


async function call(d: Daemon, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${d.port}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

async function write(d: Daemon, lines: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${d.port}/write?db=telegraf&rp=autogen&precision=s`, { method: 'POST', body: lines })
  await res.text()
  if (res.status !== 204) throw new Error(`write: ${res.status}`)
}

function tempDir(t: Test): string {
  const d = mkdtempSync(join(tmpdir(), 'alert-e2e-'))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}

t.test('levels, recoveries and a message template through /write to a post handler', async (t) => {
  const sink = await eventSink<Received>(t)
  const d = await spawnKapacitord(t, ['-data-dir', tempDir(t)])
  const script = `stream|from().measurement('cpu').groupBy('host')
  |alert()
    .warn(lambda: "usage" > 70)
    .crit(lambda: "usage" > 90)
    .message('{{ index .Tags "host" }} {{ .Level }} {{ printf "%.1f" (index .Fields "usage") }}')
    .post('${sink.url}')`
  const r = await call(d, 'POST', '/kapacitor/v1/tasks', { id: 'cpu_alert', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script, status: 'enabled' })
  t.equal(r.status, 200, JSON.stringify(r.body))
  await write(d, 'cpu,host=a usage=50 1\ncpu,host=a usage=75 2\ncpu,host=a usage=95 3\ncpu,host=a usage=80 4\ncpu,host=a usage=10 5\ncpu,host=a usage=12 6\n')
  await sink.waitFor(4)
  t.same(sink.events.map((e) => [e.message, e.previousLevel, e.time]), [
    ['a WARNING 75.0', 'OK', '1970-01-01T00:00:02Z'],
    ['a CRITICAL 95.0', 'WARNING', '1970-01-01T00:00:03Z'],
    ['a WARNING 80.0', 'CRITICAL', '1970-01-01T00:00:04Z'],
    ['a OK 10.0', 'WARNING', '1970-01-01T00:00:05Z'],
  ], 'an OK fires once (the recovery); the OK at 6 s fires nothing')
  t.equal(sink.events[0]!.id, 'cpu:host=a')
  d.child.kill('SIGTERM')
  await d.exited
})

t.test('kill -9 with a group in CRITICAL, restart, same data: no duplicate CRITICAL, then exactly one OK', async (t) => {
  const sink = await eventSink<Received>(t)
  const dataDir = tempDir(t)
  const script = `stream|from().measurement('cpu').groupBy('host')
  |alert().crit(lambda: "usage" > 90).stateChangesOnly().post('${sink.url}')`
  let d = await spawnKapacitord(t, ['-data-dir', dataDir])
  t.equal((await call(d, 'POST', '/kapacitor/v1/tasks', { id: 'crash', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script, status: 'enabled' })).status, 200)
  await write(d, 'cpu,host=a usage=95 1\ncpu,host=a usage=96 2\n')
  await sink.waitFor(1)
  d.child.kill('SIGKILL')
  await d.exited
  d = await spawnKapacitord(t, ['-data-dir', dataDir])
  await write(d, 'cpu,host=a usage=95 1\ncpu,host=a usage=96 2\n')
  await write(d, 'cpu,host=a usage=10 3\n')
  await sink.waitFor(2)
  // deliveries are in order: a duplicate CRITICAL would have arrived before the OK
  t.same(sink.events.map((e) => e.level), ['CRITICAL', 'OK'])
  await write(d, 'cpu,host=a usage=11 4\n')
  await write(d, 'cpu,host=a usage=97 5\n')
  await sink.waitFor(3)
  t.same(sink.events.map((e) => e.level), ['CRITICAL', 'OK', 'CRITICAL'], 'one OK only, and the next CRITICAL still fires')
  d.child.kill('SIGTERM')
  await d.exited
})
