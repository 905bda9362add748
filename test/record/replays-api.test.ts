/**
 * The replays API end to end against a real daemon, with recordings made through the
 * daemon (`POST /recordings/stream`, `/write`, `POST /recordings/<id>/stop`): the
 * determinism test over HTTP (three replays, byte-identical `?replay-id=` httpOut bodies
 * and the same alert bodies at a real listener), the replay object and its statuses
 * (202 while running), `?replay-id=` on the task view, list/delete, and the server's
 * messages for bad requests.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'
import { cpuAlertScript } from './cpu-alert-script.js'

interface Res { status: number; text: string; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

interface Api {
  d: Daemon
  call(method: string, path: string, body?: unknown): Promise<Res>
  write(lines: string): Promise<void>
  /** polls GET /replays/<id> until it is no longer running */
  waitReplay(id: string): Promise<Res>
}

async function start(t: Test): Promise<Api> {
  const dataDir = mkdtempSync(join(tmpdir(), 'replays-api-'))
  const base = defaultConfig()
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false } }
  const d = await startDaemon({ config, logger: silentLogger() })
  t.teardown(async () => {
    await d.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const url = `http://127.0.0.1:${d.httpAddress.port}`
  const call = async (method: string, path: string, body?: unknown): Promise<Res> => {
    const res = await fetch(url + path, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
    const text = await res.text()
    return { status: res.status, text, body: text === '' ? null : JSON.parse(text) }
  }
  return {
    d, call,
    async write(lines) {
      const res = await fetch(`${url}/write?db=telegraf&rp=autogen&precision=s`, { method: 'POST', body: lines })
      await res.text()
      if (res.status !== 204) throw new Error(`write: ${res.status}`)
    },
    async waitReplay(id) {
      const deadline = Date.now() + 60_000
      for (;;) {
        const r = await call('GET', `/kapacitor/v1/replays/${id}`)
        if (r.status !== 202) return r
        if (Date.now() > deadline) throw new Error(`replay ${id} still running: ${r.text}`)
        await new Promise((res) => setTimeout(res, 20))
      }
    },
  }
}

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

/** Two minutes of two hosts at one point a second (seconds precision): a warm for 20 s, b hot in the second minute. */
function cpuLines(): string {
  let out = ''
  for (let s = 0; s < 120; s++) {
    const a = s >= 30 && s < 50 ? 50 : (s % 7) * 3
    const b = s >= 60 ? 90 + (s % 5) : 20 + (s % 3)
    const t = 1_600_000_000 + s
    out += `cpu,host=a v=${a},n=${s}i ${t}\ncpu,host=b v=${b},n=${s}i ${t}\nmem,host=a used=1 ${t}\n`
  }
  return out
}


/** A stream recording of everything written while it runs. */
async function record(api: Api, id: string, lines: string): Promise<void> {
  const r = await api.call('POST', '/kapacitor/v1/recordings/stream', { id })
  if (r.status !== 201) throw new Error(`start recording: ${r.status} ${r.text}`)
  await api.write(lines)
  const s = await api.call('POST', `/kapacitor/v1/recordings/${id}/stop`)
  if (s.status !== 200) throw new Error(`stop recording: ${s.status} ${s.text}`)
}

t.test('determinism over HTTP: a recording replayed three times gives byte-identical httpOut and the same alerts', async (t) => {
  const api = await start(t)
  const sink = await listener(t)
  t.equal((await api.call('POST', '/kapacitor/v1/tasks', { id: 'cpu_mean', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: cpuAlertScript(sink.url) })).status, 200)
  await record(api, 'rec', cpuLines())

  const outputs: string[] = []
  const alerts: string[][] = []
  for (const id of ['r1', 'r2', 'r3']) {
    const created = await api.call('POST', '/kapacitor/v1/replays', { id, task: 'cpu_mean', recording: 'rec', 'recording-time': true })
    t.equal(created.status, 201, created.text)
    t.match(created.body, {
      link: { rel: 'self', href: `/kapacitor/v1/replays/${id}` }, id, task: 'cpu_mean', recording: 'rec',
      'recording-time': true, clock: 'fast', error: '', status: 'running', progress: 0,
    })
    const done = await api.waitReplay(id)
    t.equal(done.status, 200)
    t.match(done.body, { id, status: 'finished', error: '', progress: 1 })
    t.equal(done.body.stats['node-stats'].from1.collected, 240, 'the cpu points of the recording reached the task, mem did not')
    const out = await api.call('GET', `/kapacitor/v1/tasks/cpu_mean/out?replay-id=${id}`)
    t.equal(out.status, 200)
    outputs.push(out.text)
    alerts.push(sink.bodies.splice(0))
  }
  t.equal(outputs[1], outputs[0], 'second replay: the same bytes')
  t.equal(outputs[2], outputs[0], 'third replay: the same bytes')
  t.same(JSON.parse(outputs[0]!).series.map((s: { tags: unknown; values: unknown[][] }) => [s.tags, s.values[0]![1], String(s.values[0]![0]).slice(0, 13)]), [
    [{ host: 'a' }, 9, '2020-09-13T12'],
    [{ host: 'b' }, 92, '2020-09-13T12'],
  ], 'the last window of each host, recorded times kept')
  t.same(alerts[1], alerts[0])
  t.same(alerts[2], alerts[0])
  t.same(alerts[0]!.map((b) => { const e = JSON.parse(b) as { id: string; level: string }; return `${e.id}:${e.level}` }),
    ['a:WARNING', 'a:WARNING', 'a:OK', 'b:CRITICAL', 'b:CRITICAL', 'b:CRITICAL', 'b:CRITICAL', 'b:CRITICAL'])

  // the live httpOut is untouched; the replay's stays until the replay is deleted
  t.equal((await api.call('GET', '/kapacitor/v1/tasks/cpu_mean/out')).status, 404, 'the task is not enabled: no live endpoint')
  const list = await api.call('GET', '/kapacitor/v1/replays')
  t.same(list.body.replays.map((r: { id: string }) => r.id), ['r1', 'r2', 'r3'])
  t.notOk('stats' in list.body.replays[0], 'the list leaves stats out, as Kapacitor')
  t.equal((await api.call('GET', '/kapacitor/v1/replays?pattern=r2&fields=status')).text, '{"replays":[{"status":"finished","id":"r2","link":{"rel":"self","href":"/kapacitor/v1/replays/r2"}}]}')
  t.equal((await api.call('DELETE', '/kapacitor/v1/replays/r1')).status, 204)
  t.equal((await api.call('GET', '/kapacitor/v1/replays/r1')).status, 404)
  const gone = await api.call('GET', '/kapacitor/v1/tasks/cpu_mean/out?replay-id=r1')
  t.equal(gone.status, 404)
  t.equal(gone.body.error, 'unknown replay r1')
})

t.test('a running replay: 202, the task inside it with ?replay-id=, DELETE stops it', async (t) => {
  const api = await start(t)
  await api.call('POST', '/kapacitor/v1/tasks', { id: 'w', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: `stream|from().measurement('cpu')|httpOut('out')` })
  // an hour between the two points: the real clock waits for it
  await record(api, 'slow', 'cpu,host=a v=1 1600000000\ncpu,host=a v=2 1600003600\n')
  const created = await api.call('POST', '/kapacitor/v1/replays', { id: 'live', task: 'w', recording: 'slow', clock: 'real' })
  t.equal(created.status, 201, created.text)
  const running = await api.call('GET', '/kapacitor/v1/replays/live')
  t.equal(running.status, 202)
  t.equal(running.body.status, 'running')
  let view = await api.call('GET', '/kapacitor/v1/tasks/w?replay-id=live')
  for (let i = 0; i < 100 && view.body.stats['node-stats']?.from1?.collected !== 1; i++) {
    await new Promise((r) => setTimeout(r, 20))
    view = await api.call('GET', '/kapacitor/v1/tasks/w?replay-id=live')
  }
  t.equal(view.body.executing, true, 'the task executes inside the replay')
  t.equal(view.body.stats['node-stats'].from1.collected, 1, 'the first point replayed, the second waits for the real clock')
  t.equal((await api.call('GET', '/kapacitor/v1/tasks/w')).body.executing, false, 'the live task is not running')
  t.equal((await api.call('DELETE', '/kapacitor/v1/replays/live')).status, 204)
  t.equal((await api.call('GET', '/kapacitor/v1/replays/live')).status, 404)
  t.equal((await api.call('DELETE', '/kapacitor/v1/replays/live')).status, 204, 'deleting an unknown replay is fine, as Kapacitor')
})

t.test('bad requests get the server\'s message', async (t) => {
  const api = await start(t)
  await api.call('POST', '/kapacitor/v1/tasks', { id: 'w', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: `stream|from().measurement('cpu')|httpOut('out')` })
  await record(api, 'rec', 'cpu,host=a v=1 1600000000\n')
  const cases: Array<[string, string, unknown, number, string]> = [
    ['POST', '/kapacitor/v1/replays', { task: 'nope', recording: 'rec' }, 404, 'task load: no task exists with ID nope'],
    ['POST', '/kapacitor/v1/replays', { task: 'w', recording: 'nope' }, 404, 'recording not found: '],
    ['POST', '/kapacitor/v1/replays', { task: 'w', recording: 'rec', clock: 'wall' }, 400, 'invalid clock type wall'],
    ['POST', '/kapacitor/v1/replays', { task: 'w' }, 400, 'must provide recording'],
    ['POST', '/kapacitor/v1/replays', undefined, 400, 'body must be object'],
    ['POST', '/kapacitor/v1/replays', { recording: 'rec' }, 400, 'must provide task'],
    ['POST', '/kapacitor/v1/replays', { task: 'w', recording: 'rec', 'recording-time': 'yes' }, 400, 'body/recording-time must be boolean'],
    ['POST', '/kapacitor/v1/replays', { id: 'no spaces', task: 'w', recording: 'rec' }, 400, `replay ID must contain only letters, numbers, '-', '.' and '_'. "no spaces"`],
    ['POST', '/kapacitor/v1/replays/batch', { task: 'w', start: '2020-01-01T00:00:00Z' }, 400, 'cannot replay batch against stream task: w'],
    ['POST', '/kapacitor/v1/replays/batch', { task: 'w' }, 400, 'must provide start time'],
    ['POST', '/kapacitor/v1/replays/query', { task: 'w' }, 400, 'must provide query'],
    ['POST', '/kapacitor/v1/replays/query', { task: 'w', query: 'SELECT v FROM cpu' }, 400, 'could not determine database and retention policy. Is the query fully qualified?'],
    ['GET', '/kapacitor/v1/replays/nope', undefined, 404, 'could not find replay: no replay exists with ID nope'],
  ]
  for (const [method, path, body, status, message] of cases) {
    const r = await api.call(method, path, body)
    t.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}`)
    t.ok(String(r.body?.error).startsWith(message), `${r.body?.error} starts with ${message}`)
  }
})

t.test('what a union holds at the end of the replay is emitted, and the alert it fires is delivered', async (t) => {
  const api = await start(t)
  const sink = await listener(t)
  // the union waits for both streams before emitting; `hot` ends after `cold`, so its last
  // (alerting) point is only emitted when the replay's data ends
  const script = `var cold = stream|from().measurement('cold')
var hot = stream|from().measurement('hot')
cold
  |union(hot)
  |alert()
    .id('{{ .Name }}')
    .crit(lambda: "v" > 90)
    .post('${sink.url}')
`
  t.equal((await api.call('POST', '/kapacitor/v1/tasks', { id: 'u', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script })).status, 200)
  await record(api, 'union_rec', 'cold v=1 1600000000\nhot v=2 1600000000\ncold v=3 1600000001\nhot v=99 1600000005\n')
  t.equal((await api.call('POST', '/kapacitor/v1/replays', { id: 'ur', task: 'u', recording: 'union_rec', 'recording-time': true })).status, 201)
  const done = await api.waitReplay('ur')
  t.equal(done.body.status, 'finished', done.text)
  t.equal(done.body.error, '')
  t.equal(sink.bodies.length, 1, 'the CRITICAL fired at the end was delivered')
  t.match(JSON.parse(sink.bodies[0]!), { id: 'hot', level: 'CRITICAL' })
})
