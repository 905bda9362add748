/**
 * Test support for the CLI: a real kapacitord started in-process (temp data directory,
 * HTTP on a free port) and `kapacitor` run in-process with its output captured.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import type { Io } from '../../src/cli/context.js'
import { main } from '../../src/cli/main.js'
import type { ProgressFactory } from '../../src/cli/wait.js'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'

export interface Run { code: number; out: string; err: string }

export interface CliEnv {
  daemon: Daemon
  url: string
  /** A directory for the test's files (removed at teardown). */
  dir: string
  /** `kapacitor -url <daemon> ...args`, in-process. */
  kapacitor(...args: string[]): Promise<Run>
  file(name: string, text: string): string
  /** Line protocol to telegraf.autogen, seconds precision; the status. */
  write(lines: string, db?: string): Promise<number>
  get(path: string): Promise<{ status: number; body: unknown }>
  send(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>
}

/** `kapacitor ...args` in-process against `url`, output captured; `progress` as a terminal would have it. */
export async function runCli(url: string, args: readonly string[], progress?: ProgressFactory): Promise<Run> {
  let out = ''
  let err = ''
  const io: Io = { out: (s) => { out += s }, err: (s) => { err += s }, ...(progress !== undefined ? { progress } : {}) }
  const code = await main(['-url', url, ...args], {}, io)
  return { code, out, err }
}

export async function startCliEnv(t: Test, over: Partial<Config> = {}): Promise<CliEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitor-cli-'))
  const dir = mkdtempSync(join(tmpdir(), 'kapacitor-cli-files-'))
  const base = defaultConfig()
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false }, ...over }
  const daemon = await startDaemon({ config, logger: silentLogger() })
  t.teardown(async () => {
    await daemon.stop()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(dir, { recursive: true, force: true })
  })
  const url = `http://127.0.0.1:${daemon.httpAddress.port}`
  const send = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(url + path, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
    const text = await res.text()
    let parsed: unknown = text
    try { parsed = text === '' ? null : JSON.parse(text) } catch { /* not JSON: the text */ }
    return { status: res.status, body: parsed }
  }
  return {
    daemon, url, dir,
    kapacitor: (...args) => runCli(url, args),
    file(name, text) {
      const p = join(dir, name)
      writeFileSync(p, text)
      return p
    },
    async write(lines, db = 'telegraf') {
      const res = await fetch(`${url}/write?db=${db}&rp=autogen&precision=s`, { method: 'POST', body: lines })
      await res.text()
      return res.status
    },
    get: (path) => send('GET', path),
    send,
  }
}
