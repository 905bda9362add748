/**
 * The verbs' conversations with the API, against a small fake of Kapacitor's task
 * endpoints on loopback: what `define` creates and patches, when it reloads, how globs
 * are resolved, what is printed and the exit status. (test/cli/e2e.test.ts runs the same
 * verbs against the real daemon.)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { main } from '../../src/cli/main.js'
import type { Io } from '../../src/cli/context.js'

interface Req { method: string; path: string; query: string; body: unknown }
type Obj = Record<string, unknown>

interface Fake {
  url: string
  requests: Req[]
  tasks: Map<string, Obj>
  /** Requests other than the GETs, as `METHOD path body`. */
  writes(): string[]
}

const BAD_SCRIPT_ERROR = 'line 4 char 10: no method or property "perod" on *pipeline.WindowNode, did you mean "period"?'

function globRegex(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`)
}

async function startFake(t: Test): Promise<Fake> {
  const requests: Req[] = []
  const tasks = new Map<string, Obj>()
  const send = (res: ServerResponse, status: number, body?: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' })
    res.end(body === undefined ? '' : JSON.stringify(body))
  }
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const u = new URL(req.url ?? '/', 'http://x')
    const body = raw === '' ? undefined : JSON.parse(raw) as Obj
    requests.push({ method: req.method ?? '', path: decodeURIComponent(u.pathname), query: u.search, body })
    const m = /^\/kapacitor\/v1\/tasks(?:\/([^/]+))?$/.exec(u.pathname)
    if (u.pathname === '/kapacitor/v1/debug/vars') return send(res, 200, { cluster_id: 'c', version: '1.8.3' })
    if (m === null) return send(res, 404, { error: 'not found' })
    const id = m[1] === undefined ? undefined : decodeURIComponent(m[1])
    const link = (i: string): Obj => ({ rel: 'self', href: `/kapacitor/v1/tasks/${encodeURIComponent(i)}` })
    if (id === undefined && req.method === 'GET') {
      const pattern = u.searchParams.get('pattern')
      const re = pattern === null ? /.*/ : globRegex(pattern)
      return send(res, 200, { tasks: [...tasks.values()].filter((x) => re.test(String(x['id']))) })
    }
    if (id === undefined && req.method === 'POST') {
      if (String(body?.['script'] ?? '').includes('perod')) return send(res, 400, { error: BAD_SCRIPT_ERROR })
      const tid = String(body?.['id'])
      if (tasks.has(tid)) return send(res, 400, { error: `task ${tid} already exists` })
      const task = { link: link(tid), status: 'disabled', executing: false, dbrps: [], ...body }
      tasks.set(tid, task)
      return send(res, 200, task)
    }
    const task = id === undefined ? undefined : tasks.get(id)
    if (req.method === 'DELETE') {
      if (id !== undefined) tasks.delete(id)
      return send(res, 204)
    }
    if (task === undefined) return send(res, 404, { error: 'no task exists' })
    if (req.method === 'GET') return send(res, 200, task)
    if (req.method === 'PATCH') {
      if (String(body?.['script'] ?? '').includes('perod')) return send(res, 400, { error: BAD_SCRIPT_ERROR })
      Object.assign(task, body)
      task['executing'] = task['status'] === 'enabled'
      return send(res, 200, task)
    }
    return send(res, 405, { error: 'method not allowed' })
  }
  const server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => { raw += c })
    req.on('end', () => handle(req, res, raw))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => server.close(() => r())))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tasks,
    writes: () => requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}`),
  }
}

interface Run { code: number; out: string; err: string }

async function cli(url: string, ...argv: string[]): Promise<Run> {
  let out = ''
  let err = ''
  const io: Io = { out: (s) => { out += s }, err: (s) => { err += s } }
  const code = await main(['-url', url, ...argv], {}, io)
  return { code, out, err }
}

function tempDir(t: Test): string {
  const d = mkdtempSync(join(tmpdir(), 'kapacitor-cli-'))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}

const SCRIPT = "stream\n    |from()\n        .measurement('cpu')\n    |window()\n        .period(10s)\n"

t.test('define of a new task: one POST with the options given, status disabled', async (t) => {
  const fake = await startFake(t)
  const dir = tempDir(t)
  const tick = join(dir, 'cpu.tick')
  writeFileSync(tick, SCRIPT)
  const r = await cli(fake.url, 'define', 'cpu', '-tick', tick, '-type', 'stream', '-dbrp', '"telegraf"."autogen"', '-dbrp', 'db.rp')
  t.same(r, { code: 0, out: '', err: '' }, 'silent on success, as Kapacitor')
  t.same(fake.writes(), [
    `POST /kapacitor/v1/tasks ${JSON.stringify({ id: 'cpu', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }, { db: 'db', rp: 'rp' }], script: SCRIPT, status: 'disabled' })}`,
  ])
})

