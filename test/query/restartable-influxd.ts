/**
 * An influxd (same recipe as test/fixtures/influxd.ts) on a fixed data dir and port that
 * can be stopped and started again — the fixture removes its data dir on stop and cannot
 * restart on the same port. Stopped by PID (SIGTERM) only; the dir is removed at teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { defaultClusterConfig } from '../../src/query/influxdb-config.js'
import { createInfluxDBClient } from '../../src/query/influxdb-client.js'
import type { InfluxDBClient } from '../../src/query/influxdb.js'
import { silentLogger } from '../../src/server/logger.js'
import { freePort, influxdConfig } from '../fixtures/influxd.js'

const logger = silentLogger()


export class RestartableInfluxd {
  private child: ChildProcess | null = null
  private exited: Promise<void> = Promise.resolve()
  readonly url: string
  readonly client: InfluxDBClient

  private constructor(readonly dir: string, readonly httpPort: number, private readonly rpcPort: number) {
    this.url = `http://127.0.0.1:${httpPort}`
    this.client = createInfluxDBClient(defaultClusterConfig({ name: 'test', urls: [this.url], timeoutMs: 10_000 }), logger)
  }

  static async create(t: Test): Promise<RestartableInfluxd> {
    const dir = mkdtempSync(join(tmpdir(), 'influxd-subs.'))
    const i = new RestartableInfluxd(dir, await freePort(), await freePort())
    t.teardown(async () => { await i.stop(); rmSync(dir, { recursive: true, force: true }) })
    await i.start()
    return i
  }

  async start(): Promise<void> {
    const config = join(this.dir, 'influxdb.conf')
    writeFileSync(config, influxdConfig(this.dir, this.httpPort, this.rpcPort))
    const fd = openSync(join(this.dir, 'influxd.log'), 'a')
    const child = spawn('influxd', ['-config', config], { stdio: ['ignore', fd, fd] })
    closeSync(fd)
    let gone = false
    this.exited = new Promise((r) => child.once('exit', () => { gone = true; r() }))
    this.child = child
    const deadline = Date.now() + 20_000
    for (;;) {
      if (gone) throw new Error('influxd exited at start:\n' + readFileSync(join(this.dir, 'influxd.log'), 'utf8'))
      try {
        const r = await fetch(this.url + '/ping')
        if (r.status === 204) return
      } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error('influxd did not answer /ping')
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async stop(): Promise<void> {
    if (this.child === null) return
    this.child.kill('SIGTERM')
    await this.exited
    this.child = null
  }

  async write(line: string, db: string): Promise<void> {
    await this.client.write(line, { db })
  }

  /** `db.rp name → destinations` of every subscription. */
  async subscriptions(): Promise<string[]> {
    const out: string[] = []
    for (const s of await this.client.query('SHOW SUBSCRIPTIONS')) {
      for (const row of s.values) out.push(`${s.name}.${String(row[0])} ${String(row[1])} ${String(row[3])}`)
    }
    return out.sort()
  }
}

