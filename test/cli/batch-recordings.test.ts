/**
 * The verbs that query InfluxDB, against a real daemon whose `[[influxdb]]` is a real
 * private influxd: `record batch` (a batch task's own queries over a range), `record
 * query -type batch`, their replays, `.brpl` export and import, and `replay-live batch`
 * and `replay-live query` (the same without storing a recording).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { startInfluxd } from '../fixtures/influxd.js'
import { startCliEnv, type CliEnv } from './cli-env.js'

const T0 = Date.UTC(2026, 0, 1) / 1000 // seconds
const iso = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z')

const BATCH = `batch
    |query('SELECT mean("usage") AS mean FROM "telegraf"."autogen"."cpu"')
        .period(20s)
        .every(20s)
    |httpOut('out')
`

interface HttpOut { series: Array<{ name: string; columns: string[]; values: unknown[][] }> | null }

async function setup(t: Test): Promise<CliEnv> {
  const influx = await startInfluxd()
  t.teardown(() => influx.stop())
  await influx.createDatabase('telegraf')
  let lines = ''
  for (let i = 0; i < 60; i++) lines += `cpu,host=a usage=${i},count=${i}i ${T0 + i}\n`
  t.equal((await influx.write(lines, { db: 'telegraf', precision: 's' })).status, 204)
  const base = await startCliEnv(t, { sections: { influxdb: [{ name: 'local', urls: [influx.url], 'disable-subscriptions': true }] } })
  const tick = base.file('batch.tick', BATCH)
  const def = await base.kapacitor('define', 'cpu_batch', '-tick', tick, '-type', 'batch', '-dbrp', 'telegraf.autogen')
  t.same(def, { code: 0, out: '', err: '' })
  return base
}

async function out(k: CliEnv, task: string, replayId: string): Promise<HttpOut> {
  const r = await k.get(`/kapacitor/v1/tasks/${task}/out?replay-id=${replayId}`)
  if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body as HttpOut
}

t.test('record batch, replay it, export the .brpl, import it, replay-live batch: the same last batch', async (t) => {
  const k = await setup(t)
  const rec = await k.kapacitor('record', 'batch', '-task', 'cpu_batch', '-start', iso(T0), '-stop', iso(T0 + 60), '-recording-id', 'rb')
  t.same(rec, { code: 0, out: 'rb\n', err: '' })
  t.match((await k.kapacitor('list', 'recordings')).out, /\nrb +batch +finished +/)

  t.same(await k.kapacitor('replay', 'rb', 'cpu_batch', '-rec-time', '-replay-id', 'p1'), { code: 0, out: 'p1\n', err: '' })
  const replayed = await out(k, 'cpu_batch', 'p1')
  t.equal(replayed.series?.length, 1)
  t.same(replayed.series![0]!.columns, ['time', 'mean'])
  t.same(replayed.series![0]!.values.map((v) => v[1]), [49.5], 'the mean of the last 20 s (40..59)')

  const file = join(k.dir, 'rb.brpl')
  t.same(await k.kapacitor('export-recording', 'rb', file), { code: 0, out: `${file}\n`, err: '' })
  t.equal(readFileSync(file).subarray(0, 2).toString(), 'PK', 'a zip file')
  t.same(await k.kapacitor('import-recording', file, '-id', 'rb_copy'), { code: 0, out: 'rb_copy\n', err: '' })
  t.same(await k.kapacitor('replay', 'rb_copy', 'cpu_batch', '-rec-time', '-replay-id', 'p2'), { code: 0, out: 'p2\n', err: '' })
  t.same(await out(k, 'cpu_batch', 'p2'), replayed, 'the imported copy replays the same')

  const live = await k.kapacitor('replay-live', 'batch', '-task', 'cpu_batch', '-start', iso(T0), '-stop', iso(T0 + 60), '-rec-time', '-replay-id', 'l1')
  t.same(live, { code: 0, out: 'l1\n', err: '' })
  t.same(await out(k, 'cpu_batch', 'l1'), replayed, 'replay-live batch: the same without a recording')
  t.match((await k.kapacitor('list', 'recordings')).out.split('\n').length, 4, 'replay-live stored no recording (header, rb, rb_copy)')
})

t.test('record query -type batch and replay-live query into a stream task; integers stay integers', async (t) => {
  const k = await setup(t)
  const script = k.file('s.tick', "stream\n    |from()\n        .measurement('cpu')\n    |httpOut('out')\n")
  t.equal((await k.kapacitor('define', 'cpu_stream', '-tick', script, '-type', 'stream', '-dbrp', 'telegraf.autogen')).code, 0)

  const q = `SELECT usage, count FROM "telegraf"."autogen"."cpu" WHERE time >= '${iso(T0 + 50)}' AND time < '${iso(T0 + 60)}'`
  const rec = await k.kapacitor('record', 'query', '-query', q, '-type', 'stream', '-recording-id', 'rq')
  t.same(rec, { code: 0, out: 'rq\n', err: '' })
  t.same(await k.kapacitor('replay', 'rq', 'cpu_stream', '-rec-time', '-replay-id', 'q1'), { code: 0, out: 'q1\n', err: '' })
  const fromRecording = await out(k, 'cpu_stream', 'q1')
  t.same(fromRecording.series![0]!.values, [[iso(T0 + 59), 59, 59]], 'the last point, count an integer')
  t.same(fromRecording.series![0]!.columns, ['time', 'count', 'usage'])

  const live = await k.kapacitor('replay-live', 'query', '-task', 'cpu_stream', '-query', q, '-rec-time', '-replay-id', 'q2')
  t.same(live, { code: 0, out: 'q2\n', err: '' })
  t.same(await out(k, 'cpu_stream', 'q2'), fromRecording)

  const batchRec = await k.kapacitor('record', 'query', '-query', q, '-type', 'batch', '-recording-id', 'rqb')
  t.same(batchRec, { code: 0, out: 'rqb\n', err: '' })
  t.match((await k.kapacitor('list', 'recordings', 'rqb')).out, /\nrqb +batch +finished /)

  const bad = await k.kapacitor('record', 'query', '-query', 'SELECT FROM', '-type', 'batch')
  t.equal(bad.code, 1)
  t.not(bad.err, '', 'the server\'s error')
})
