/**
 * The design's walkthrough, end to end through the real executables (bin/kapacitord.js
 * and bin/kapacitor.js as subprocesses): Telegraf-shaped points over HTTP /write and a
 * `[[udp]]` listener; `start-recording` … `stop-recording` (RecordingID=<id>); `define
 * streamer` from a script file; `replay <recording> <task>` and the replay's httpOut;
 * edit the script, define again, replay again with a different result; `enable`; then
 * `push --remote` to a second kapacitord, where the task runs on the points written to it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import t, { type Test } from 'tap'
import { spawnKapacitord } from '../fixtures/kapacitord-process.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const KAPACITOR = join(ROOT, 'bin/kapacitor.js')

interface Kapacitord {
  url: string
  udpPort: number | undefined
  child: ChildProcess
}

interface Run { code: number | null; out: string; err: string }

function tempDir(t: Test, prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}

/**
 * Starts kapacitord with a config file; HTTP (and UDP) on port 0, the bound ports read
 * from its "kapacitord started" log line.
 */
async function startKapacitord(t: Test, withUdp: boolean): Promise<Kapacitord> {
  const dir = tempDir(t, 'walkthrough-kapacitord-')
  const conf = join(dir, 'kapacitor.conf')
  writeFileSync(conf, [
    `data_dir = ${JSON.stringify(join(dir, 'data'))}`,
    '[http]',
    '  bind-address = "127.0.0.1:0"',
    '  log-enabled = false',
    ...(withUdp ? ['[[udp]]', '  enabled = true', '  bind-address = "127.0.0.1:0"', '  database = "telegraf"', '  precision = "s"'] : []),
    '',
  ].join('\n'))
  const k = await spawnKapacitord(t, ['-config', conf], { stopSignal: 'SIGTERM', startTimeoutMs: 20_000 })
  return { url: k.url, udpPort: k.udpPorts[0], child: k.child }
}

/** `kapacitor -url <url> ...args`, with its own working directory. */
function kapacitor(url: string, cwd: string, ...args: string[]): Promise<Run> {
  return new Promise<Run>((resolveRun, reject) => {
    const child = spawn(process.execPath, [KAPACITOR, '-url', url, ...args], { cwd, env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (b: Buffer) => { out += b.toString() })
    child.stderr.on('data', (b: Buffer) => { err += b.toString() })
    child.on('error', reject)
    child.on('close', (code) => resolveRun({ code, out, err }))
  })
}

async function httpWrite(k: Kapacitord, lines: string): Promise<void> {
  const res = await fetch(`${k.url}/write?db=telegraf&rp=autogen&precision=s`, { method: 'POST', body: lines })
  const text = await res.text()
  if (res.status !== 204) throw new Error(`write: ${res.status} ${text}`)
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url)
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

async function udpPointsReceived(k: Kapacitord): Promise<number> {
  const vars = (await getJson(`${k.url}/kapacitor/v1/debug/vars`)).body as { ingest: { udp: Array<{ points_received: number }> } }
  return vars.ingest.udp[0]!.points_received
}

/** Sends lines as UDP datagrams (one per line) and waits until the listener has parsed them all. */
async function udpWrite(k: Kapacitord, lines: string): Promise<void> {
  const before = await udpPointsReceived(k)
  const list = lines.split('\n').filter((l) => l !== '')
  const sock = createSocket('udp4')
  for (const l of list) await new Promise<void>((r, j) => sock.send(l, k.udpPort!, '127.0.0.1', (e) => (e ? j(e) : r())))
  sock.close()
  const deadline = Date.now() + 10_000
  while ((await udpPointsReceived(k)) < before + list.length) {
    if (Date.now() > deadline) throw new Error('the UDP points did not arrive')
    await new Promise((r) => setTimeout(r, 50))
  }
}

const T0 = 1_700_000_000 // seconds, as Telegraf's interval boundaries

/** What Telegraf's cpu and mem inputs send for interval `k` (every 10 s) of host web01. */
function telegraf(from: number, to: number): string {
  let s = ''
  for (let k = from; k < to; k++) {
    const ts = T0 + 10 * k
    s += `cpu,cpu=cpu-total,host=web01 usage_user=${10 + k}.5,usage_system=${2 * k},usage_idle=${80 - k}.25 ${ts}\n`
    s += `cpu,cpu=cpu0,host=web01 usage_user=99,usage_system=99,usage_idle=0 ${ts}\n`
    s += `mem,host=web01 used_percent=${40 + k}.5,available=${8_000_000_000 - k}i ${ts}\n`
  }
  return s
}

function script(field: string): string {
  return `// the streamer's implicit from(): measurement and where come from the command line
var w = stream
    |from()
    |window()
        .period(60s)
        .every(60s)

w
    |mean('${field}')
        .as('mean')
    |httpOut('out')
`
}

interface HttpOut { series: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }> | null }

