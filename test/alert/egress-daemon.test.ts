/**
 * kapacitord's `-blacklist-cidrs` and `-disable-handlers` through a real daemon: the post
 * handler and the httpPost node do not connect to a blocked address (the event is dropped,
 * not retried; the node counts an error) while an allowed address gets everything; a
 * disabled handler kind is refused in a TICKscript and as a topic handler.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type DaemonOptions } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'

async function daemon(t: Test, opts: Partial<DaemonOptions>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-egress-'))
  const base = defaultConfig()
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false } }
  const d = await startDaemon({ config, logger: silentLogger(), ...opts })
  t.teardown(async () => { await d.stop(); rmSync(dataDir, { recursive: true, force: true }) })
  const url = `http://127.0.0.1:${d.httpAddress.port}`
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await fetch(url + path, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : JSON.parse(text) }
  }
  const write = async (lines: string): Promise<void> => {
    const res = await fetch(`${url}/write?db=telegraf&rp=autogen&precision=s`, { method: 'POST', body: lines })
    await res.text()
    if (res.status !== 204) throw new Error(`write: ${res.status}`)
  }
  return { d, call, write }
}

/** A listener on every interface, so that 127.0.0.2 (blocked) and 127.0.0.1 (allowed) both reach it. */
async function listener(t: Test): Promise<{ port: number; paths: string[] }> {
  const paths: string[] = []
  const srv = createServer((req, res) => { paths.push(req.url ?? ''); req.resume(); req.on('end', () => res.writeHead(200).end()) })
  await new Promise<void>((r) => srv.listen(0, '0.0.0.0', r))
  t.teardown(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()) }))
  return { port: (srv.address() as { port: number }).port, paths }
}

async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000
  while (!await cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

t.test('-blacklist-cidrs: blocked addresses are never connected to; allowed ones get every event', async (t) => {
  const l = await listener(t)
  const { call, write } = await daemon(t, { blacklistCidrs: ['127.0.0.2/32'] })
  const script = `var data = stream|from().measurement('cpu')
data
  |alert()
    .id('cpu')
    .crit(lambda: "v" > 90)
    .post('http://127.0.0.2:${l.port}/blocked')
    .post('http://127.0.0.1:${l.port}/allowed')
data
  |httpPost('http://127.0.0.2:${l.port}/node-blocked')
`
  const r = await call('POST', '/kapacitor/v1/tasks', { id: 'egress', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script, status: 'enabled' })
  t.equal(r.status, 200, JSON.stringify(r.body))
  t.equal(r.body.executing, true, r.body.error)
  // CRITICAL, OK, CRITICAL: three events for each handler
  await write('cpu v=95 1700000000\ncpu v=10 1700000001\ncpu v=99 1700000002')
  const allowed = (): number => l.paths.filter((p) => p === '/allowed').length
  await until('the allowed handler got the three events', () => allowed() === 3)
  const nodeErrors = async (): Promise<number> => (await call('GET', '/kapacitor/v1/tasks/egress')).body.stats['node-stats']['http_post3'].errors
  await until('the httpPost node counted its three refused posts', async () => await nodeErrors() === 3)
  t.same(l.paths.filter((p) => p !== '/allowed'), [], 'nothing ever reached the blocked address')
})

t.test('-disable-handlers: refused in a TICKscript and as a topic handler; others unaffected', async (t) => {
  const { call } = await daemon(t, { disabledHandlers: ['post', 'exec'] })
  const define = async (id: string, handler: string) => (await call('POST', '/kapacitor/v1/tasks', {
    id, type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'enabled',
    script: `stream|from().measurement('cpu')|alert().crit(lambda: TRUE)${handler}`,
  })).body
  const posting = await define('posting', ".post('http://127.0.0.1:1/x')")
  t.equal(posting.executing, false)
  t.match(posting.error, /alert handler post is disabled \(kapacitord -disable-handlers\)/)
  const tcp = await define('tcp', ".tcp('127.0.0.1:1')")
  t.equal(tcp.executing, true, 'a handler not listed still runs')
  const h = await call('POST', '/kapacitor/v1/alerts/topics/ops/handlers', { id: 'p', kind: 'post', options: { url: 'http://127.0.0.1:1/x' } })
  t.equal(h.status, 400)
  t.match(h.body.error, /alert handler post is disabled/)
})
