/**
 * The kapacitord executable (bin/kapacitord.js) as users run it: no arguments in an
 * empty directory, a second daemon on the same data directory, SIGTERM with a request in
 * flight, `kapacitord config`, config errors, flags.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { loadConfig, defaultConfig } from '../../src/server/config.js'
import { influxdbClustersFromSections } from '../../src/query/influxdb-config.js'

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/kapacitord.js')

interface Proc {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

function run(t: Test, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env['PATH'], KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (b: Buffer) => { out += b.toString() })
  child.stderr!.on('data', (b: Buffer) => { err += b.toString() })
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  return { child, stdout: () => out, stderr: () => err, exited }
}

async function until<T>(what: string, get: () => T, ok: (v: T) => boolean, p?: Proc, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = get()
    if (ok(v)) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${p ? `\nstdout: ${p.stdout()}\nstderr: ${p.stderr()}` : ''}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

interface LogLine { msg: string; level: string; http?: { host: string; port: number }; [k: string]: unknown }

function logLines(p: Proc): LogLine[] {
  return p.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine)
}

/** Waits for the start line and returns the HTTP port it names. */
async function started(p: Proc): Promise<number> {
  const line = await until('the start line', () => logLines(p).find((l) => l.msg === 'kapacitord started'), (l) => l !== undefined, p)
  return line!.http!.port
}

function tempDir(t: Test): string {
  const d = mkdtempSync(join(tmpdir(), 'kapacitord-bin-'))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}

t.test('runs with no arguments: data in ./data, ping answers; SIGTERM exits 0', async (t) => {
  const cwd = tempDir(t)
  const p = run(t, [], { cwd })
  const port = await started(p)
  const start = logLines(p).find((l) => l.msg === 'kapacitord started')!
  t.match(start, { level: 'info', data_dir: './data', http: { host: '127.0.0.1', port: Number }, udp: [] }, 'one structured start line with the bound address')
  const ping = await fetch(`http://127.0.0.1:${port}/ping`)
  t.equal(ping.status, 204)
  t.equal(ping.headers.get('x-influxdb-version'), '1.8.3')
  t.ok(existsSync(join(cwd, 'data', 'kapacitor.db')), 'the store is ./data/kapacitor.db')
  p.child.kill('SIGTERM')
  t.equal(await p.exited, 0, 'exit status 0')
  t.ok(logLines(p).some((l) => l.msg === 'kapacitord stopped'))
})

t.test('a second daemon on the same data directory exits at once with a clear message', async (t) => {
  const cwd = tempDir(t)
  const first = run(t, [], { cwd })
  await started(first)
  const second = run(t, [], { cwd })
  const code = await second.exited
  t.equal(code, 1, 'non-zero exit')
  t.match(second.stderr(), /data directory \.\/data is in use by another kapacitord \(LevelDB lock held/)
  t.notOk(logLines(second).some((l) => l.msg === 'kapacitord started'), 'it bound nothing')
  t.equal(first.child.exitCode, null, 'the first one keeps running')
  first.child.kill('SIGTERM')
  t.equal(await first.exited, 0)
})

t.test('SIGTERM lets an in-flight write finish, then exits 0', async (t) => {
  const cwd = tempDir(t)
  const p = run(t, ['-log-level', 'info'], { cwd })
  const port = await started(p)
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/write?db=d', agent: false })
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) })
    req.on('error', reject)
  })
  req.write('cpu v=1 1\n') // chunked: the request stays in flight until end()
  await untilAsync(async () => {
    const v = (await (await fetch(`http://127.0.0.1:${port}/kapacitor/v1/debug/vars`)).json()) as { ingest: { http: { requests: number } } }
    return v.ingest.http.requests === 1
  })
  p.child.kill('SIGTERM')
  await until('the signal to be handled', () => logLines(p).some((l) => l.msg === 'kapacitord stopping'), (v) => v, p)
  req.end('cpu v=2 2\n')
  t.equal(await status, 204, 'the in-flight write was answered')
  t.equal(await p.exited, 0)
  t.match(logLines(p).find((l) => l.msg === 'signal received, shutting down'), { signal: 'SIGTERM' })
})

