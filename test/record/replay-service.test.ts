/**
 * The replay service over a real daemon's tasks and handlers, with recordings from an
 * in-memory RecordingReader: the determinism test (the same recording replayed three
 * times into a window + mean + httpOut task with an alert posting to a real local
 * listener gives byte-identical httpOut output and the same alert sequence), isolation
 * from the live task, a recording whose db/rp the task does not read, the time shift,
 * stopping a running replay, and replays left running by a dead daemon listed as failed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import t, { type Test } from 'tap'
import type { Point } from '../../src/model/point.js'
import { fixedClock } from '../../src/model/clock.js'
import { NotFoundError } from '../../src/server/errors.js'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'
import { ReplayService } from '../../src/record/replay-service.js'
import { ReplayStore } from '../../src/record/replay-store.js'
import type { RecordedBatch, RecordingInfo, RecordingReader } from '../../src/record/types.js'
import { cpuAlertScript } from './cpu-alert-script.js'

const S = 1_000_000_000n

/** Recordings held in memory, served in chunks as a store would. */
class MemRecordings implements RecordingReader {
  readonly streams = new Map<string, Point[]>()
  async info(id: string): Promise<RecordingInfo> {
    if (!this.streams.has(id)) throw new NotFoundError(`no recording exists with ID ${id}`)
    // `chunks`: what our recording store keeps; a replay reads it for its progress
    const info: RecordingInfo & { chunks: number } = { id, type: 'stream', size: 0, date: '', error: '', status: 'finished', progress: 1, chunks: Math.ceil(this.streams.get(id)!.length / 700) }
    return info
  }
  async *streamPoints(id: string): AsyncIterable<readonly Point[]> {
    const ps = this.streams.get(id) ?? []
    for (let i = 0; i < ps.length; i += 700) yield ps.slice(i, i + 700)
  }
  // eslint-disable-next-line require-yield
  async *batches(id: string): AsyncIterable<RecordedBatch> {
    throw new NotFoundError(`no batch recording ${id}`)
  }
}

function tempDir(t: Test, prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}

async function daemon(t: Test): Promise<Daemon> {
  const base = defaultConfig()
  const config: Config = { ...base, dataDir: tempDir(t, 'replay-daemon-'), http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false } }
  const d = await startDaemon({ config, logger: silentLogger() })
  t.teardown(() => d.stop())
  return d
}

async function level(t: Test): Promise<Level<string, string>> {
  const db = new Level<string, string>(join(tempDir(t, 'replay-store-'), 'db'), { valueEncoding: 'utf8' })
  await db.open()
  t.teardown(() => db.close())
  return db
}

