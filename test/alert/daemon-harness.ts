/**
 * A real daemon for alert tests (temp data dir, port 0) and a real local HTTP listener
 * that collects the alert events a `.post()` handler sends. Tests wait for events with a
 * bounded poll (the delivery is asynchronous), never for timers.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'

export interface Res { status: number; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export interface AlertDaemon {
  readonly daemon: Daemon
  call(method: string, path: string, body?: unknown): Promise<Res>
  /** POST /write; throws unless 204 */
  write(body: string, query: string): Promise<void>
  /** defines and enables a stream task on telegraf.autogen; throws unless 200 */
  defineTask(id: string, script: string, dbrps?: ReadonlyArray<{ db: string; rp: string }>): Promise<void>
}

export async function startAlertDaemon(t: Test): Promise<AlertDaemon> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-alert-'))
  const base = defaultConfig()
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false } }
  const daemon = await startDaemon({ config, logger: silentLogger() })
  t.teardown(async () => {
    await daemon.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const url = (path: string): string => `http://127.0.0.1:${daemon.httpAddress.port}${path}`
  const call = async (method: string, path: string, body?: unknown): Promise<Res> => {
    const res = await fetch(url(path), { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : JSON.parse(text) }
  }
  return {
    daemon, call,
    async write(body, query) {
      const res = await fetch(url(`/write?${query}`), { method: 'POST', body })
      const text = await res.text()
      if (res.status !== 204) throw new Error(`write: ${res.status} ${text}`)
    },
    async defineTask(id, script, dbrps = [{ db: 'telegraf', rp: 'autogen' }]) {
      const r = await call('POST', '/kapacitor/v1/tasks', { id, type: 'stream', dbrps, script, status: 'enabled' })
      if (r.status !== 200) throw new Error(`define ${id}: ${r.status} ${JSON.stringify(r.body)}`)
      if (r.body.error) throw new Error(`define ${id}: ${String(r.body.error)}`)
    },
  }
}

export interface Sink<E> {
  /** the URL to give `.post()` */
  readonly url: string
  /** bodies received, parsed, in arrival order */
  readonly events: E[]
  /** resolves once `n` events arrived (bounded wait) */
  waitFor(n: number): Promise<void>
}

/** A local HTTP endpoint that answers 200 and keeps each JSON body it receives. */
export async function eventSink<E = Record<string, unknown>>(t: Test): Promise<Sink<E>> {
  const events: E[] = []
  const waiters: Array<() => void> = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => {
      events.push(JSON.parse(body) as E)
      res.writeHead(200).end()
      for (const w of waiters.splice(0)) w()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}/alert`, events,
    async waitFor(n) {
      const deadline = Date.now() + 15_000
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} events; got ${JSON.stringify(events)}`)
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 200) })
      }
    },
  }
}
