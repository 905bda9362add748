/**
 * The `kapacitor` executable (bin/kapacitor.js, a real subprocess) against a real
 * kapacitord started in-process: define with a TICKscript error (the caret), define /
 * list / enable / show / reload / disable / delete a task, data flowing once it is
 * enabled, templates, the design doc's streamer, stats and vars.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/kapacitor.js')

interface Run { code: number | null; out: string; err: string }

interface Env {
  daemon: Daemon
  url: string
  dir: string
  /** Runs `kapacitor -url <daemon> ...args`. */
  kapacitor(...args: string[]): Promise<Run>
  file(name: string, text: string): string
  write(lines: string): Promise<number>
  get(path: string): Promise<unknown>
}

async function setup(t: Test): Promise<Env> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitor-cli-e2e-'))
  const dir = mkdtempSync(join(tmpdir(), 'kapacitor-cli-files-'))
  const base = defaultConfig()
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false } }
  const daemon = await startDaemon({ config, logger: silentLogger() })
  t.teardown(async () => {
    await daemon.stop()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(dir, { recursive: true, force: true })
  })
  const url = `http://127.0.0.1:${daemon.httpAddress.port}`
  return {
    daemon, url, dir,
    kapacitor: (...args) => new Promise<Run>((resolveRun, reject) => {
      const child = spawn(process.execPath, [BIN, '-url', url, ...args], { env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      let err = ''
      child.stdout.on('data', (b: Buffer) => { out += b.toString() })
      child.stderr.on('data', (b: Buffer) => { err += b.toString() })
      child.on('error', reject)
      child.on('close', (code) => resolveRun({ code, out, err }))
    }),
    file(name, text) {
      const p = join(dir, name)
      writeFileSync(p, text)
      return p
    },
    async write(lines) {
      const res = await fetch(`${url}/write?db=telegraf&rp=autogen&precision=s`, { method: 'POST', body: lines })
      await res.text()
      return res.status
    },
    async get(path) {
      return (await fetch(url + path)).json()
    },
  }
}

const CPU_SCRIPT = `stream
    |from()
        .measurement('cpu')
    |window()
        .period(10s)
        .every(10s)
    |httpOut('out')
`

const BAD_SCRIPT = `stream
    |from()
        .measurement('cpu')
    |window()
        .perod(10s)
`

t.test('a TICKscript error: the server\'s message, the line of the file and a caret; exit 1; nothing defined', async (t) => {
  const k = await setup(t)
  const tick = k.file('bad.tick', BAD_SCRIPT)
  const r = await k.kapacitor('define', 'bad', '-tick', tick, '-type', 'stream', '-dbrp', 'telegraf.autogen')
  t.equal(r.code, 1)
  t.equal(r.out, '')
  t.match(r.err, /^line 5 char 10: .*"perod".*did you mean "period"\?\n        \.perod\(10s\)\n         \^\n$/)
  const list = await k.kapacitor('list', 'tasks')
  t.equal(list.out, 'ID Type      Status    Executing Databases and Retention Policies\n', 'no task was created')
})

t.test('define, list, enable, data flows, show, redefine, disable, delete', async (t) => {
  const k = await setup(t)
  const tick = k.file('cpu.tick', CPU_SCRIPT)
  const def = await k.kapacitor('define', 'cpu', '-tick', tick, '-type', 'stream', '-dbrp', '"telegraf"."autogen"')
  t.same(def, { code: 0, out: '', err: '' })

  const listed = await k.kapacitor('list', 'tasks')
  t.equal(listed.out, [
    'ID  Type      Status    Executing Databases and Retention Policies',
    'cpu stream    disabled  false     ["telegraf"."autogen"]',
    '',
  ].join('\n'))

  t.same(await k.kapacitor('enable', 'cpu'), { code: 0, out: '', err: '' })
  t.match((await k.kapacitor('list', 'tasks')).out, /\ncpu stream    enabled   true      \["telegraf"\."autogen"\]\n$/)

  let lines = ''
  for (let s = 0; s < 11; s++) lines += `cpu,host=a value=${s} ${s}\n`
  t.equal(await k.write(lines), 204)
  const out = await k.get('/kapacitor/v1/tasks/cpu/out') as { series: Array<{ values: unknown[] }> }
  t.equal(out.series[0]!.values.length, 10, 'the enabled task received the writes')

  const shown = await k.kapacitor('show', 'cpu')
  t.equal(shown.code, 0, shown.err)
  t.match(shown.out, /^ID: cpu\nError: \nTemplate: \nType: stream\nStatus: enabled\nExecuting: true\nCreated: \d\d \w{3} \d\d \d\d:\d\d UTC\nModified: .*\nLastEnabled: \d\d \w{3} \d\d \d\d:\d\d UTC\nDatabases Retention Policies: \["telegraf"\."autogen"\]\nTICKscript:\nstream\n/)
  t.match(shown.out, /\nDOT:\ndigraph cpu \{\n[\s\S]*\}\n$/)

  // a new script for the enabled task: patched and reloaded, still executing
  const tick2 = k.file('cpu2.tick', CPU_SCRIPT.replace("httpOut('out')", "httpOut('out2')"))
  t.same(await k.kapacitor('define', 'cpu', '-tick', tick2), { code: 0, out: '', err: '' })
  const after = await k.get('/kapacitor/v1/tasks/cpu') as { script: string; status: string; executing: boolean; dbrps: unknown }
  t.match(after, { status: 'enabled', executing: true, dbrps: [{ db: 'telegraf', rp: 'autogen' }] })
  t.match(after.script, /out2/)

  t.same(await k.kapacitor('reload', 'c*'), { code: 0, out: '', err: '' })
  t.same(await k.kapacitor('disable', 'cpu'), { code: 0, out: '', err: '' })
  t.match((await k.kapacitor('list', 'tasks', 'cpu')).out, /\ncpu stream    disabled  false /)
  t.same(await k.kapacitor('delete', 'tasks', 'cpu'), { code: 0, out: '', err: '' })
  t.equal((await k.kapacitor('list', 'tasks')).out.split('\n').length, 2, 'only the header is left')
  const missing = await k.kapacitor('show', 'cpu')
  t.equal(missing.code, 1)
  t.equal(missing.err, 'no task exists with ID cpu\n')
})

t.test('enable of a task that does not exist is an error naming it', async (t) => {
  const k = await setup(t)
  const r = await k.kapacitor('enable', 'ghost')
  t.equal(r.code, 1)
  t.match(r.err, /^enabling task ghost: no task exists with ID ghost\n$/)
})

t.test('templates: define-template, a task from it with -vars, list and show-template', async (t) => {
  const k = await setup(t)
  const tpl = k.file('tpl.tick', `var measurement string
var period = 10s
stream
    |from()
        .measurement(measurement)
    |window()
        .period(period)
        .every(period)
    |httpOut('out')
`)
  t.same(await k.kapacitor('define-template', 'win', '-tick', tpl, '-type', 'stream'), { code: 0, out: '', err: '' })
  const vars = k.file('vars.json', JSON.stringify({ measurement: { type: 'string', value: 'cpu' } }))
  const def = await k.kapacitor('define', 'from_tpl', '-template', 'win', '-vars', vars, '-dbrp', 'telegraf.autogen')
  t.same(def, { code: 0, out: '', err: '' })
  t.match(await k.get('/kapacitor/v1/tasks/from_tpl'), { 'template-id': 'win', vars: { measurement: { type: 'string', value: 'cpu' } } })
  const list = await k.kapacitor('list', 'templates')
  t.equal(list.code, 0, list.err)
  t.match(list.out, /^ID  Type      Vars\s*\nwin stream    measurement,period\s*\n$/)
  const shown = await k.kapacitor('show-template', 'win')
  t.equal(shown.code, 0, shown.err)
  t.match(shown.out, /^ID: win\nError: \nType: stream\n/)
  t.match(shown.out, new RegExp(`\\n${'measurement'.padEnd(30)}${'string'.padEnd(10)}${'<required>'.padEnd(40)}`))
  t.same(await k.kapacitor('delete', 'tasks', 'from_tpl'), { code: 0, out: '', err: '' })
  t.same(await k.kapacitor('delete', 'templates', 'win'), { code: 0, out: '', err: '' })
  t.equal((await k.kapacitor('list', 'templates')).out.split('\n').length, 2)
})

t.test('the design doc\'s streamer: define streamer, enable, data filtered by from and where', async (t) => {
  const k = await setup(t)
  const script = k.file('streamer.tick', "var w = stream.window().period(10s).every(10s)\nw.httpOut('s')\n")
  const def = await k.kapacitor('define', 'streamer', '--name', 'idle', '--from', 'cpu_idle', '--where', "cpu = 'cpu-total'", '--script', script)
  t.same(def, { code: 0, out: '', err: '' })
  t.match(await k.get('/kapacitor/v1/tasks/idle'), { type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'disabled' })
  t.same(await k.kapacitor('enable', 'idle'), { code: 0, out: '', err: '' })
  let lines = ''
  for (let s = 0; s < 11; s++) lines += `cpu_idle,cpu=cpu-total value=${s} ${s}\ncpu_idle,cpu=cpu0 value=1 ${s}\ncpu,cpu=cpu-total value=7 ${s}\n`
  t.equal(await k.write(lines), 204)
  const out = await k.get('/kapacitor/v1/tasks/idle/s') as { series: Array<{ name: string; values: unknown[][] }> }
  t.equal(out.series[0]!.name, 'cpu_idle')
  t.same(out.series[0]!.values.map((v) => v[2]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])

  const bad = await k.kapacitor('define', 'streamer', '--name', 'bad', '--from', 'cpu', '--where', "cpu == == 'x'", '--script', script)
  t.equal(bad.code, 1)
  t.match(bad.err, /where: .*\n"cpu" == == 'x'\n {9}\^\n/, 'the caret under the where expression')
})

t.test('stats general and vars read /debug/vars; version needs no server', async (t) => {
  const k = await setup(t)
  const stats = await k.kapacitor('stats', 'general')
  t.equal(stats.code, 0, stats.err)
  t.match(stats.out, new RegExp(`^ClusterID: {20}${k.daemon.store.clusterId} *\\nServerID: {21}${k.daemon.store.serverId} *\\n`))
  t.match(stats.out, /\nVersion: {22}1\.8\.3 *\n$/)
  const vars = await k.kapacitor('vars')
  t.equal(vars.code, 0)
  t.match(JSON.parse(vars.out), { cluster_id: k.daemon.store.clusterId, version: '1.8.3' })
  const version = await k.kapacitor('version')
  t.match(version.out, /^Kapacitor OSS 1\.8\.3 /)
})