/** A local HTTP listener for `.post()`: the bodies in arrival order. */
async function listener(t: Test): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => { bodies.push(body); res.writeHead(200).end() })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => server.close(() => r())))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/alert`, bodies }
}

/** Two minutes of two hosts, one point a second each: host a warm for 20 s, host b hot in the second minute. */
function cpuRecording(db = 'telegraf', rp = 'autogen'): Point[] {
  const out: Point[] = []
  for (let s = 0n; s < 120n; s++) {
    for (const host of ['a', 'b']) {
      const v = host === 'a' ? (s >= 30n && s < 50n ? 50 : Number(s % 7n) * 3) : s >= 60n ? 90 + Number(s % 5n) : 20 + Number(s % 3n)
      out.push({ db, rp, name: 'cpu', tags: { host }, fields: { v, n: s }, time: 1_600_000_000n * S + s * S })
    }
  }
  return out
}


t.test('determinism: three replays of one recording, byte-identical httpOut and the same alerts', async (t) => {
  const d = await daemon(t)
  const sink = await listener(t)
  await d.tasks.create({ id: 'cpu_mean', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: cpuAlertScript(sink.url), status: 'enabled' })
  const recordings = new MemRecordings()
  recordings.streams.set('rec1', cpuRecording())
  const replays = new ReplayService({ db: await level(t), tasks: d.tasks, recordings, services: d.tasks.services, logger: silentLogger(), clock: fixedClock(1_700_000_000n * S) })
  t.teardown(() => replays.close())

  const outputs: string[] = []
  const alerts: string[][] = []
  for (const id of ['r1', 'r2', 'r3']) {
    const started = await replays.create({ id, task: 'cpu_mean', recording: 'rec1', recordingTime: true, clock: 'fast' })
    t.equal(started.status, 'running')
    const done = await replays.wait(id)
    t.match(done, { id, task: 'cpu_mean', recording: 'rec1', recordingTime: true, clock: 'fast', status: 'finished', error: '', progress: 1 })
    const stats = done.stats['node-stats'] as Record<string, Record<string, number>>
    t.equal(stats['from1']?.['collected'], 240, 'every recorded point reached the task')
    outputs.push(replays.httpOut(id)!.get('cpu_mean', 'out')!.render())
    alerts.push(sink.bodies.splice(0))
  }
  t.equal(outputs[1], outputs[0])
  t.equal(outputs[2], outputs[0])
  t.match(outputs[0], /"name":"cpu","tags":\{"host":"(a|b)"\},"columns":\["time","mean"\]/)
  t.ok(alerts[0]!.length >= 2, `alerts fired (${alerts[0]!.length})`)
  t.same(alerts[1], alerts[0])
  t.same(alerts[2], alerts[0])
  const levels = alerts[0]!.map((b) => JSON.parse(b) as { id: string; level: string; time: string })
  t.same(levels.filter((e) => e.id === 'a').map((e) => e.level), ['WARNING', 'WARNING', 'OK'], 'host a: two warm windows, then OK')
  t.same(levels.filter((e) => e.id === 'b').map((e) => e.level), Array(5).fill('CRITICAL'), 'host b: every window of its second minute (the last one never closes)')
  t.equal(levels[0]!.time.slice(0, 4), '2020', 'recorded times kept (2020-09-13)')

  // the live task saw nothing of the replays
  const live = d.tasks.execution('cpu_mean')!.stats()['node-stats']
  t.equal(live['from1']?.['collected'], 0)
  t.same(JSON.parse(d.httpOut.get('cpu_mean', 'out')!.render()), { series: null })
})

t.test('without recording-time the first point lands at the replay start', async (t) => {
  const d = await daemon(t)
  await d.tasks.create({ id: 'w', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: `stream|from().measurement('cpu').where(lambda: "host" == 'a')|window().period(10s).every(10s)|httpOut('out')` })
  const recordings = new MemRecordings()
  recordings.streams.set('rec', cpuRecording())
  const start = 1_700_000_000n * S
  const replays = new ReplayService({ db: await level(t), tasks: d.tasks, recordings, services: d.tasks.services, logger: silentLogger(), clock: fixedClock(start) })
  t.teardown(() => replays.close())
  await replays.create({ id: 'r', task: 'w', recording: 'rec' })
  t.equal((await replays.wait('r')).status, 'finished')
  const out = JSON.parse(replays.httpOut('r')!.get('w', 'out')!.render()) as { series: Array<{ values: unknown[][] }> }
  // the last full window: [start+100s, start+110s)
  t.equal(out.series[0]!.values[0]![0], '2023-11-14T22:15:00Z')
  t.equal(out.series[0]!.values.length, 10)
})

t.test('a recording of another db/rp reaches nothing, and the replay says so', async (t) => {
  const d = await daemon(t)
  await d.tasks.create({ id: 'w', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: `stream|from().measurement('cpu')|httpOut('out')` })
  const recordings = new MemRecordings()
  recordings.streams.set('other', cpuRecording('mydb', 'autogen'))
  const replays = new ReplayService({ db: await level(t), tasks: d.tasks, recordings, services: d.tasks.services, logger: silentLogger(), clock: fixedClock(0n) })
  t.teardown(() => replays.close())
  await replays.create({ id: 'r', task: 'w', recording: 'other' })
  const r = await replays.wait('r')
  t.equal(r.status, 'finished')
  t.equal(r.error, "none of the 240 points replayed matched the task's dbrps (telegraf.autogen) and measurements")
  t.equal((r.stats['node-stats'] as Record<string, Record<string, number>>)['from1']?.['collected'], 0)
  t.same(JSON.parse(replays.httpOut('r')!.get('w', 'out')!.render()), { series: null })
})

t.test('errors: unknown task, unknown recording, bad clock or id, duplicate id', async (t) => {
  const d = await daemon(t)
  await d.tasks.create({ id: 'w', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: `stream|from().measurement('cpu')|httpOut('out')` })
  const recordings = new MemRecordings()
  recordings.streams.set('rec', cpuRecording())
  const replays = new ReplayService({ db: await level(t), tasks: d.tasks, recordings, services: d.tasks.services, logger: silentLogger(), clock: fixedClock(0n) })
  t.teardown(() => replays.close())
  await t.rejects(replays.create({ task: 'nope', recording: 'rec' }), { message: 'task load: no task exists with ID nope', code: 'NOT_FOUND' })
  await t.rejects(replays.create({ task: 'w', recording: 'nope' }), { message: 'recording not found: no recording exists with ID nope', code: 'NOT_FOUND' })
  await t.rejects(replays.create({ task: 'w', recording: 'rec', clock: 'wall' }), { message: 'invalid clock type wall', code: 'BAD_REQUEST' })
  await t.rejects(replays.create({ id: 'a b', task: 'w', recording: 'rec' }), { code: 'BAD_REQUEST' })
  await replays.create({ id: 'x', task: 'w', recording: 'rec' })
  await t.rejects(replays.create({ id: 'x', task: 'w', recording: 'rec' }), { message: 'replay x already exists', code: 'BAD_REQUEST' })
  await t.rejects(replays.get('nope'), { code: 'NOT_FOUND' })
})

t.test('delete stops a running replay; a replay running when the daemon died is failed after a restart', async (t) => {
  const d = await daemon(t)
  await d.tasks.create({ id: 'w', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: `stream|from().measurement('cpu')|httpOut('out')` })
  const recordings = new MemRecordings()
  // an hour between two points: a real-clock replay waits for it
  recordings.streams.set('slow', [cpuRecording()[0]!, { ...cpuRecording()[0]!, time: cpuRecording()[0]!.time + 3600n * S }])
  const db = await level(t)
  const replays = new ReplayService({ db, tasks: d.tasks, recordings, services: d.tasks.services, logger: silentLogger(), clock: { nowNs: () => BigInt(Date.now()) * 1_000_000n } })
  await replays.create({ id: 'slow', task: 'w', recording: 'slow', clock: 'real' })
  t.equal((await replays.get('slow')).status, 'running')
  t.ok(replays.execution('slow', 'w'), 'the running execution is visible to ?replay-id=')
  await replays.delete('slow')
  await t.rejects(replays.get('slow'), { code: 'NOT_FOUND' })

  // progress: a chunk of 700 points replayed, the next one an hour later
  const p0 = cpuRecording()[0]!
  const first = Array.from({ length: 700 }, (_, i) => ({ ...p0, tags: { host: `h${i}` } }))
  recordings.streams.set('half', [...first, ...first.map((p) => ({ ...p, time: p.time + 3600n * S }))])
  await replays.create({ id: 'half', task: 'w', recording: 'half', clock: 'real' })
  let progress = 0
  for (let i = 0; i < 500 && progress === 0; i++) {
    await new Promise((r) => setTimeout(r, 10))
    progress = (await replays.get('half')).progress
  }
  t.equal(progress, 0.5, 'one chunk of two replayed')
  await replays.delete('half')
  t.equal(replays.httpOut('slow'), undefined)
  // a graceful stop ends a running replay as failed, and says why
  await replays.create({ id: 'bye', task: 'w', recording: 'slow', clock: 'real' })
  await replays.close()
  t.match(await new ReplayStore(db).get('bye'), { status: 'failed', error: 'replay stopped: kapacitord shut down', progress: 1 })

  // as a daemon that died mid-replay leaves it
  await new ReplayStore(db).put({ id: 'died', task: 'w', recording: 'slow', recordingTime: false, clock: 'fast', date: '', error: '', status: 'running', progress: 0, stats: { 'task-stats': {}, 'node-stats': {} } })
  const again = new ReplayService({ db, tasks: d.tasks, recordings, services: d.tasks.services, logger: silentLogger(), clock: fixedClock(0n) })
  t.teardown(() => again.close())
  t.match(await again.get('died'), { status: 'failed', error: 'unexpected Kapacitor shutdown' })
  t.same((await again.list()).map((r) => r.id), ['bye', 'died'])
})

t.test('timers run on the data\'s time: a deadman fires in a gap of the recording, the same on every replay', async (t) => {
  const d = await daemon(t)
  const sink = await listener(t)
  await d.tasks.create({
    id: 'dm', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }],
    script: `stream|from().measurement('cpu').groupBy('host')|deadman(0.0, 60s).id('dead {{ index .Tags "host" }}').post('${sink.url}')`,
  })
  // host a: a point every 5 s for 10 minutes, silent for 20 minutes, then 10 minutes more
  const t0 = 1_600_000_000n * S
  const points: Point[] = []
  for (let s = 0n; s < 2400n; s += 5n) {
    if (s >= 600n && s < 1800n) continue
    points.push({ db: 'telegraf', rp: 'autogen', name: 'cpu', tags: { host: 'a' }, fields: { v: 1 }, time: t0 + s * S })
  }
  const recordings = new MemRecordings()
  recordings.streams.set('gap', points)
  const replays = new ReplayService({ db: await level(t), tasks: d.tasks, recordings, services: d.tasks.services, logger: silentLogger(), clock: fixedClock(0n) })
  t.teardown(() => replays.close())
  const runs: string[][] = []
  for (const id of ['g1', 'g2']) {
    await replays.create({ id, task: 'dm', recording: 'gap', recordingTime: true })
    t.match(await replays.wait(id), { status: 'finished', error: '' })
    runs.push(sink.bodies.splice(0))
  }
  t.same(runs[1], runs[0], 'the same alerts, byte for byte')
  const events = runs[0]!.map((b) => JSON.parse(b) as { id: string; level: string; time: string })
  t.same(events.map((e) => `${e.id} ${e.level}`), ['dead a CRITICAL', 'dead a OK'])
  const at = events.map((e) => (BigInt(Date.parse(e.time)) * 1_000_000n - t0) / S)
  t.ok(at[0]! > 600n && at[0]! <= 780n, `CRITICAL in the gap, ${at[0]} s in (data time)`)
  t.ok(at[1]! >= 1800n && at[1]! <= 1950n, `OK once the data is back, ${at[1]} s in`)
})

t.test('a handler that cannot deliver: the replay finishes and says how many events were not delivered', async (t) => {
  const d = await daemon(t)
  // a port nobody listens on
  const dead = createServer()
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r))
  const port = (dead.address() as { port: number }).port
  await new Promise<void>((r) => dead.close(() => r()))
  await d.tasks.create({ id: 'cpu_mean', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: cpuAlertScript(`http://127.0.0.1:${port}/alert`) })
  const recordings = new MemRecordings()
  recordings.streams.set('rec1', cpuRecording())
  const replays = new ReplayService({ db: await level(t), tasks: d.tasks, recordings, services: d.tasks.services, logger: silentLogger(), clock: fixedClock(0n), handlerStallMs: 300 })
  t.teardown(() => replays.close())
  await replays.create({ id: 'r', task: 'cpu_mean', recording: 'rec1', recordingTime: true })
  const r = await replays.wait('r')
  t.equal(r.status, 'finished')
  t.equal(r.error, '8 alert events not delivered: the handler made no progress')
  t.ok(replays.httpOut('r')!.get('cpu_mean', 'out'), 'the output is there all the same')
})

