/**
 * Batch replays through the daemon's API. Kapacitor's golden batch cases
 * (test/fixtures/batch/<case>: its integrations/testdata `.brpl` recordings and the
 * httpOut its integration tests expect): each recording imported as Kapacitor's `.brpl`
 * zip (`POST /recordings/import`), replayed into the batch task with `recording-time`
 * false on a daemon whose clock stands at Kapacitor's test zero (1971-01-01), the replay's
 * httpOut compared with Kapacitor's. Then live replays against a real influxd:
 * `/replays/batch` (the task's own query over a past range) and `/replays/query` into a
 * batch task and into a stream task.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { zipSync } from 'fflate'
import t, { type Test } from 'tap'
import { fixedClock } from '../../src/model/clock.js'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'
import { batchCaseNames, ZERO_NS } from '../fixtures/batch-harness.js'
import { sortSeries } from '../fixtures/stream-harness.js'
import { startInfluxd } from '../fixtures/influxd.js'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/batch')

interface Res { status: number; text: string; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

async function start(t: Test, opts: { clockNs?: bigint; influxUrl?: string } = {}): Promise<{ call: (method: string, path: string, body?: unknown, raw?: Uint8Array) => Promise<Res>; wait: (id: string) => Promise<Res> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'replays-batch-'))
  const base = defaultConfig()
  const config: Config = {
    ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false },
    ...(opts.influxUrl ? { sections: { influxdb: [{ name: 'local', urls: [opts.influxUrl], 'disable-subscriptions': true }] } } : {}),
  }
  const d = await startDaemon({ config, logger: silentLogger(), ...(opts.clockNs !== undefined ? { clock: fixedClock(opts.clockNs) } : {}) })
  t.teardown(async () => {
    await d.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const url = `http://127.0.0.1:${d.httpAddress.port}`
  const call = async (method: string, path: string, body?: unknown, raw?: Uint8Array): Promise<Res> => {
    const res = await fetch(url + path, {
      method,
      ...(raw !== undefined ? { body: raw, headers: { 'content-type': 'application/octet-stream' } } : {}),
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    })
    const text = await res.text()
    return { status: res.status, text, body: text === '' ? null : JSON.parse(text) }
  }
  return {
    call,
    async wait(id) {
      const deadline = Date.now() + 60_000
      for (;;) {
        const r = await call('GET', `/kapacitor/v1/replays/${id}`)
        if (r.status !== 202) return r
        if (Date.now() > deadline) throw new Error(`replay ${id} still running`)
        await new Promise((res) => setTimeout(res, 20))
      }
    },
  }
}

t.test('Kapacitor\'s batch cases: .brpl recordings imported and replayed give Kapacitor\'s output', async (t) => {
  const k = await start(t, { clockNs: ZERO_NS })
  for (const name of batchCaseNames(root)) {
    const dir = join(root, name)
    const files: Record<string, Uint8Array> = {}
    for (let i = 0; ; i++) {
      let text: Buffer
      try { text = readFileSync(join(dir, `input.${i}.brpl`)) } catch { break }
      files[String(i)] = new Uint8Array(text)
    }
    const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { endpoint?: string; ignoreOrder?: boolean }
    const id = name.replace(/^TestBatch_/, '').toLowerCase()
    const imported = await k.call('POST', `/kapacitor/v1/recordings/import?id=${id}&type=batch`, undefined, zipSync(files))
    t.equal(imported.status, 201, `${name}: import ${imported.text}`)
    const task = await k.call('POST', '/kapacitor/v1/tasks', { id, type: 'batch', dbrps: [{ db: 'dbname', rp: 'rpname' }], script: readFileSync(join(dir, 'script.tick'), 'utf8') })
    t.equal(task.status, 200, `${name}: define ${task.text}`)
    const created = await k.call('POST', '/kapacitor/v1/replays', { id, task: id, recording: id })
    t.equal(created.status, 201, `${name}: replay ${created.text}`)
    const done = await k.wait(id)
    t.match(done.body, { status: 'finished', error: '' }, name)
    const out = await k.call('GET', `/kapacitor/v1/tasks/${id}/${meta.endpoint ?? name}?replay-id=${id}`)
    const expected: unknown = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'))
    t.same(meta.ignoreOrder ? sortSeries(out.body) : out.body, meta.ignoreOrder ? sortSeries(expected) : expected, name)
  }
})

const S = 1_000_000_000n

t.test('live replays against a real influxd: /replays/batch and /replays/query', async (t) => {
  const influx = await startInfluxd()
  t.teardown(() => influx.stop())
  await influx.createDatabase('telegraf')
  // 2020-01-01T00:00:00Z + one point every 10 s for 10 minutes, two hosts, integer values
  const t0 = 1_577_836_800
  let lines = ''
  for (let s = 0; s < 600; s += 10) lines += `cpu,host=a v=${s}i ${t0 + s}\ncpu,host=b v=${1000 + s}i ${t0 + s}\n`
  const w = await influx.write(lines, { db: 'telegraf', precision: 's' })
  t.equal(w.status, 204)
  const k = await start(t, { influxUrl: influx.url, clockNs: BigInt(t0 + 3600) * S })

  // a batcher over the past range: its query runs for each 5-minute period of [t0, t0+10m)
  t.equal((await k.call('POST', '/kapacitor/v1/tasks', {
    id: 'sums', type: 'batch', dbrps: [{ db: 'telegraf', rp: 'autogen' }],
    script: `batch|query('SELECT sum("v") AS total FROM "telegraf"."autogen"."cpu"').period(5m).every(5m).groupBy('host')|httpOut('out')`,
  })).status, 200)
  const batch = await k.call('POST', '/kapacitor/v1/replays/batch', { id: 'rb', task: 'sums', start: '2020-01-01T00:00:00Z', stop: '2020-01-01T00:10:00Z', 'recording-time': true })
  t.equal(batch.status, 201, batch.text)
  t.match(batch.body, { id: 'rb', task: 'sums', recording: '', status: 'running' })
  const rb = await k.wait('rb')
  t.match(rb.body, { status: 'finished', error: '', progress: 1 })
  t.equal(rb.body.stats['node-stats'].query1.emitted, 4, 'two periods × two hosts')
  const sums = (await k.call('GET', '/kapacitor/v1/tasks/sums/out?replay-id=rb')).body
  // the last period [00:05, 00:10): a = 300+…+590 = 13350, b = 13350 + 30·1000 (InfluxDB stamps the sum at the start)
  t.same(sortSeries(sums), sortSeries({ series: [
    { name: 'cpu', tags: { host: 'a' }, columns: ['time', 'total'], values: [['2020-01-01T00:05:00Z', 13350]] },
    { name: 'cpu', tags: { host: 'b' }, columns: ['time', 'total'], values: [['2020-01-01T00:05:00Z', 43350]] },
  ] }))

  // one query's result into a batch task's query node
  const q = await k.call('POST', '/kapacitor/v1/replays/query', {
    id: 'rq', task: 'sums', 'recording-time': true,
    query: `SELECT v FROM "telegraf"."autogen"."cpu" WHERE time >= '2020-01-01T00:00:00Z' AND time < '2020-01-01T00:01:00Z' GROUP BY host`,
  })
  t.equal(q.status, 201, q.text)
  t.match((await k.wait('rq')).body, { status: 'finished', error: '' })
  const raw = (await k.call('GET', '/kapacitor/v1/tasks/sums/out?replay-id=rq')).body
  t.same((sortSeries(raw) as { series: Array<{ tags: unknown; values: unknown[][] }> }).series.map((s: { tags: unknown; values: unknown[][] }) => [s.tags, s.values.length, s.values[5]]), [
    [{ host: 'a' }, 6, ['2020-01-01T00:00:50Z', 50]],
    [{ host: 'b' }, 6, ['2020-01-01T00:00:50Z', 1050]],
  ])

  // and as stream points into a stream task, in time order across series
  t.equal((await k.call('POST', '/kapacitor/v1/tasks', {
    id: 'ints', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }],
    script: `stream|from().measurement('cpu').where(lambda: "host" == 'b')|window().period(1m).every(1m)|httpOut('out')`,
  })).status, 200)
  const sq = await k.call('POST', '/kapacitor/v1/replays/query', {
    id: 'rs', task: 'ints', 'recording-time': true,
    query: `SELECT v FROM "telegraf"."autogen"."cpu" WHERE time >= '2020-01-01T00:00:00Z' AND time < '2020-01-01T00:02:00Z' GROUP BY host`,
  })
  t.equal(sq.status, 201, sq.text)
  const rs = await k.wait('rs')
  t.match(rs.body, { status: 'finished', error: '' })
  const win = await k.call('GET', '/kapacitor/v1/tasks/ints/out?replay-id=rs')
  t.same(win.body.series[0].values.map((v: unknown[]) => v[v.length - 1]), [1000, 1010, 1020, 1030, 1040, 1050], 'the first minute of host b')
  t.equal(rs.body.stats['node-stats'].from1.collected, 24, 'both hosts of two minutes, as points')
})