t.test('a request that never finishes is cut at shutdown-timeout, and the daemon still exits 0', async (t) => {
  const cwd = tempDir(t)
  const p = run(t, [], { cwd, env: { KAPACITOR_HTTP_SHUTDOWN_TIMEOUT: '100ms' } })
  const port = await started(p)
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/write?db=d', agent: false })
  const outcome = new Promise<string>((resolve) => {
    req.on('response', (res) => resolve(`answered ${res.statusCode}`))
    req.on('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code}`))
  })
  req.write('cpu v=1 1\n') // never ended
  await untilAsync(async () => {
    const v = (await (await fetch(`http://127.0.0.1:${port}/kapacitor/v1/debug/vars`)).json()) as { ingest: { http: { requests: number } } }
    return v.ingest.http.requests === 1
  })
  p.child.kill('SIGTERM')
  t.equal(await p.exited, 0)
  t.equal(await outcome, 'error ECONNRESET', 'the hung connection was closed')
})

async function untilAsync(ok: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

t.test('flags: -config, -data-dir, -hostname, -pidfile (single dash, as Kapacitor)', async (t) => {
  const cwd = tempDir(t)
  const conf = join(cwd, 'k.conf')
  writeFileSync(conf, 'hostname = "fromfile"\n[http]\n  bind-address = "127.0.0.1:0"\n[smtp]\n  enabled = false\n')
  const pidfile = join(cwd, 'k.pid')
  const p = run(t, ['run', '-config', conf, '-data-dir', join(cwd, 'elsewhere'), '-hostname', 'flaghost', '-pidfile', pidfile], { cwd, env: { KAPACITOR_HTTP_BIND_ADDRESS: undefined } })
  const port = await started(p)
  t.equal(readFileSync(pidfile, 'utf8').trim(), String(p.child.pid))
  t.ok(existsSync(join(cwd, 'elsewhere', 'kapacitor.db')))
  const vars = (await (await fetch(`http://127.0.0.1:${port}/kapacitor/v1/debug/vars`)).json()) as { host: string }
  t.equal(vars.host, 'flaghost')
  p.child.kill('SIGINT')
  t.equal(await p.exited, 0, 'SIGINT is graceful too')
  t.notOk(existsSync(pidfile), 'the pidfile is removed')
})

t.test('KAPACITOR_CONFIG_PATH names the config file', async (t) => {
  const cwd = tempDir(t)
  const conf = join(cwd, 'k.conf')
  writeFileSync(conf, 'data_dir = "d2"\n')
  const p = run(t, [], { cwd, env: { KAPACITOR_CONFIG_PATH: conf } })
  await started(p)
  t.ok(existsSync(join(cwd, 'd2', 'kapacitor.db')))
  p.child.kill('SIGTERM')
  t.equal(await p.exited, 0)
})

t.test('an invalid config exits 1 naming the key', async (t) => {
  const cwd = tempDir(t)
  const p = run(t, [], { cwd, env: { KAPACITOR_HTTP_BIND_ADDRESS: 'nope', KAPACITOR_UDP_0_ENABLED: 'true' } })
  t.equal(await p.exited, 1)
  t.match(p.stderr(), /http\.bind-address: not a host:port: "nope"/)
  t.match(p.stderr(), /udp\[0\]\.bind-address: not a host:port/)
  t.notOk(existsSync(join(cwd, 'data')), 'nothing created')
})

t.test('a port in use exits 1', async (t) => {
  const cwd = tempDir(t)
  const first = run(t, [], { cwd })
  const port = await started(first)
  const other = tempDir(t)
  const p = run(t, [], { cwd: other, env: { KAPACITOR_HTTP_BIND_ADDRESS: `127.0.0.1:${port}` } })
  t.equal(await p.exited, 1)
  t.match(p.stderr(), /EADDRINUSE/)
  first.child.kill('SIGTERM')
  t.equal(await first.exited, 0)
})

t.test('`kapacitord config` prints the default config as TOML that loads back', async (t) => {
  const cwd = tempDir(t)
  const p = run(t, ['config'], { cwd, env: { KAPACITOR_HTTP_BIND_ADDRESS: undefined } })
  t.equal(await p.exited, 0)
  const file = join(cwd, 'printed.conf')
  writeFileSync(file, p.stdout())
  t.match(p.stdout(), /bind-address = ":9092"/)
  t.same({ ...loadConfig({ path: file, env: {} }), path: null }, defaultConfig())
})

t.test('`kapacitord config -config f` prints the [[influxdb]] clusters, environment applied', async (t) => {
  const cwd = tempDir(t)
  const conf = join(cwd, 'kapacitor.conf')
  writeFileSync(conf, '[[influxdb]]\n  name = "main"\n  urls = ["http://a:8086"]\n  timeout = "5s"\n')
  const p = run(t, ['config', '-config', conf], { cwd, env: { KAPACITOR_INFLUXDB_0_URLS_1: 'http://b:8086' } })
  t.equal(await p.exited, 0, p.stderr())
  t.match(p.stdout(), /\[\[influxdb\]\]\n {2}enabled = true\n/)
  t.match(p.stdout(), /urls = \["http:\/\/a:8086", "http:\/\/b:8086"\]/, 'the environment applied')
  t.match(p.stdout(), /timeout = "5s"/)
  const printed = join(cwd, 'printed.conf')
  writeFileSync(printed, p.stdout())
  const back = influxdbClustersFromSections(loadConfig({ path: printed, env: {} }).sections)
  const env = { KAPACITOR_INFLUXDB_0_URLS_1: 'http://b:8086' }
  t.same(back, influxdbClustersFromSections(loadConfig({ path: conf, env }).sections, env), 'loads back to the same clusters')
})

t.test('Kapacitor\'s -blacklist-cidrs and -disable-handlers flags are accepted; a bad CIDR is a clear error', async (t) => {
  const cwd = tempDir(t)
  const p = run(t, ['-blacklist-cidrs', '10.0.0.0/8,fd00::/8', '-disable-handlers', 'exec,log'], { cwd })
  await started(p)
  p.child.kill('SIGTERM')
  t.equal(await p.exited, 0)
  const bad = run(t, ['-blacklist-cidrs', '10.0.0.0/8,nope'], { cwd: tempDir(t) })
  t.equal(await bad.exited, 1)
  t.match(bad.stderr(), /kapacitord: -blacklist-cidrs: invalid CIDR "nope"/)
})

t.test('unknown flags are refused', async (t) => {
  const cwd = tempDir(t)
  const p = run(t, ['-bogus', 'x'], { cwd })
  t.equal(await p.exited, 1)
  t.match(p.stderr(), /Unknown argument: bogus/)
})
