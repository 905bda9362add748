/**
 * The alert topics API end to end against a real daemon: topics and their levels, events,
 * handlers defined, replaced, patched and deleted over HTTP; a `post` handler delivering
 * to a real HTTP listener; topic levels, events and handlers back after a restart on the
 * same data directory, and after the daemon was killed with SIGKILL.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { handlerByKind } from '../../src/alert/handlers/index.js'
import type { AlertEvent, AlertLevel } from '../../src/alert/types.js'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'

interface Res { status: number; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

async function startIn(dataDir: string): Promise<Daemon> {
  const base = defaultConfig()
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false } }
  return startDaemon({ config, logger: silentLogger() })
}

interface Kapacitor {
  daemon: () => Daemon
  dataDir: string
  restart: () => Promise<void>
  call: (method: string, path: string, body?: unknown, contentType?: string) => Promise<Res>
}

async function start(t: Test): Promise<Kapacitor> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-alerts-'))
  let d = await startIn(dataDir)
  t.teardown(async () => {
    await d.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return {
    daemon: () => d,
    dataDir,
    async restart() {
      await d.stop()
      d = await startIn(dataDir)
    },
    async call(method, path, body, contentType = 'application/json') {
      const res = await fetch(`http://127.0.0.1:${d.httpAddress.port}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': contentType } } : {}) })
      const text = await res.text()
      return { status: res.status, body: text === '' ? null : JSON.parse(text) }
    },
  }
}

function event(topic: string, id: string, level: AlertLevel, over: Partial<AlertEvent> = {}): AlertEvent {
  return {
    topic, id, level, message: `${id} is ${level}`, details: '', time: 10_000_000_000n, duration: 0n,
    previousLevel: 'OK', recoverable: true, data: [], taskName: 'task', tags: {}, ...over,
  }
}

const T = '/kapacitor/v1/alerts/topics'

t.test('topics, levels and events', async (t) => {
  const k = await start(t)
  t.same((await k.call('GET', T)).body, { link: { rel: 'self', href: T }, topics: [] })
  const pub = k.daemon().topics
  pub.publish(event('cpu', 'host=a', 'WARNING', { message: 'a is hot', details: 'd', time: 31_536_010_500_000_000n, duration: 90_000_000_000n }))
  pub.publish(event('cpu', 'host=b', 'CRITICAL'))
  pub.publish(event('cpu', 'host=b', 'OK'))
  pub.publish(event('main:task1:alert2', 'x', 'CRITICAL'))

  const list = await k.call('GET', T)
  t.equal(list.status, 200)
  t.same(list.body, {
    link: { rel: 'self', href: T },
    topics: [
      {
        link: { rel: 'self', href: `${T}/cpu` }, id: 'cpu', level: 'WARNING', collected: 3,
        'events-link': { rel: 'events', href: `${T}/cpu/events` }, 'handlers-link': { rel: 'handlers', href: `${T}/cpu/handlers` },
      },
      {
        link: { rel: 'self', href: `${T}/main:task1:alert2` }, id: 'main:task1:alert2', level: 'CRITICAL', collected: 1,
        'events-link': { rel: 'events', href: `${T}/main:task1:alert2/events` }, 'handlers-link': { rel: 'handlers', href: `${T}/main:task1:alert2/handlers` },
      },
    ],
  })
  t.same((await k.call('GET', `${T}?min-level=CRITICAL`)).body.topics.map((x: { id: string }) => x.id), ['main:task1:alert2'])
  t.same((await k.call('GET', `${T}?pattern=c*`)).body.topics.map((x: { id: string }) => x.id), ['cpu'])
  t.equal((await k.call('GET', `${T}?min-level=SEVERE`)).status, 400)

  const topic = await k.call('GET', `${T}/main:task1:alert2`)
  t.equal(topic.status, 200)
  t.equal(topic.body.level, 'CRITICAL')
  t.equal((await k.call('GET', `${T}/nope`)).status, 404)

  const events = await k.call('GET', `${T}/cpu/events`)
  t.same(events.body, {
    link: { rel: 'self', href: `${T}/cpu/events` },
    topic: 'cpu',
    events: [
      { link: { rel: 'self', href: `${T}/cpu/events/host=a` }, id: 'host=a', state: { message: 'a is hot', details: 'd', time: '1971-01-01T00:00:10.5Z', duration: '1m30s', level: 'WARNING' } },
      { link: { rel: 'self', href: `${T}/cpu/events/host=b` }, id: 'host=b', state: { message: 'host=b is OK', details: '', time: '1970-01-01T00:00:10Z', duration: '0s', level: 'OK' } },
    ],
  })
  t.same((await k.call('GET', `${T}/cpu/events?min-level=WARNING`)).body.events.map((e: { id: string }) => e.id), ['host=a'])
  const one = await k.call('GET', `${T}/cpu/events/host=b`)
  t.equal(one.status, 200)
  t.equal(one.body.state.level, 'OK')
  t.equal((await k.call('GET', `${T}/cpu/events/host=z`)).status, 404)

  t.equal((await k.call('DELETE', `${T}/cpu`)).status, 204)
  t.equal((await k.call('GET', `${T}/cpu`)).status, 404)
  t.equal((await k.call('GET', `${T}/cpu/events`)).status, 404)
})

t.test('handlers: create, list, get, put, patch, delete', async (t) => {
  const k = await start(t)
  const h = `${T}/cpu/handlers`
  const created = await k.call('POST', h, { id: 'fan', kind: 'publish', options: { topics: ['ops'] }, match: 'level() >= WARNING' })
  t.equal(created.status, 200)
  t.same(created.body, { link: { rel: 'self', href: `${h}/fan` }, id: 'fan', kind: 'publish', options: { topics: ['ops'] }, match: 'level() >= WARNING' })
  t.equal((await k.call('GET', `${T}/cpu`)).body.level, 'OK', 'a handler makes the topic')
  t.equal((await k.call('POST', h, { id: 'fan', kind: 'publish', options: { topics: ['x'] } })).status, 400, 'duplicate id')
  const badMatch = await k.call('POST', h, { id: 'bad', kind: 'publish', options: { topics: ['x'] }, match: 'level() >' })
  t.equal(badMatch.status, 400)
  t.match(badMatch.body.error, /invalid match expression/)
  t.equal((await k.call('POST', h, { id: 'bad', kind: 'nope' })).status, 400)
  t.equal((await k.call('POST', h, { kind: 'publish' })).status, 400)
  await k.call('POST', h, { id: 'agg', kind: 'aggregate', options: { interval: '1h', topic: 'hourly' } })

  const list = await k.call('GET', h)
  t.same(list.body.link, { rel: 'self', href: h })
  t.equal(list.body.topic, 'cpu')
  t.same(list.body.handlers.map((x: { id: string }) => x.id), ['agg', 'fan'])
  t.same((await k.call('GET', `${h}?pattern=f*`)).body.handlers.map((x: { id: string }) => x.id), ['fan'])
  t.equal((await k.call('GET', `${h}/fan`)).body.kind, 'publish')
  t.equal((await k.call('GET', `${h}/nope`)).status, 404)

  const put = await k.call('PUT', `${h}/fan`, { id: 'fan', kind: 'publish', options: { topics: ['ops', 'all'] } })
  t.equal(put.status, 200)
  t.same(put.body.options, { topics: ['ops', 'all'] })
  t.equal(put.body.match, '')
  t.equal((await k.call('PUT', `${h}/nope`, { id: 'nope', kind: 'publish', options: { topics: [] } })).status, 404)

  const patched = await k.call('PATCH', `${h}/fan`, [
    { op: 'replace', path: '/options/topics/1', value: 'everyone' },
    { op: 'add', path: '/match', value: 'changed()' },
  ])
  t.equal(patched.status, 200)
  t.same(patched.body.options, { topics: ['ops', 'everyone'] })
  t.equal(patched.body.match, 'changed()')
  const rfc = await k.call('PATCH', `${h}/fan`, [{ op: 'replace', path: '/id', value: 'fan2' }], 'application/json-patch+json')
  t.equal(rfc.status, 200)
  t.equal(rfc.body.link.href, `${h}/fan2`, 'renamed by a patch')
  t.equal((await k.call('GET', `${h}/fan`)).status, 404)
  t.equal((await k.call('PATCH', `${h}/fan2`, [{ op: 'remove', path: '/nothing' }])).status, 400)
  t.equal((await k.call('PATCH', `${h}/fan2`, [{ op: 'replace', path: '/match', value: '(((' }])).status, 400)
  t.equal((await k.call('GET', `${h}/fan2`)).body.match, 'changed()', 'a refused patch changes nothing')

  // the handlers run: fan2 re-publishes changes into ops and everyone
  k.daemon().topics.publish(event('cpu', 'a', 'CRITICAL'))
  t.same((await k.call('GET', T)).body.topics.map((x: { id: string; level: string }) => `${x.id}:${x.level}`), ['cpu:CRITICAL', 'everyone:CRITICAL', 'ops:CRITICAL'])

  t.equal((await k.call('DELETE', `${h}/fan2`)).status, 204)
  t.equal((await k.call('DELETE', `${h}/fan2`)).status, 204, 'as Kapacitor: deleting a missing handler is not an error')
  t.same((await k.call('GET', h)).body.handlers.map((x: { id: string }) => x.id), ['agg'])
  t.equal((await k.call('DELETE', `${T}/cpu`)).status, 204)
  t.same((await k.call('GET', h)).body.handlers, [], 'deleting the topic deleted its handlers')
})

t.test('a post handler delivers the events it matches to an HTTP listener', async (t) => {
  if (!handlerByKind('post')) {
    t.pass('todo: the post handler kind is not registered yet (src/alert/handlers/core.ts)', { todo: true })
    return
  }
  const bodies: unknown[] = []
  let wake: () => void = () => {}
  const server = createServer((req: IncomingMessage, res) => {
    let b = ''
    req.on('data', (c: Buffer) => { b += c.toString() })
    req.on('end', () => {
      bodies.push(JSON.parse(b))
      res.end()
      wake()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alert`
  const k = await start(t)
  const r = await k.call('POST', `${T}/cpu/handlers`, { id: 'hook', kind: 'post', options: { url }, match: '"host" == \'a\' AND level() >= WARNING' })
  t.equal(r.status, 200)
  const pub = k.daemon().topics
  const got = new Promise<void>((resolve) => { wake = () => { if (bodies.length >= 2) resolve() } })
  pub.publish(event('cpu', 'cpu:a', 'INFO', { tags: { host: 'a' } }))
  pub.publish(event('cpu', 'cpu:b', 'CRITICAL', { tags: { host: 'b' } }))
  pub.publish(event('cpu', 'cpu:a', 'WARNING', { tags: { host: 'a' }, message: 'a warns' }))
  pub.publish(event('cpu', 'cpu:a', 'CRITICAL', { tags: { host: 'a' }, message: 'a burns' }))
  await got
  t.match(bodies, [
    { id: 'cpu:a', message: 'a warns', level: 'WARNING', time: '1970-01-01T00:00:10Z' },
    { id: 'cpu:a', message: 'a burns', level: 'CRITICAL' },
  ])
})

t.test('topic levels, events and handlers are back after a restart', async (t) => {
  const k = await start(t)
  const pub = k.daemon().topics
  pub.publish(event('cpu', 'a', 'WARNING', { message: 'a warns', time: 1_000_000_000_123n, duration: 5_000_000_000n }))
  pub.publish(event('cpu', 'b', 'CRITICAL'))
  pub.publish(event('cpu', 'b', 'OK'))
  pub.publish(event('disk', 'd', 'CRITICAL'))
  await k.call('POST', `${T}/cpu/handlers`, { id: 'fan', kind: 'publish', options: { topics: ['ops'] }, match: 'level() == CRITICAL' })
  await k.call('DELETE', `${T}/disk`)
  const before = (await k.call('GET', `${T}/cpu/events`)).body
  await k.restart()
  t.same((await k.call('GET', T)).body.topics.map((x: { id: string; level: string }) => `${x.id}:${x.level}`), ['cpu:WARNING'])
  t.same((await k.call('GET', `${T}/cpu/events`)).body, before)
  t.same((await k.call('GET', `${T}/cpu/handlers`)).body.handlers, [
    { link: { rel: 'self', href: `${T}/cpu/handlers/fan` }, id: 'fan', kind: 'publish', options: { topics: ['ops'] }, match: 'level() == CRITICAL' },
  ])
  // the reloaded handler runs
  k.daemon().topics.publish(event('cpu', 'c', 'CRITICAL'))
  t.equal((await k.call('GET', `${T}/ops`)).body.level, 'CRITICAL')
  // what the tasks see: the last state of an event
  t.match(k.daemon().topics.lastState('cpu', 'a'), { level: 'WARNING', message: 'a warns', time: 1_000_000_000_123n, duration: 5_000_000_000n })
})

t.test('event states written before a SIGKILL are there after the restart', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-alerts-kill-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), '../alert/topics-crash-child.js'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('written\n')) resolve()
    })
    child.on('exit', () => reject(new Error(`child exited before writing: ${out}`)))
  })
  child.kill('SIGKILL')
  t.equal(await exited, 'SIGKILL')

  const d = await startIn(dataDir)
  t.teardown(() => d.stop())
  const res = await fetch(`http://127.0.0.1:${d.httpAddress.port}${T}/crash/events`)
  const body = await res.json() as { events: Array<{ id: string; state: { level: string; message: string } }> }
  t.same(body.events.map((e) => `${e.id}:${e.state.level}:${e.state.message}`), ['a:CRITICAL:a CRITICAL', 'b:CRITICAL:b CRITICAL'])
  t.equal(d.topics.topic('crash')?.level, 'CRITICAL')
})

t.test('an alert node of a task publishes to its topic; topic handlers get the events', async (t) => {
  const k = await start(t)
  const h = await k.call('POST', `${T}/cpu/handlers`, { id: 'crit', kind: 'publish', options: { topics: ['pager'] }, match: 'level() == CRITICAL AND changed()' })
  t.equal(h.status, 200)
  const task = await k.call('POST', '/kapacitor/v1/tasks', {
    id: 'cpu_alert', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'enabled',
    script: `stream
  |from().measurement('cpu').groupBy('host')
  |alert()
    .id('{{ index .Tags "host" }}')
    .message('{{ .ID }} is {{ .Level }}')
    .warn(lambda: "value" > 70)
    .crit(lambda: "value" > 90)
    .topic('cpu')
`,
  })
  t.equal(task.status, 200)
  t.equal(task.body.executing, true, task.body.error)
  const res = await fetch(`http://127.0.0.1:${k.daemon().httpAddress.port}/write?db=telegraf&rp=autogen&precision=s`, {
    method: 'POST', body: 'cpu,host=a value=95 1\ncpu,host=b value=75 1\ncpu,host=a value=50 2\ncpu,host=a value=96 3\n',
  })
  t.equal(res.status, 204)
  await res.text()
  const events = (await k.call('GET', `${T}/cpu/events`)).body.events
  t.same(events.map((e: { id: string; state: { level: string; message: string; time: string } }) => `${e.id}:${e.state.level}:${e.state.message}:${e.state.time}`), [
    'a:CRITICAL:a is CRITICAL:1970-01-01T00:00:03Z',
    'b:WARNING:b is WARNING:1970-01-01T00:00:01Z',
  ])
  t.equal((await k.call('GET', `${T}/cpu`)).body.level, 'CRITICAL')
  t.equal((await k.call('GET', `${T}/pager`)).body.collected, 2, 'a became CRITICAL twice (changed each time)')
})
