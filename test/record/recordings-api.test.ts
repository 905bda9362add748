/**
 * The recordings API against a real daemon: the design's open-ended recording of every
 * point written over HTTP and UDP until stopped; Kapacitor's per-task recording that
 * ends at a point past its stop time and records only what the task would get; the
 * recording object (202 while running, size, progress, status); export as Kapacitor's
 * files and import of ours and of Kapacitor's own test data; delete.
 */
import { createSocket } from 'node:dgram'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { unzipSync } from 'fflate'
import t, { type Test } from 'tap'
import type { Point } from '../../src/model/point.js'
import { parseBrpl } from '../../src/record/brpl.js'
import { parseSrpl } from '../../src/record/srpl.js'
import type { RecordedBatch } from '../../src/record/types.js'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/recordings')
const R = '/kapacitor/v1/recordings'

interface Res { status: number; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

interface K {
  d: Daemon
  call(method: string, path: string, body?: unknown): Promise<Res>
  write(lines: string, query?: string): Promise<number>
  bytes(path: string): Promise<{ status: number; type: string; body: Buffer }>
  post(path: string, body: Uint8Array): Promise<Res>
}

async function start(t: Test, withUdp = false): Promise<K> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-rec-'))
  const base = defaultConfig()
  const config: Config = {
    ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false },
    udp: withUdp ? [{ enabled: true, bindAddress: '127.0.0.1:0', database: 'udpdb', retentionPolicy: '', precision: 'ns', buffer: 1000, readBuffer: 0 }] : [],
  }
  const d = await startDaemon({ config, logger: silentLogger() })
  t.teardown(async () => {
    await d.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const url = `http://127.0.0.1:${d.httpAddress.port}`
  const parse = async (res: Response): Promise<Res> => {
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : JSON.parse(text) }
  }
  return {
    d,
    async call(method, path, body) {
      return parse(await fetch(url + path, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) }))
    },
    async write(lines, query = 'db=telegraf&rp=autogen') {
      const res = await fetch(`${url}/write?${query}`, { method: 'POST', body: lines })
      await res.text()
      return res.status
    },
    async bytes(path) {
      const res = await fetch(url + path)
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) }
    },
    async post(path, body) {
      return parse(await fetch(url + path, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } }))
    },
  }
}

async function pointsOf(d: Daemon, id: string): Promise<Point[]> {
  const out: Point[] = []
  for await (const chunk of d.recordings.streamPoints(id)) out.push(...chunk)
  return out
}

async function batchesOf(d: Daemon, id: string): Promise<RecordedBatch[]> {
  const out: RecordedBatch[] = []
  for await (const b of d.recordings.batches(id)) out.push(b)
  return out
}

const BODY1 = 'cpu,host=a usage=1.5,n=9007199254740993i,s="x y",ok=true 1700000000000000001\nmem,host=a used=12i 1700000000000000002\n'
const BODY2 = 'cpu,host=b usage=-0.25 1700000000000000003\n'

