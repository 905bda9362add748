/**
 * The recording and replay verbs against a real daemon (in-process): start-recording /
 * stop-recording, record stream -task -duration, record stream --host --query against a
 * real influxd, export-recording / import-recording (Kapacitor's file formats), replay in
 * both forms, list / delete / show -replay, and the progress reported while waiting.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import t from 'tap'
import type { Progress } from '../../src/cli/wait.js'
import { startInfluxd } from '../fixtures/influxd.js'
import { runCli, startCliEnv, type CliEnv } from './cli-env.js'

const STREAMER = `stream
    |from()
    |httpOut('out')
`

async function streamer(k: CliEnv, name: string, from = 'cpu'): Promise<void> {
  const script = k.file(`${name}.tick`, STREAMER)
  const r = await k.kapacitor('define', 'streamer', '--name', name, '--from', from, '--script', script)
  if (r.code !== 0) throw new Error(r.err)
}

interface HttpOut { series: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }> | null }

t.test('start-recording, stop-recording: the ID, RecordingID=<id>, listed running then finished', async (t) => {
  const k = await startCliEnv(t)
  const started = await k.kapacitor('start-recording', '-id', 'walk1')
  t.same(started, { code: 0, out: 'walk1\n', err: '' })
  t.match((await k.kapacitor('list', 'recordings')).out, /\nwalk1 +stream +running +/)
  t.equal(await k.write('cpu,host=a v=1 1\nmem,host=a v=2i 2\n'), 204)
  t.equal(await k.write('disk,host=a v=3 3\n', 'other'), 204)
  const stopped = await k.kapacitor('stop-recording')
  t.same(stopped, { code: 0, out: 'RecordingID=walk1\n', err: '' })
  const listed = await k.kapacitor('list', 'recordings')
  t.match(listed.out, /^ID +Type +Status +Size +Date +\nwalk1 +stream +finished +\d+(\.\d)? k?B +\d\d \w{3} \d\d \d\d:\d\d /)

  const none = await k.kapacitor('stop-recording')
  t.same(none, { code: 1, out: '', err: 'no stream recording is running\n' })
  t.equal((await k.kapacitor('start-recording', '-id', 'a')).code, 0)
  t.equal((await k.kapacitor('start-recording', '-id', 'b')).code, 0)
  const two = await k.kapacitor('stop-recording')
  t.same(two, { code: 1, out: '', err: '2 stream recordings are running (a, b): give the ID of the one to stop\n' })
  t.same(await k.kapacitor('stop-recording', 'b'), { code: 0, out: 'RecordingID=b\n', err: '' })
  t.same(await k.kapacitor('stop-recording'), { code: 0, out: 'RecordingID=a\n', err: '' })
  const ghost = await k.kapacitor('stop-recording', 'ghost')
  t.equal(ghost.code, 1)
  t.match(ghost.err, /ghost/, 'the server\'s error names it')
  const dup = await k.kapacitor('start-recording', '-id', 'a')
  t.equal(dup.code, 1, 'an ID in use is the server\'s error')
  t.not(dup.err, '')
})

t.test('every point of every db/rp, in order: export-recording writes Kapacitor\'s .srpl; import-recording brings it back', async (t) => {
  const k = await startCliEnv(t)
  t.equal((await k.kapacitor('start-recording', '-id', 'all')).code, 0)
  t.equal(await k.write('cpu,host=a v=1.5 1\nmem,host=a used=2i 2\n'), 204)
  t.equal(await k.write('disk,host=a free=3 3\n', 'other'), 204)
  t.equal((await k.kapacitor('stop-recording', 'all')).code, 0)

  const file = join(k.dir, 'all-export.srpl')
  const exported = await k.kapacitor('export-recording', 'all', file)
  t.same(exported, { code: 0, out: `${file}\n`, err: '' })
  const gz = readFileSync(file)
  t.same([gz[0], gz[1]], [0x1f, 0x8b], 'a gzip file')
  t.equal(gunzipSync(gz).toString(), [
    'telegraf', 'autogen', 'cpu,host=a v=1.5 1000000000',
    'telegraf', 'autogen', 'mem,host=a used=2i 2000000000',
    'other', 'autogen', 'disk,host=a free=3 3000000000',
    '',
  ].join('\n'), 'database, retention policy and the point with a ns time, for each point in the order written')

  const imported = await k.kapacitor('import-recording', file, '-id', 'copy')
  t.same(imported, { code: 0, out: 'copy\n', err: '' })
  const again = join(k.dir, 'copy.srpl')
  t.equal((await k.kapacitor('export-recording', 'copy', again)).code, 0)
  t.equal(gunzipSync(readFileSync(again)).toString(), gunzipSync(gz).toString(), 'the same records')
  t.match((await k.kapacitor('list', 'recordings', 'copy')).out, /\ncopy +stream +finished /)
})

t.test('record stream -task -duration waits until the recording ends and prints its ID; -no-wait returns at once', async (t) => {
  const k = await startCliEnv(t)
  await streamer(k, 'cpu_task')
  const noWait = await k.kapacitor('record', 'stream', '-task', 'cpu_task', '-duration', '30s', '-recording-id', 'nw', '-no-wait')
  t.same(noWait, { code: 0, out: 'nw\n', err: '' })
  t.equal((await k.get('/kapacitor/v1/recordings/nw')).status, 202, 'still running')

  const events: string[] = []
  const progress = (label: string): Progress => {
    events.push(label)
    return { update: () => {}, stop: () => { events.push('stop') } }
  }
  const waiting = runCli(k.url, ['record', 'stream', '-task', 'cpu_task', '-duration', '1s', '-recording-id', 'r1'], progress)
  t.equal(await k.write('cpu,host=a v=1 1\nmem,host=a v=1 1\n'), 204)
  const done = await waiting
  t.same(done, { code: 0, out: 'r1\n', err: '' }, 'ends on time (data time is not needed)')
  t.same(events, ['recording r1', 'stop'], 'a progress bar while waiting (a terminal)')
  t.match((await k.get('/kapacitor/v1/recordings/r1')).body, { id: 'r1', type: 'stream', status: 'finished' })
  t.same(await k.kapacitor('delete', 'recordings', 'nw'), { code: 0, out: '', err: '' })
})

t.test('record stream --host <influxdb> --query: the result of a query as a stream recording, ints stay ints', async (t) => {
  const influx = await startInfluxd()
  t.teardown(() => influx.stop())
  await influx.createDatabase('telegraf')
  t.equal((await influx.write('cpu,host=a usage=1.5,count=7i 1000000000\ncpu,host=a usage=2.5,count=9i 2000000000\n', { db: 'telegraf' })).status, 204)
  const k = await startCliEnv(t)
  const r = await k.kapacitor('record', 'stream', '--host', influx.url, '--query', 'SELECT usage, count FROM "telegraf"."autogen"."cpu" GROUP BY *', '-recording-id', 'fromdb')
  t.same(r, { code: 0, out: 'fromdb\n', err: '' })
  const file = join(k.dir, 'fromdb.srpl')
  t.equal((await k.kapacitor('export-recording', 'fromdb', file)).code, 0)
  const text = gunzipSync(readFileSync(file)).toString()
  const lines = text.split('\n')
  t.same(lines.filter((_, i) => i % 3 !== 2), ['telegraf', 'autogen', 'telegraf', 'autogen', ''])
  // the field order is the server's business; the values and their types are not
  const fields = (line: string | undefined): string[] => (/^cpu,host=a (\S+) \d+$/.exec(line ?? '')?.[1] ?? '').split(',').sort()
  t.same(fields(lines[2]), ['count=7i', 'usage=1.5'])
  t.same(fields(lines[5]), ['count=9i', 'usage=2.5'])
  t.match(lines[2], / 1000000000$/)
  t.match(lines[5], / 2000000000$/)
})

t.test('replay <recording> <task> and -recording/-task; the replay\'s httpOut; list, show -replay, delete', async (t) => {
  const k = await startCliEnv(t)
  await streamer(k, 'cpu_task')
  // Kapacitor's test-data form: plain text, seconds
  const plain = k.file('TestStream_Plain.srpl', 'telegraf\nautogen\ncpu,host=a v=1 1\ntelegraf\nautogen\ncpu,host=a v=2 2\ntelegraf\nautogen\nmem,host=a v=9 3\n')
  t.same(await k.kapacitor('import-recording', plain, '-precision', 's'), { code: 0, out: 'TestStream_Plain\n', err: '' })

  const r1 = await k.kapacitor('replay', 'TestStream_Plain', 'cpu_task', '-rec-time', '-replay-id', 'rp1')
  t.same(r1, { code: 0, out: 'rp1\n', err: '' })
  const out1 = (await k.get('/kapacitor/v1/tasks/cpu_task/out?replay-id=rp1')).body as HttpOut
  t.same(out1.series, [{ name: 'cpu', tags: { host: 'a' }, columns: ['time', 'v'], values: [['1970-01-01T00:00:02Z', 2]] }], 'recorded times with -rec-time; mem filtered out')

  const r2 = await k.kapacitor('replay', '-recording', 'TestStream_Plain', '-task', 'cpu_task', '-replay-id', 'rp2')
  t.same(r2, { code: 0, out: 'rp2\n', err: '' })
  const out2 = (await k.get('/kapacitor/v1/tasks/cpu_task/out?replay-id=rp2')).body as HttpOut
  const shifted = Date.parse(String(out2.series![0]!.values[0]![0]))
  t.ok(shifted > Date.UTC(2020, 0, 1), 'times shifted to now without -rec-time')

  const listed = await k.kapacitor('list', 'replays', 'rp*')
  t.match(listed.out, /^ID +Task +Recording +Status +Clock +Date +\nrp1 +cpu_task +TestStream_Plain +finished +fast +\d\d \w{3} \d\d \d\d:\d\d .*\nrp2 +cpu_task /)
  const shown = await k.kapacitor('show', '-replay', 'rp1', 'cpu_task')
  t.equal(shown.code, 0, shown.err)
  t.match(shown.out, /^ID: cpu_task\n/)

  t.same(await k.kapacitor('delete', 'replays', 'rp*'), { code: 0, out: '', err: '' })
  t.equal((await k.kapacitor('list', 'replays')).out.split('\n').length, 2, 'only the header')
  t.equal((await k.get('/kapacitor/v1/tasks/cpu_task/out?replay-id=rp1')).status, 404, 'the replay\'s output goes with it')
  t.same(await k.kapacitor('delete', 'recordings', 'TestStream_*'), { code: 0, out: '', err: '' })
  t.equal((await k.kapacitor('list', 'recordings')).out.split('\n').length, 2)

  const missing = await k.kapacitor('replay', 'nope', 'cpu_task')
  t.equal(missing.code, 1)
  t.match(missing.err, /nope/, 'the server\'s error')
})

t.test('replay -no-wait prints the ID at once; the progress of a real-clock replay is shown while it runs', async (t) => {
  const k = await startCliEnv(t)
  await streamer(k, 'cpu_task')
  let lines = ''
  for (let s = 0; s <= 2; s++) lines += `telegraf\nautogen\ncpu,host=a v=${s} ${s}\n`
  writeFileSync(join(k.dir, 'slow.srpl'), lines)
  t.equal((await k.kapacitor('import-recording', join(k.dir, 'slow.srpl'), '-precision', 's')).code, 0)

  const nw = await k.kapacitor('replay', 'slow', 'cpu_task', '-real-clock', '-no-wait', '-replay-id', 'bg')
  t.same(nw, { code: 0, out: 'bg\n', err: '' })
  t.equal((await k.get('/kapacitor/v1/replays/bg')).status, 202, 'running: 2 s of recorded time at the real pace')

  const events: string[] = []
  const progress = (label: string): Progress => {
    events.push(label)
    return { update: (f) => { events.push(`${f}`) }, stop: () => { events.push('stop') } }
  }
  const r = await runCli(k.url, ['replay', 'slow', 'cpu_task', '-real-clock', '-replay-id', 'fg'], progress)
  t.same(r, { code: 0, out: 'fg\n', err: '' })
  t.equal(events[0], 'replay fg')
  t.equal(events.at(-2), '1', 'complete when finished')
  t.equal(events.at(-1), 'stop')
})

t.test('failures exit 1 with the server\'s message', async (t) => {
  const k = await startCliEnv(t)
  const garbage = k.file('garbage.srpl', 'garbage')
  const cases: Array<[string[], string]> = [
    [['export-recording', 'ghost'], 'no recording with id ghost\n'],
    [['stop-recording', 'ghost'], 'no recording with id ghost\n'],
    [['import-recording', garbage], 'invalid .srpl file: line 1: invalid replay file format, expected another line\n'],
    [['record', 'stream', '-task', 'ghost', '-duration', '1s'], 'no task exists with ID ghost\n'],
    [['record', 'query', '-query', 'SELECT v FROM db.rp.m', '-type', 'stream'], 'no InfluxDB cluster is configured ([[influxdb]])\n'],
    [['replay', 'ghost', 'nosuchtask'], 'task load: no task exists with ID nosuchtask\n'],
    [['replay-live', 'query', '-task', 'nosuchtask', '-query', 'SELECT v FROM db.rp.m'], 'task load: no task exists with ID nosuchtask\n'],
  ]
  for (const [args, err] of cases) t.same(await k.kapacitor(...args), { code: 1, out: '', err }, args.join(' '))
  t.same(await k.kapacitor('delete', 'recordings', 'ghost'), { code: 0, out: '', err: '' }, 'deleting what is not there is not an error (Kapacitor)')
  await k.daemon.stop()
  const down = await k.kapacitor('start-recording')
  t.equal(down.code, 1)
  // the CLI runs in this process here: a kept-alive connection of an earlier call may still be
  // in fetch's pool and find the server gone ("other side closed"); a CLI process sees ECONNREFUSED
  t.match(down.err, new RegExp(`^POST ${k.url}/kapacitor/v1/recordings/stream: .*(ECONNREFUSED|other side closed)`))
})
