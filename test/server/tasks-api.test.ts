/**
 * The task and template API end to end against a real daemon: define a stream task over
 * HTTP, write line protocol to /write, read the httpOut endpoint; the task object's
 * fields; bad scripts refused with Kapacitor's `line N char M` text; enable-time errors
 * kept in `error`; tasks enabled again after a restart on the same data directory;
 * templates and the design doc's streamer fields.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'

interface Res { status: number; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

async function startIn(dataDir: string): Promise<Daemon> {
  const base = defaultConfig()
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false } }
  return startDaemon({ config, logger: silentLogger() })
}

async function start(t: Test): Promise<{ daemon: () => Daemon; restart: () => Promise<void>; call: (method: string, path: string, body?: unknown) => Promise<Res>; write: (lines: string, query?: string) => Promise<number> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-tasks-'))
  let d = await startIn(dataDir)
  t.teardown(async () => {
    await d.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const base = (): string => `http://127.0.0.1:${d.httpAddress.port}`
  return {
    daemon: () => d,
    async restart() {
      await d.stop()
      d = await startIn(dataDir)
    },
    async call(method, path, body) {
      const res = await fetch(base() + path, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
      const text = await res.text()
      return { status: res.status, body: text === '' ? null : JSON.parse(text) }
    },
    async write(lines, query = 'db=telegraf&rp=autogen&precision=s') {
      const res = await fetch(`${base()}/write?${query}`, { method: 'POST', body: lines })
      await res.text()
      return res.status
    },
  }
}

const WINDOW_SCRIPT = `stream
  |from().measurement('cpu').where(lambda: "host" == 'a')
  |window().period(10s).every(10s)
  |httpOut('out')
`

t.test('define, enable, write, read httpOut', async (t) => {
  const k = await start(t)
  const created = await k.call('POST', '/kapacitor/v1/tasks', {
    id: 'cpu_window', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: WINDOW_SCRIPT, status: 'enabled',
  })
  t.equal(created.status, 200)
  t.match(created.body, {
    link: { rel: 'self', href: '/kapacitor/v1/tasks/cpu_window' }, id: 'cpu_window', 'template-id': '', type: 'stream',
    dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'enabled', executing: true, error: '', vars: {},
  })
  t.match(created.body.dot, /^digraph cpu_window \{\ngraph \[throughput="0\.00 points\/s"\];/)
  t.same((await k.call('GET', '/kapacitor/v1/tasks/cpu_window/out')).body, { series: null }, 'no data yet')

  // 12 seconds of two hosts; the first window [0s, 10s) of host a is emitted at 10s
  let lines = ''
  for (let s = 0; s < 12; s++) lines += `cpu,host=a value=${s}i ${s}\ncpu,host=b value=${100 + s} ${s}\nmem,host=a used=1 ${s}\n`
  t.equal(await k.write(lines), 204)
  const out = await k.call('GET', '/kapacitor/v1/tasks/cpu_window/out')
  t.equal(out.status, 200)
  t.same(out.body, {
    series: [{
      name: 'cpu', columns: ['time', 'host', 'value'],
      values: Array.from({ length: 10 }, (_, s) => [`1970-01-01T00:00:${String(s).padStart(2, '0')}Z`, 'a', s]),
    }],
  })
  const got = await k.call('GET', '/kapacitor/v1/tasks/cpu_window')
  const stats = got.body.stats['node-stats']
  t.equal(stats.from1.collected, 24, 'from saw the cpu points only (matcher routed by measurement)')
  t.equal(stats.from1.emitted, 12, 'where kept host a')
  t.equal(stats.window2.emitted, 1)
  t.match(got.body.dot, /from1 -> window2 \[processed="12"\];/)

  const vars = (await k.call('GET', '/kapacitor/v1/debug/vars')).body
  t.equal(vars.num_tasks, 1)
  t.equal(vars.num_enabled_tasks, 1)

  // writes to another db do not reach the task
  t.equal(await k.write('cpu,host=a value=99i 13', 'db=other&rp=autogen&precision=s'), 204)
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/cpu_window')).body.stats['node-stats'].from1.collected, 24)
})

t.test('an empty rp on /write is the default retention policy', async (t) => {
  const k = await start(t)
  await k.call('POST', '/kapacitor/v1/tasks', { id: 'p', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: 'stream|from().measurement(\'cpu\')|httpOut(\'o\')', status: 'enabled' })
  t.equal(await k.write('cpu v=1 5', 'db=telegraf&precision=s'), 204)
  t.same((await k.call('GET', '/kapacitor/v1/tasks/p/o')).body, { series: [{ name: 'cpu', columns: ['time', 'v'], values: [['1970-01-01T00:00:05Z', 1]] }] })
})

t.test('bad scripts and ids are refused with Kapacitor\'s messages', async (t) => {
  const k = await start(t)
  const bad = await k.call('POST', '/kapacitor/v1/tasks', { id: 'bad', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: 'stream\n  |from()\n  |window().perod(10s)\n' })
  t.equal(bad.status, 400)
  t.match(bad.body.error, /^line 3 char 13: .*perod.*did you mean "period"/)
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/bad')).status, 404, 'nothing stored')
  const badId = await k.call('POST', '/kapacitor/v1/tasks', { id: 'a/b', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: 'stream|from()' })
  t.equal(badId.status, 400)
  const ok = await k.call('POST', '/kapacitor/v1/tasks', { id: 'ünïcode-1.2_x', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: 'stream|from()' })
  t.equal(ok.status, 200, 'letters of any script are allowed in ids')
  const dup = await k.call('POST', '/kapacitor/v1/tasks', { id: 'ünïcode-1.2_x', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: 'stream|from()' })
  t.equal(dup.status, 400)
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/nope')).status, 404)
})

t.test('a task that cannot start keeps the message in error; the daemon goes on', async (t) => {
  const k = await start(t)
  // kapacitorLoopback into one of the task's own dbrps is refused at start (loop detected)
  const r = await k.call('POST', '/kapacitor/v1/tasks', {
    id: 'loop', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'enabled',
    script: "stream|from().measurement('cpu')|kapacitorLoopback().database('telegraf').retentionPolicy('autogen')",
  })
  t.equal(r.status, 200)
  t.equal(r.body.status, 'enabled')
  t.equal(r.body.executing, false)
  t.not(r.body.error, '')
  t.equal(await k.write('cpu v=1 1'), 204, 'the daemon still takes writes')
})

t.test('enabled tasks run again after a restart; disabled ones stay disabled', async (t) => {
  const k = await start(t)
  await k.call('POST', '/kapacitor/v1/tasks', { id: 'on', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: WINDOW_SCRIPT, status: 'enabled' })
  await k.call('POST', '/kapacitor/v1/tasks', { id: 'off', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: WINDOW_SCRIPT })
  const before = (await k.call('GET', '/kapacitor/v1/tasks/on')).body
  await k.restart()
  const on = (await k.call('GET', '/kapacitor/v1/tasks/on')).body
  t.equal(on.executing, true)
  t.equal(on.status, 'enabled')
  t.equal(on.created, before.created)
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/off')).body.executing, false)
  let lines = ''
  for (let s = 0; s < 11; s++) lines += `cpu,host=a value=${s} ${s}\n`
  await k.write(lines)
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/on/out')).body.series[0].values.length, 10)
})

t.test('patch: disable, enable, change script, rename; list with pattern, fields, offset, limit; delete', async (t) => {
  const k = await start(t)
  for (const id of ['a1', 'a2', 'b1']) await k.call('POST', '/kapacitor/v1/tasks', { id, dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: WINDOW_SCRIPT, status: 'enabled' })
  t.equal((await k.call('PATCH', '/kapacitor/v1/tasks/a1', { status: 'disabled' })).body.executing, false)
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/a1/out')).status, 404, 'endpoints go away with the run')
  const re = await k.call('PATCH', '/kapacitor/v1/tasks/a1', { status: 'enabled' })
  t.equal(re.body.executing, true)
  t.not(re.body['last-enabled'], '0001-01-01T00:00:00Z')
  const changed = await k.call('PATCH', '/kapacitor/v1/tasks/a2', { script: "stream|from().measurement('mem')|httpOut('m')" })
  t.equal(changed.status, 200)
  t.equal(changed.body.executing, true, 'reloaded')
  t.same(changed.body.dbrps, [{ db: 'telegraf', rp: 'autogen' }], 'dbrps kept')
  await k.write('mem used=5 1')
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/a2/m')).body.series[0].values[0][1], 5)
  t.equal((await k.call('PATCH', '/kapacitor/v1/tasks/a2', { script: 'stream|from()|window().perod(1s)' })).status, 400, 'a bad script change is refused')
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/a2')).body.executing, true, 'and the old one keeps running')
  const renamed = await k.call('PATCH', '/kapacitor/v1/tasks/b1', { id: 'b2' })
  t.equal(renamed.body.id, 'b2')
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/b1')).status, 404)

  const all = (await k.call('GET', '/kapacitor/v1/tasks')).body.tasks.map((x: { id: string }) => x.id)
  t.same(all, ['a1', 'a2', 'b2'])
  t.same((await k.call('GET', '/kapacitor/v1/tasks?pattern=a*')).body.tasks.map((x: { id: string }) => x.id), ['a1', 'a2'])
  t.same((await k.call('GET', '/kapacitor/v1/tasks?offset=1&limit=1')).body.tasks.map((x: { id: string }) => x.id), ['a2'])
  const fields = (await k.call('GET', '/kapacitor/v1/tasks?fields=status&fields=executing&pattern=a1')).body.tasks
  t.same(fields, [{ link: { rel: 'self', href: '/kapacitor/v1/tasks/a1' }, id: 'a1', status: 'enabled', executing: true }])
  t.equal((await k.call('DELETE', '/kapacitor/v1/tasks/a1')).status, 204)
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/a1')).status, 404)
})

t.test('templates: vars, tasks from a template, updating the template updates its tasks', async (t) => {
  const k = await start(t)
  const tpl = await k.call('POST', '/kapacitor/v1/templates', {
    id: 'by_measurement', type: 'stream',
    script: "var m string\nvar n = 2\nstream|from().measurement(m)|window().periodCount(n).everyCount(n)|httpOut('w')\n",
  })
  t.equal(tpl.status, 200)
  t.match(tpl.body.vars.m, { type: 'string', description: '' })
  t.equal(tpl.body.vars.n.type, 'int')
  const task = await k.call('POST', '/kapacitor/v1/tasks', {
    id: 'from_tpl', 'template-id': 'by_measurement', dbrps: [{ db: 'telegraf', rp: 'autogen' }],
    vars: { m: { type: 'string', value: 'disk' } }, status: 'enabled',
  })
  t.equal(task.status, 200)
  t.equal(task.body['template-id'], 'by_measurement')
  await k.write('disk free=1 1\ndisk free=2 2\n')
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/from_tpl/w')).body.series[0].values.length, 2)
  const missing = await k.call('POST', '/kapacitor/v1/tasks', { id: 'novars', 'template-id': 'by_measurement', dbrps: [{ db: 'telegraf', rp: 'autogen' }] })
  t.equal(missing.status, 400, 'a template var without a value')
  const upd = await k.call('PATCH', '/kapacitor/v1/templates/by_measurement', {
    script: "var m string\nvar n = 3\nstream|from().measurement(m)|window().periodCount(n).everyCount(n)|httpOut('w3')\n",
  })
  t.equal(upd.status, 200)
  const after = (await k.call('GET', '/kapacitor/v1/tasks/from_tpl')).body
  t.equal(after.executing, true)
  t.match(after.script, /w3/)
  t.equal((await k.call('GET', '/kapacitor/v1/tasks/from_tpl/w3')).status, 200)
})

t.test('a streamer: from and where from the definition, design-doc script', async (t) => {
  const k = await start(t)
  const r = await k.call('POST', '/kapacitor/v1/tasks', {
    id: 'streamer', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'enabled',
    from: 'cpu_idle', where: "cpu = 'cpu-total'",
    script: "var w = stream.window().period(10s).every(10s)\nw.httpOut('s')\n",
  })
  t.equal(r.status, 200, JSON.stringify(r.body))
  let lines = ''
  for (let s = 0; s < 11; s++) lines += `cpu_idle,cpu=cpu-total value=${s} ${s}\ncpu_idle,cpu=cpu0 value=1 ${s}\ncpu,cpu=cpu-total value=7 ${s}\n`
  await k.write(lines)
  const out = (await k.call('GET', '/kapacitor/v1/tasks/streamer/s')).body
  t.equal(out.series[0].name, 'cpu_idle')
  t.same(out.series[0].values.map((v: unknown[]) => v[2]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  const bad = await k.call('POST', '/kapacitor/v1/tasks', { id: 's2', dbrps: [{ db: 'telegraf', rp: 'autogen' }], where: "cpu == == 'x'", script: 'stream|httpOut(\'x\')' })
  t.equal(bad.status, 400)
  t.match(bad.body.error, /where:/)
})

t.test('deleting a task deletes its alert nodes\' anonymous topics, not named ones', async (t) => {
  const k = await start(t)
  const script = `stream|from().measurement('cpu')|alert().crit(lambda: "v" > 1)
stream|from().measurement('cpu')|alert().crit(lambda: "v" > 1).topic('shared')`
  t.equal((await k.call('POST', '/kapacitor/v1/tasks', { id: 'al', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script, status: 'enabled' })).status, 200)
  await k.write('cpu v=5 1')
  const ids = async (): Promise<string[]> => ((await k.call('GET', '/kapacitor/v1/alerts/topics')).body.topics as Array<{ id: string }>).map((x) => x.id).sort()
  t.same(await ids(), ['main:al:alert2', 'shared'])
  t.equal((await k.call('DELETE', '/kapacitor/v1/tasks/al')).status, 204)
  t.same(await ids(), ['shared'])
})

t.test('a JSON body is read whatever its Content-Type, as Kapacitor does (curl -d sends a form type)', async (t) => {
  const k = await start(t)
  const base = `http://127.0.0.1:${k.daemon().httpAddress.port}`
  const post = async (path: string, body: string, type?: string): Promise<{ status: number; body: any }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await fetch(base + path, { method: 'POST', body, headers: type === undefined ? {} : { 'content-type': type } })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : JSON.parse(text) }
  }
  const task = JSON.stringify({ id: 'curl_task', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: WINDOW_SCRIPT, status: 'enabled' })
  const created = await post('/kapacitor/v1/tasks', task, 'application/x-www-form-urlencoded')
  t.equal(created.status, 200, JSON.stringify(created.body))
  t.equal(created.body.executing, true)
  const tpl = await post('/kapacitor/v1/templates', JSON.stringify({ id: 'curl_tpl', type: 'stream', script: WINDOW_SCRIPT }), 'text/plain')
  t.equal(tpl.status, 200, JSON.stringify(tpl.body))
  const handler = await post('/kapacitor/v1/alerts/topics/curl_topic/handlers', JSON.stringify({ id: 'h', kind: 'post', options: { url: 'http://127.0.0.1:1/x' } }), 'application/x-www-form-urlencoded')
  t.equal(handler.status, 200, JSON.stringify(handler.body))
  const bad = await post('/kapacitor/v1/tasks', '{"id": ', 'application/x-www-form-urlencoded')
  t.equal(bad.status, 400)
  t.match(bad.body.error, /invalid JSON body/)
})