t.test('open-ended recording: every point of every db/rp, until stopped; export and import round trip', async (t) => {
  const k = await start(t, true)
  t.equal(await k.write('cpu usage=0 1\n'), 204, 'before: not recorded')
  const created = await k.call('POST', `${R}/stream`, { id: 'all' })
  t.equal(created.status, 201)
  t.same(created.body, { link: { rel: 'self', href: `${R}/all` }, id: 'all', type: 'stream', size: 0, date: created.body.date, error: '', status: 'running', progress: 0 })
  t.equal(await k.write(BODY1), 204)
  t.equal(await k.write(BODY2, 'db=other&rp=week'), 204)
  // UDP: the point is acknowledged by nothing, so wait until the daemon counted it
  const sock = createSocket('udp4')
  await new Promise<void>((r) => sock.send('disk,host=u free=3i 1700000000000000004\n', k.d.udpAddresses[0]!.port, '127.0.0.1', () => r()))
  sock.close()
  for (let i = 0; i < 200 && (await pointsOf(k.d, 'all')).length < 4; i++) await new Promise((r) => setTimeout(r, 10))

  const running = await k.call('GET', `${R}/all`)
  t.equal(running.status, 202, '202 while running')
  t.ok(running.body.size > 0, 'size grows')
  const stopped = await k.call('POST', `${R}/all/stop`, {})
  t.equal(stopped.status, 200)
  t.match(stopped.body, { id: 'all', status: 'finished', progress: 1, error: '' })
  t.equal(await k.write('cpu usage=9 1800000000000000000\n'), 204, 'after the stop: not recorded')
  t.equal((await k.call('GET', `${R}/all`)).status, 200)

  const expected: Point[] = [
    { db: 'telegraf', rp: 'autogen', name: 'cpu', tags: { host: 'a' }, fields: { usage: 1.5, n: 9007199254740993n, s: 'x y', ok: true }, time: 1700000000000000001n },
    { db: 'telegraf', rp: 'autogen', name: 'mem', tags: { host: 'a' }, fields: { used: 12n }, time: 1700000000000000002n },
    { db: 'other', rp: 'week', name: 'cpu', tags: { host: 'b' }, fields: { usage: -0.25 }, time: 1700000000000000003n },
    { db: 'udpdb', rp: 'autogen', name: 'disk', tags: { host: 'u' }, fields: { free: 3n }, time: 1700000000000000004n },
  ]
  t.same(await pointsOf(k.d, 'all'), expected, 'exactly the points written, in order, HTTP and UDP')

  const file = await k.bytes(`${R}/all/export`)
  t.equal(file.status, 200)
  t.equal(file.type, 'application/gzip')
  const text = gunzipSync(file.body).toString()
  t.equal(text.split('\n').slice(0, 3).join('\n'), 'telegraf\nautogen\ncpu,host=a usage=1.5,n=9007199254740993i,s="x y",ok=true 1700000000000000001', "Kapacitor's 3-line records, ns times")
  t.same(parseSrpl(file.body, { precision: 'ns', now: 0n }), expected)

  const imported = await k.post(`${R}/import?id=all-again&type=stream`, file.body)
  t.equal(imported.status, 201)
  t.match(imported.body, { id: 'all-again', type: 'stream', status: 'finished', progress: 1 })
  t.same(await pointsOf(k.d, 'all-again'), expected, 'ours → .srpl → import: identical points')

  const list = await k.call('GET', `${R}?pattern=all*`)
  t.same(list.body.recordings.map((r: { id: string }) => r.id), ['all', 'all-again'])
  t.same(Object.keys((await k.call('GET', `${R}?fields=size&limit=1`)).body.recordings[0]), ['link', 'id', 'size'], 'fields')
})

t.test("a task's recording: its dbrps and measurements only, ends at a point past stop", async (t) => {
  const k = await start(t)
  const task = await k.call('POST', '/kapacitor/v1/tasks', {
    id: 'cpu_task', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }],
    script: "stream\n  |from().measurement('cpu')\n  |httpOut('out')\n",
  })
  t.equal(task.status, 200)
  // data times in 2100: the wall clock does not reach the stop time during the test
  const created = await k.call('POST', `${R}/stream`, { id: 'r1', task: 'cpu_task', stop: '2100-01-01T00:00:00.000000005Z' })
  t.equal(created.status, 201)
  await k.write('cpu,host=a v=1i 4102444800000000001\nmem,host=a v=2i 4102444800000000002\ncpu,host=b v=3i 4102444800000000003\n')
  await k.write('cpu,host=c v=4i 4102444800000000004\n', 'db=other&rp=autogen')
  t.equal((await k.call('GET', `${R}/r1`)).status, 202)
  // a point past stop ends the recording; it and the rest of its write are not recorded
  await k.write('cpu,host=d v=5i 4102444800000000005\ncpu,host=e v=6i 4102444800000000006\ncpu,host=f v=7i 4102444800000000004\n')
  await k.write('cpu,host=g v=8i 4102444800000000001\n')
  const done = await k.call('GET', `${R}/r1`)
  t.equal(done.status, 200)
  t.match(done.body, { status: 'finished', progress: 1, error: '' })
  t.same((await pointsOf(k.d, 'r1')).map((p) => p.tags['host']), ['a', 'b', 'd'])

  t.equal((await k.call('POST', `${R}/stream`, { task: 'nope', stop: '2023-11-14T22:13:20Z' })).status, 404, 'unknown task')
  t.equal((await k.call('POST', `${R}/stream`, { id: 'r1' })).status, 400, 'id taken')
  t.match((await k.call('POST', `${R}/stream`, { id: 'a/b' })).body.error, /recording ID must contain only letters/)
  t.match((await k.call('POST', `${R}/stream`, { stop: 'tomorrow' })).body.error, /invalid stop time/)
})