t.test('define of an existing task patches only the options given; a disabled task is not reloaded', async (t) => {
  const fake = await startFake(t)
  fake.tasks.set('cpu', { id: 'cpu', link: { rel: 'self', href: '/kapacitor/v1/tasks/cpu' }, status: 'disabled', type: 'stream', script: SCRIPT })
  const r = await cli(fake.url, 'define', 'cpu', '-dbrp', 'other.rp')
  t.equal(r.code, 0, r.err)
  t.same(fake.writes(), [`PATCH /kapacitor/v1/tasks/cpu ${JSON.stringify({ dbrps: [{ db: 'other', rp: 'rp' }] })}`])
})

t.test('define of an enabled task reloads it (disable, enable) unless -no-reload', async (t) => {
  const fake = await startFake(t)
  const dir = tempDir(t)
  const tick = join(dir, 'cpu.tick')
  writeFileSync(tick, SCRIPT)
  fake.tasks.set('cpu', { id: 'cpu', link: { rel: 'self', href: '/kapacitor/v1/tasks/cpu' }, status: 'enabled', type: 'stream', script: '' })
  t.equal((await cli(fake.url, 'define', 'cpu', '-tick', tick)).code, 0)
  t.same(fake.writes(), [
    `PATCH /kapacitor/v1/tasks/cpu ${JSON.stringify({ script: SCRIPT })}`,
    `PATCH /kapacitor/v1/tasks/cpu {"status":"disabled"}`,
    `PATCH /kapacitor/v1/tasks/cpu {"status":"enabled"}`,
  ])
  fake.requests.length = 0
  t.equal((await cli(fake.url, 'define', 'cpu', '-tick', tick, '-no-reload')).code, 0)
  t.same(fake.writes(), [`PATCH /kapacitor/v1/tasks/cpu ${JSON.stringify({ script: SCRIPT })}`])
})

t.test('define with a TICKscript error: the server\'s message, the local line and a caret; exit 1', async (t) => {
  const fake = await startFake(t)
  const dir = tempDir(t)
  const tick = join(dir, 'bad.tick')
  writeFileSync(tick, "stream\n    |from()\n    |window()\n        .perod(10s)\n")
  const r = await cli(fake.url, 'define', 'bad', '-tick', tick, '-type', 'stream', '-dbrp', 'telegraf.autogen')
  t.equal(r.code, 1)
  t.equal(r.out, '')
  t.equal(r.err, `${BAD_SCRIPT_ERROR}\n        .perod(10s)\n         ^\n`)
  t.notOk(fake.tasks.has('bad'))
})