t.test('kapacitorLoopback in a replay writes into the replay\'s own stream, never the daemon\'s', async (t) => {
  const d = await daemon(t)
  await d.tasks.create({ id: 'sink', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'loop' }], script: `stream|from().measurement('looped')|httpOut('out')`, status: 'enabled' })
  await d.tasks.create({
    id: 'lb', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }],
    script: `stream|from().measurement('cpu')|kapacitorLoopback().database('telegraf').retentionPolicy('loop').measurement('looped')`,
  })
  const recordings = new MemRecordings()
  recordings.streams.set('rec', cpuRecording())
  const replays = new ReplayService({ db: await level(t), tasks: d.tasks, recordings, services: d.tasks.services, logger: silentLogger(), clock: fixedClock(0n) })
  t.teardown(() => replays.close())
  await replays.create({ id: 'r', task: 'lb', recording: 'rec', recordingTime: true })
  const r = await replays.wait('r')
  t.equal(r.status, 'finished')
  t.equal((r.stats['node-stats'] as Record<string, Record<string, number>>)['kapacitor_loopback2']?.['points_written'], 240)
  await new Promise((res) => setImmediate(res))
  t.equal(d.tasks.execution('sink')!.stats()['node-stats']['from1']?.['collected'], 0, 'the live task saw none of them')
})