t.test("Kapacitor's own files import (plain, precision s) and export as its gzip .srpl / zip .brpl", async (t) => {
  const k = await start(t)
  const srpl = readFileSync(join(FIXTURES, 'TestStream_EvalAllTypes.srpl'))
  const s = await k.post(`${R}/import?id=alltypes&type=stream&precision=s`, srpl)
  t.equal(s.status, 201)
  t.same(await pointsOf(k.d, 'alltypes'), [{ db: 'dbname', rp: 'rpname', name: 'types', tags: {}, fields: { str: 'bob', bool: false, int: 5n, float: 42 }, time: 1_000_000_000n }])
  const exported = await k.bytes(`${R}/alltypes/export`)
  t.equal(gunzipSync(exported.body).toString(), 'dbname\nrpname\ntypes str="bob",bool=false,int=5i,float=42 1000000000\n')

  const brpl = readFileSync(join(FIXTURES, 'TestBatch_SimpleMR.0.brpl'))
  const b = await k.post(`${R}/import?id=simplemr&type=batch`, brpl)
  t.equal(b.status, 201)
  t.match(b.body, { type: 'batch', status: 'finished' })
  const batches = await batchesOf(k.d, 'simplemr')
  t.same(batches, parseBrpl(brpl), 'the batches as in the file')
  const zip = await k.bytes(`${R}/simplemr/export`)
  t.equal(zip.type, 'application/zip')
  const entries = unzipSync(zip.body)
  t.same(Object.keys(entries), ['0'], 'one entry per query node')
  t.equal(Buffer.from(entries['0']!).toString().trimEnd().split('\n').length, 9, 'one JSON batch per line')
  const again = await k.post(`${R}/import?id=simplemr2&type=batch`, zip.body)
  t.equal(again.status, 201)
  t.same(await batchesOf(k.d, 'simplemr2'), batches, 'ours → .brpl → import: identical batches')

  t.match((await k.post(`${R}/import?type=stream`, Buffer.from('db\nrp\n'))).body.error, /invalid \.srpl file: line 1: invalid replay file format/)
  t.match((await k.post(`${R}/import?type=table`, srpl)).body.error, /invalid type "table"/)
})

t.test('delete removes the recording and its data', async (t) => {
  const k = await start(t)
  await k.call('POST', `${R}/stream`, { id: 'gone' })
  await k.write(BODY1)
  t.equal((await k.call('DELETE', `${R}/gone`)).status, 204)
  t.equal((await k.call('GET', `${R}/gone`)).status, 404)
  t.equal((await k.call('DELETE', `${R}/gone`)).status, 204, 'again: 204 as Kapacitor')
  await k.write(BODY2)
  await k.call('POST', `${R}/stream`, { id: 'gone' })
  await k.call('POST', `${R}/gone/stop`, {})
  t.same(await pointsOf(k.d, 'gone'), [], 'a new recording with the id has none of the old data')
})

t.test('`curl -XPOST …/recordings/stream` (no body, no content type) starts an open-ended recording', async (t) => {
  const k = await start(t)
  const res = await fetch(`http://127.0.0.1:${k.d.httpAddress.port}${R}/stream`, { method: 'POST' })
  t.equal(res.status, 201)
  const rec = await res.json() as { id: string; status: string }
  t.equal(rec.status, 'running')
  const stop = await fetch(`http://127.0.0.1:${k.d.httpAddress.port}${R}/${rec.id}/stop`, { method: 'POST', body: '{}' })
  t.equal(stop.status, 200, 'a JSON body sent as text/plain is read as JSON')
  t.match((await k.post(`${R}/stream`, Buffer.from('{"id":'))).body.error, /invalid JSON body/)
})

t.test('batch recordings: the request is checked', async (t) => {
  const k = await start(t)
  const res = await k.call('POST', `${R}/batch`, { task: 'nope', start: '2023-01-01T00:00:00Z' })
  t.equal(res.status, 404)
  t.match((await k.call('POST', `${R}/batch`, { task: 'x' })).body.error, 'must provide start time')
})