t.test('define: -template and -vars are sent; a missing -tick file is reported with its path', async (t) => {
  const fake = await startFake(t)
  const dir = tempDir(t)
  const varsFile = join(dir, 'vars.json')
  writeFileSync(varsFile, JSON.stringify({ warn: { type: 'lambda', value: '"usage_idle" < 20' } }))
  const ok = await cli(fake.url, 'define', 'from_tpl', '-template', 'tpl', '-vars', varsFile, '-dbrp', 'telegraf.autogen')
  t.equal(ok.code, 0, ok.err)
  t.same(fake.requests.find((r) => r.method === 'POST')?.body, {
    id: 'from_tpl', dbrps: [{ db: 'telegraf', rp: 'autogen' }], 'template-id': 'tpl',
    vars: { warn: { type: 'lambda', value: '"usage_idle" < 20' } }, status: 'disabled',
  })
  const missing = await cli(fake.url, 'define', 'x', '-tick', join(dir, 'nope.tick'))
  t.equal(missing.code, 1)
  t.equal(missing.err, `open ${join(dir, 'nope.tick')}: no such file or directory\n`)
  writeFileSync(varsFile, '{nope')
  const badVars = await cli(fake.url, 'define', 'y', '-vars', varsFile)
  t.equal(badVars.code, 1)
  t.match(badVars.err, new RegExp(`^invalid JSON in file ${varsFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
})

t.test('define: a bad -type or -dbrp is a usage error (exit 2) and nothing is sent', async (t) => {
  const fake = await startFake(t)
  const badType = await cli(fake.url, 'define', 'x', '-type', 'streem')
  t.equal(badType.code, 2)
  t.match(badType.err, /invalid type "streem": must be stream or batch\n\nUsage: kapacitor define/)
  const badDbrp = await cli(fake.url, 'define', 'x', '-dbrp', 'telegraf')
  t.equal(badDbrp.code, 1)
  t.match(badDbrp.err, /does not contain a '\.'/)
  t.same(fake.writes(), [])
})

t.test('define streamer: a stream task with from and where, default dbrp telegraf.autogen', async (t) => {
  const fake = await startFake(t)
  const dir = tempDir(t)
  const script = join(dir, 's.tick')
  writeFileSync(script, "stream\n    |window()\n        .period(10s)\n")
  const r = await cli(fake.url, 'define', 'streamer', '--name', 'cpu_high', '--from', 'cpu', '--where', '"usage_idle" < 10', '--script', script)
  t.equal(r.code, 0, r.err)
  t.same(fake.writes(), [`POST /kapacitor/v1/tasks ${JSON.stringify({
    id: 'cpu_high', type: 'stream', script: "stream\n    |window()\n        .period(10s)\n",
    dbrps: [{ db: 'telegraf', rp: 'autogen' }], from: 'cpu', where: '"usage_idle" < 10', status: 'disabled',
  })}`])
  fake.requests.length = 0
  const single = await cli(fake.url, 'define', 'streamer', '-name', 'mem', '-from', 'mem', '-where', '-1 < "used"', '-script', script, '-dbrp', 'db.rp')
  t.equal(single.code, 0, single.err)
  t.match(fake.requests.find((x) => x.method === 'POST')?.body, { id: 'mem', dbrps: [{ db: 'db', rp: 'rp' }], where: '-1 < "used"' },
    'single-dash flags; a where expression may start with a dash')
})

t.test('define streamer without --name or --script is a usage error', async (t) => {
  const fake = await startFake(t)
  const r = await cli(fake.url, 'define', 'streamer', '--from', 'cpu')
  t.equal(r.code, 2)
  t.match(r.err, /define streamer needs --name/)
  const other = await cli(fake.url, 'define', 'cpu', '--from', 'cpu')
  t.equal(other.code, 2)
  t.match(other.err, /--from: only for 'define streamer --name <id> \.\.\.'/)
})

t.test('enable / disable: a plain ID is patched directly, a glob through the list; reload = disable all, then enable all', async (t) => {
  const fake = await startFake(t)
  for (const id of ['cpu_alert', 'mem_alert', 'disk']) fake.tasks.set(id, { id, link: { rel: 'self', href: `/kapacitor/v1/tasks/${id}` }, status: 'disabled' })
  t.equal((await cli(fake.url, 'enable', 'disk', '*_alert')).code, 0)
  t.same(fake.writes(), [
    'PATCH /kapacitor/v1/tasks/disk {"status":"enabled"}',
    'PATCH /kapacitor/v1/tasks/cpu_alert {"status":"enabled"}',
    'PATCH /kapacitor/v1/tasks/mem_alert {"status":"enabled"}',
  ])
  t.ok(fake.requests.some((r) => r.method === 'GET' && r.query.includes('pattern=*_alert') && r.query.includes('fields=link')), 'the glob is listed with fields=link')
  fake.requests.length = 0
  t.equal((await cli(fake.url, 'reload', 'cpu_alert', 'disk')).code, 0)
  t.same(fake.writes(), [
    'PATCH /kapacitor/v1/tasks/cpu_alert {"status":"disabled"}',
    'PATCH /kapacitor/v1/tasks/disk {"status":"disabled"}',
    'PATCH /kapacitor/v1/tasks/cpu_alert {"status":"enabled"}',
    'PATCH /kapacitor/v1/tasks/disk {"status":"enabled"}',
  ])
  fake.requests.length = 0
  t.equal((await cli(fake.url, 'disable', 'nothing_*')).code, 0, 'a glob that matches nothing is not an error')
  t.same(fake.writes(), [])
})

t.test('enable of a task that does not exist: the server\'s error, exit 1', async (t) => {
  const fake = await startFake(t)
  const r = await cli(fake.url, 'enable', 'ghost')
  t.same(r, { code: 1, out: '', err: 'enabling task ghost: no task exists\n' })
})

t.test('delete tasks: IDs and globs; deleting what does not exist is not an error', async (t) => {
  const fake = await startFake(t)
  for (const id of ['a1', 'a2', 'b']) fake.tasks.set(id, { id, link: { rel: 'self', href: `/kapacitor/v1/tasks/${id}` } })
  const r = await cli(fake.url, 'delete', 'tasks', 'a*', 'ghost')
  t.equal(r.code, 0, r.err)
  t.same([...fake.tasks.keys()], ['b'])
  const wrong = await cli(fake.url, 'delete', 'taks', 'b')
  t.equal(wrong.code, 1)
  t.equal(wrong.err, "cannot delete 'taks' did you mean 'tasks', 'templates', 'recordings', 'replays', 'topics' or 'topic-handlers'?\n")
})

t.test('list tasks with patterns; show prints the task; show of a missing task is the server\'s error', async (t) => {
  const fake = await startFake(t)
  fake.tasks.set('cpu', { id: 'cpu', type: 'stream', status: 'enabled', executing: true, dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: 'stream\n', dot: 'digraph cpu {\n}', created: '2026-11-25T16:00:00Z' })
  fake.tasks.set('mem', { id: 'mem', type: 'batch', status: 'disabled', executing: false, dbrps: [] })
  const all = await cli(fake.url, 'list', 'tasks')
  t.equal(all.out, 'ID  Type      Status    Executing Databases and Retention Policies\ncpu stream    enabled   true      ["telegraf"."autogen"]\nmem batch     disabled  false     []\n')
  const one = await cli(fake.url, 'list', 'tasks', 'c*')
  t.equal(one.out.split('\n').length, 3, 'header, cpu, final newline')
  const shown = await cli(fake.url, 'show', 'cpu')
  t.equal(shown.code, 0)
  t.match(shown.out, /^ID: cpu\nError: \nTemplate: \nType: stream\nStatus: enabled\nExecuting: true\nCreated: 25 Nov 26 16:00 UTC\n/)
  const missing = await cli(fake.url, 'show', 'ghost')
  t.same(missing, { code: 1, out: '', err: 'no task exists\n' })
})

t.test('the URL: -url wins over KAPACITOR_URL, which wins over the default; no server is a clear error', async (t) => {
  const fake = await startFake(t)
  let err = ''
  const io: Io = { out: () => {}, err: (s) => { err += s } }
  t.equal(await main(['stats', 'general'], { KAPACITOR_URL: fake.url }, io), 0, 'KAPACITOR_URL is used')
  t.equal(fake.requests.at(-1)?.path, '/kapacitor/v1/debug/vars')
  // a port that was just free: connection refused
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const closedPort = (probe.address() as { port: number }).port
  await new Promise<void>((r) => probe.close(() => r()))
  const code = await main(['-url', `http://127.0.0.1:${closedPort}`, 'list', 'tasks'], { KAPACITOR_URL: fake.url }, io)
  t.equal(code, 1)
  t.match(err, new RegExp(`GET http://127\\.0\\.0\\.1:${closedPort}/kapacitor/v1/tasks\\S*: connect ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}`))
})

t.test('usage: no command, an unknown command, an unknown flag, help', async (t) => {
  const none = await cli('http://127.0.0.1:9092')
  t.equal(none.code, 2)
  t.match(none.err, /^Error: Must pass a command\.\n/)
  const unknown = await cli('http://127.0.0.1:9092', 'frobnicate')
  t.equal(unknown.code, 2)
  t.match(unknown.err, /^Unknown command frobnicate\n/)
  const flag = await cli('http://127.0.0.1:9092', 'define', 'x', '-tik', 'a.tick')
  t.equal(flag.code, 2)
  t.match(flag.err, /Unknown argument: tik\n\nUsage: kapacitor define/)
  const help = await cli('http://127.0.0.1:9092', 'help', 'enable')
  t.equal(help.code, 0)
  t.match(help.out, /^Usage: kapacitor enable \[task ID\.\.\.\]/)
  const dashHelp = await cli('http://127.0.0.1:9092', 'list', '--help')
  t.match(dashHelp.out, /^Usage: kapacitor list/)
  const version = await cli('http://127.0.0.1:9092', 'version')
  t.match(version.out, /^Kapacitor OSS 1\.8\.3 \(kapacitor-ts \d+\.\d+\.\d+\)\n$/)
})

t.test('credentials in the URL become a Basic Authorization header', async (t) => {
  let auth: string | undefined
  const server = createServer((req, res) => {
    auth = req.headers.authorization
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end('{"tasks":[]}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => server.close(() => r())))
  const port = (server.address() as { port: number }).port
  const r = await cli(`http://admin:s%40cret@127.0.0.1:${port}`, 'list', 'tasks')
  t.equal(r.code, 0, r.err)
  t.equal(auth, `Basic ${Buffer.from('admin:s@cret').toString('base64')}`)
})
