/**
 * Batch tasks end to end on the real clock: a kapacitord with an `[[influxdb]]` section
 * pointing at a private influxd, a TICKscript batch task with `.every(1s)` and a design-doc
 * batcher (`query`, `period`, `group-by` task fields, `batch.filter(<, 30)…` script) defined
 * through the tasks API; their httpOut endpoints are polled with a bounded wait.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'
import { startInfluxd } from '../fixtures/influxd.js'

interface Series { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }

t.test('batch tasks against a real influxd, on the real clock', async (t) => {
  const influx = await startInfluxd()
  t.teardown(() => influx.stop())
  await influx.createDatabase('telegraf')
  // one point a second around now (host a: v = 10, an integer; n = 1.5)
  const nowS = Math.floor(Date.now() / 1000)
  const lines: string[] = []
  for (let s = nowS - 120; s < nowS + 120; s++) lines.push(`cpu,host=a v=10i,n=1.5 ${s}`)
  const w = await influx.write(lines.join('\n'), { db: 'telegraf', precision: 's' })
  t.equal(w.status, 204)

  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-batch-'))
  const base = defaultConfig()
  const config: Config = {
    ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false },
    sections: { influxdb: [{ name: 'local', enabled: true, default: true, urls: [influx.url], 'disable-subscriptions': true }] },
  }
  const daemon = await startDaemon({ config, logger: silentLogger() })
  t.teardown(async () => {
    await daemon.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const url = `http://127.0.0.1:${daemon.httpAddress.port}`
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await fetch(url + path, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : JSON.parse(text) }
  }
  /** Polls an httpOut endpoint until it has a series (bounded: influxd and the 1 s schedule are real). */
  const firstSeries = async (task: string, endpoint: string): Promise<Series> => {
    const deadline = Date.now() + 15_000
    for (;;) {
      const r = await call('GET', `/kapacitor/v1/tasks/${task}/${endpoint}`)
      const s = (r.body as { series?: Series[] | null } | null)?.series?.[0]
      if (r.status === 200 && s) return s
      if (Date.now() > deadline) throw new Error(`${task}/${endpoint}: nothing after 15 s (${JSON.stringify(r.body)})`)
      await new Promise((res) => setTimeout(res, 100))
    }
  }

  await t.test('a TICKscript batch task, every 1s aligned', async (t) => {
    const created = await call('POST', '/kapacitor/v1/tasks', {
      id: 'every1s', type: 'batch', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'enabled',
      script: `batch
    |query('SELECT "v", "n" FROM "telegraf"."autogen"."cpu"')
        .period(1s)
        .every(1s)
        .align()
        .groupBy('host')
    |httpOut('out')
`,
    })
    t.equal(created.status, 200, created.status === 200 ? 'created' : JSON.stringify(created.body))
    t.equal(created.body.error, '')
    const s = await firstSeries('every1s', 'out')
    t.same(s.tags, { host: 'a' })
    t.same(s.columns, ['time', 'n', 'v'])
    t.equal(s.values.length, 1, 'one point in each 1 s period')
    const [time, n, v] = s.values[0]!
    t.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'an aligned period: its point is on a whole second')
    t.same([n, v], [1.5, 10])
    const task = await call('GET', '/kapacitor/v1/tasks/every1s')
    const q = task.body.stats['node-stats'].query1
    t.ok(q.batches_queried >= 1)
    t.equal(q.query_errors, 0)
  })

  await t.test('a design-doc batcher defined through the tasks API', async (t) => {
    const created = await call('POST', '/kapacitor/v1/tasks', {
      id: 'low_v', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'enabled',
      query: 'SELECT mean("v") AS value FROM "telegraf"."autogen"."cpu"', period: '1s', 'group-by': 'host',
      script: 'batch.filter(<, 30).httpOut(\'low\')\n',
    })
    t.equal(created.status, 200, created.status === 200 ? 'created' : JSON.stringify(created.body))
    t.equal(created.body.type, 'batch')
    t.equal(created.body.error, '')
    t.same([created.body.query, created.body.period, created.body['group-by']], ['SELECT mean("v") AS value FROM "telegraf"."autogen"."cpu"', '1s', 'host'])
    const s = await firstSeries('low_v', 'low')
    t.same(s.tags, { host: 'a' })
    t.same(s.columns, ['time', 'value'])
    t.same(s.values[0]![1], 10, 'the mean of the period passed filter(<, 30)')

    const bad = await call('POST', '/kapacitor/v1/tasks', {
      id: 'bad_batcher', dbrps: [{ db: 'telegraf', rp: 'autogen' }],
      query: 'SELECT mean("v") AS value FROM "telegraf"."autogen"."cpu"', period: 'soon', script: 'batch.filter(<, 30)\n',
    })
    t.equal(bad.status, 400)
    t.match(bad.body.error, /period: not a positive duration: "soon"/)
  })
})