t.test('the walkthrough: record, define a streamer, replay, edit, replay, enable, push', async (t) => {
  const local = await startKapacitord(t, true)
  t.ok(local.udpPort, 'the [[udp]] listener is bound')
  const cwd = tempDir(t, 'walkthrough-files-')
  const k = (...args: string[]): Promise<Run> => kapacitor(local.url, cwd, ...args)

  // Telegraf points before the recording: not in it.
  await httpWrite(local, telegraf(0, 3))
  await udpWrite(local, telegraf(3, 6))

  const started = await k('start-recording')
  t.equal(started.code, 0, started.err)
  t.match(started.out, /^[-._\w]+\n$/, 'start-recording prints the new recording\'s ID')

  // intervals 6..23 are recorded: over HTTP, then UDP, then HTTP again
  await httpWrite(local, telegraf(6, 12))
  await udpWrite(local, telegraf(12, 18))
  await httpWrite(local, telegraf(18, 24))

  const stopped = await k('stop-recording')
  t.equal(stopped.code, 0, stopped.err)
  const m = /^RecordingID=(\S+)\n$/.exec(stopped.out)
  t.ok(m, `stop-recording prints RecordingID=<id>: ${JSON.stringify(stopped.out)}`)
  const recordingId = m![1]!
  t.equal(recordingId, started.out.trim(), 'the one started')

  const recordings = await k('list', 'recordings')
  t.equal(recordings.code, 0, recordings.err)
  const recLines = recordings.out.split('\n')
  t.match(recLines[0], /^ID +Type +Status +Size +Date/)
  t.match(recLines[1], new RegExp(`^${recordingId} +stream +finished +\\d`))

  // what was recorded: exactly the points written between start and stop, from both inputs, in order
  const exported = await k('export-recording', recordingId)
  t.same(exported, { code: 0, out: `${recordingId}.srpl\n`, err: '' }, 'written to <id>.srpl in the working directory')
  const records = gunzipSync(readFileSync(join(cwd, `${recordingId}.srpl`))).toString().split('\n')
  const pointLines = records.filter((_, i) => i % 3 === 2 && i < records.length - 1)
  t.equal(pointLines.length, 18 * 3, '18 intervals of cpu-total, cpu0 and mem')
  t.ok(records.every((l, i) => i === records.length - 1 || i % 3 !== 0 || l === 'telegraf'), 'database telegraf (the UDP listener\'s too)')
  const seconds = pointLines.map((l) => Number(BigInt(l.slice(l.lastIndexOf(' ') + 1)) / 1_000_000_000n))
  t.same([...new Set(seconds)], Array.from({ length: 18 }, (_, j) => T0 + 10 * (6 + j)), 'intervals 6..23, in the order written')

  // define the streamer from a script file
  const tick = join(cwd, 'cpu_alert.tick')
  writeFileSync(tick, script('usage_user'))
  const def = await k('define', 'streamer', '--name', 'cpu_alert', '--from', 'cpu', '--where', "cpu = 'cpu-total'", '--script', tick)
  t.same(def, { code: 0, out: '', err: '' })

  // replay: 18 recorded intervals, 6 per 60 s window; the last complete window is intervals 12..17,
  // the ones that came over UDP
  const replay1 = await k('replay', recordingId, 'cpu_alert')
  t.equal(replay1.code, 0, replay1.err)
  t.equal(replay1.err, '', 'no progress bar when stdout is not a terminal')
  const replayId1 = replay1.out.trim()
  t.match(replay1.out, /^[-._\w]+\n$/)
  const out1 = (await getJson(`${local.url}/kapacitor/v1/tasks/cpu_alert/out?replay-id=${replayId1}`)).body as HttpOut
  t.equal(out1.series?.length, 1)
  t.equal(out1.series![0]!.name, 'cpu')
  t.same(out1.series![0]!.columns, ['time', 'mean'])
  t.same(out1.series![0]!.values.map((v) => v[1]), [10.5 + 14.5], 'mean usage_user of the cpu-total points of intervals 12..17')

  // edit the script (another field), define again, replay again: a different result
  writeFileSync(tick, script('usage_system'))
  t.same(await k('define', 'streamer', '--name', 'cpu_alert', '--from', 'cpu', '--where', "cpu = 'cpu-total'", '--script', tick), { code: 0, out: '', err: '' })
  const replay2 = await k('replay', '-recording', recordingId, '-task', 'cpu_alert')
  t.equal(replay2.code, 0, replay2.err)
  const replayId2 = replay2.out.trim()
  t.not(replayId2, replayId1)
  const out2 = (await getJson(`${local.url}/kapacitor/v1/tasks/cpu_alert/out?replay-id=${replayId2}`)).body as HttpOut
  t.same(out2.series![0]!.values.map((v) => v[1]), [2 * 14.5], 'mean usage_system of intervals 12..17')
  const again1 = (await getJson(`${local.url}/kapacitor/v1/tasks/cpu_alert/out?replay-id=${replayId1}`)).body as HttpOut
  t.same(again1, out1, 'the first replay\'s output is kept')

  const replays = await k('list', 'replays')
  t.equal(replays.code, 0, replays.err)
  t.match(replays.out, new RegExp(`\\n${replayId1} +cpu_alert +${recordingId} +finished +fast `))
  t.match(replays.out, new RegExp(`\\n${replayId2} +cpu_alert +${recordingId} +finished +fast `))

  // enable it here
  t.same(await k('enable', 'cpu_alert'), { code: 0, out: '', err: '' })
  t.match((await k('list', 'tasks')).out, /\ncpu_alert +stream +enabled +true +\["telegraf"\."autogen"\]\n/)

  // push it to a second kapacitord and see it run there
  const remote = await startKapacitord(t, false)
  const pushed = await k('push', '--remote', remote.url, 'cpu_alert')
  t.equal(pushed.code, 0, pushed.err)
  t.equal(pushed.out, `pushed cpu_alert to ${remote.url}: created, enabled\n`)
  const onRemote = (await getJson(`${remote.url}/kapacitor/v1/tasks/cpu_alert?script-format=raw`)).body as Record<string, unknown>
  t.match(onRemote, { type: 'stream', status: 'enabled', executing: true, from: 'cpu', where: "cpu = 'cpu-total'", dbrps: [{ db: 'telegraf', rp: 'autogen' }] })
  t.equal(onRemote['script'], script('usage_system'), 'the raw script as written')
  await httpWrite(remote, telegraf(100, 107))
  const out3 = (await getJson(`${remote.url}/kapacitor/v1/tasks/cpu_alert/out`)).body as HttpOut
  t.same(out3.series![0]!.values, [['2023-11-14T22:31:00Z', 2 * 102.5]], 'mean usage_system of intervals 100..105, at the window\'s end (cpu0 filtered out by the where)')
})
