/**
 * Subscriptions against a real influxd: a daemon configured with `[[influxdb]]` links
 * itself, points written to influxd reach a stream task, syncs are idempotent, influxd
 * restarted on the same data dir and port plus a new database → points flow again after
 * one `POST /kapacitor/v1/subscriptions`; `disable-subscriptions` creates nothing;
 * `subscription-protocol = "udp"` (a UDP listener per db/rp, its port kept over a restart).
 *
 * influxd is started by RestartableInfluxd (same recipe as test/fixtures/influxd.ts)
 * because the fixture removes its data dir on stop and cannot restart on the same port.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { defaultClusterConfig } from '../../src/query/influxdb-config.js'
import { createInfluxDBService } from '../../src/query/influxdb-service.js'
import { startSubscriptions } from '../../src/query/subscriptions.js'
import { RestartableInfluxd } from './restartable-influxd.js'

const logger = silentLogger()

interface Kapacitor {
  daemon: Daemon
  base: string
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Polls the task's httpOut until `ok(body)` (bounded: influxd forwards asynchronously). */
  waitFor(task: string, endpoint: string, ok: (body: any) => boolean): Promise<any> // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A daemon linked to `influxdb`; with `dataDir` (a restart), the caller removes the directory. */
async function kapacitor(t: Test, influxdb: Record<string, unknown>, dataDir?: string): Promise<Kapacitor> {
  const own = dataDir === undefined
  dataDir ??= mkdtempSync(join(tmpdir(), 'kapacitord-subs-'))
  const base = defaultConfig()
  const config: Config = {
    ...base, dataDir, hostname: '127.0.0.1',
    http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false },
    sections: { influxdb: [influxdb] },
  }
  const daemon = await startDaemon({ config, logger })
  t.teardown(async () => { await daemon.stop(); if (own) rmSync(dataDir, { recursive: true, force: true }) })
  const url = `http://127.0.0.1:${daemon.httpAddress.port}`
  const call: Kapacitor['call'] = async (method, path, body) => {
    const res = await fetch(url + path, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : JSON.parse(text) }
  }
  return {
    daemon, base: url, call,
    async waitFor(task, endpoint, ok) {
      const deadline = Date.now() + 15_000
      for (;;) {
        const r = await call('GET', `/kapacitor/v1/tasks/${task}/${endpoint}`)
        if (ok(r.body)) return r.body
        if (Date.now() > deadline) throw new Error(`${task}/${endpoint}: not reached in 15 s; last answer ${JSON.stringify(r.body)}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
  }
}

const hasValue = (v: number) => (body: any) => // eslint-disable-line @typescript-eslint/no-explicit-any
  Array.isArray(body?.series) && body.series.some((s: any) => s.values.some((row: any[]) => row.includes(v))) // eslint-disable-line @typescript-eslint/no-explicit-any

t.test('a daemon links itself: points written to influxd reach a stream task; idempotent; influxd restarted + new database', async (t) => {
  const influx = await RestartableInfluxd.create(t)
  await influx.client.query('CREATE DATABASE telegraf')
  const k = await kapacitor(t, { name: 'local', urls: [influx.url], 'subscriptions-sync-interval': '1h' })
  const subName = `kapacitor-${k.daemon.store.clusterId}`
  const dest = `http://127.0.0.1:${k.daemon.httpAddress.port}`

  const define = async (id: string, db: string) => {
    const r = await k.call('POST', '/kapacitor/v1/tasks', {
      id, type: 'stream', dbrps: [{ db, rp: 'autogen' }], status: 'enabled',
      script: "stream\n  |from().measurement('cpu')\n  |httpOut('out')\n",
    })
    t.equal(r.status, 200, JSON.stringify(r.body))
  }
  await define('cpu', 'telegraf')

  // the sync at start runs in the background; a requested one runs after it
  t.equal((await k.call('POST', '/kapacitor/v1/subscriptions')).status, 204)
  const first = await influx.subscriptions()
  t.same(first, [`telegraf.autogen ${subName} ["${dest}"]`])
  const numSubscriptions = async (): Promise<number> => ((await k.call('GET', '/kapacitor/v1/debug/vars')).body as { num_subscriptions: number }).num_subscriptions
  t.equal(await numSubscriptions(), 1, 'num_subscriptions in debug vars')

  await influx.write('cpu,host=a value=42i', 'telegraf')
  const out = await k.waitFor('cpu', 'out', hasValue(42))
  t.same(out.series[0].tags, { host: 'a' })

  t.equal((await k.call('POST', '/kapacitor/v1/subscriptions')).status, 204)
  t.same(await influx.subscriptions(), first, 'a second sync creates nothing new')

  // influxd down: the sync fails quietly
  await influx.stop()
  t.equal((await k.call('POST', '/kapacitor/v1/subscriptions')).status, 204, 'influxd down: the sync answers, the failure is logged')

  // back on the same data dir and port, with a new database
  await influx.start()
  await influx.client.query('CREATE DATABASE newdb')
  await define('newcpu', 'newdb')
  t.equal((await k.call('POST', '/kapacitor/v1/subscriptions')).status, 204)
  t.same(await influx.subscriptions(), [
    `newdb.autogen ${subName} ["${dest}"]`,
    `telegraf.autogen ${subName} ["${dest}"]`,
  ], 'one more subscription, the old one kept')
  t.equal(await numSubscriptions(), 2)
  await influx.write('cpu,host=b value=7i', 'newdb')
  await k.waitFor('newcpu', 'out', hasValue(7))
  await influx.write('cpu,host=a value=43i', 'telegraf')
  await k.waitFor('cpu', 'out', hasValue(43))
})

t.test('subscription-protocol "udp": a listener per db/rp, points flow, the port is kept over a restart, a dropped database closes its listener', async (t) => {
  const influx = await RestartableInfluxd.create(t)
  await influx.client.query('CREATE DATABASE telegraf')
  await influx.client.query('CREATE DATABASE other')
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-subs-udp-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const cluster = { name: 'local', urls: [influx.url], 'subscription-protocol': 'udp', 'udp-bind': '127.0.0.1', 'subscriptions-sync-interval': '1h' }
  let k = await kapacitor(t, cluster, dataDir)
  const subName = `kapacitor-${k.daemon.store.clusterId}`
  t.equal((await k.call('POST', '/kapacitor/v1/subscriptions')).status, 204)
  const subs = await influx.subscriptions()
  t.equal(subs.length, 2, subs.join('\n'))
  const port = (db: string): number => {
    const line = subs.find((l) => l.startsWith(`${db}.autogen ${subName} `))
    const m = line === undefined ? null : /\["udp:\/\/127\.0\.0\.1:(\d+)"\]$/.exec(line)
    if (m === null) throw new Error(`no udp subscription on ${db}: ${subs.join('; ')}`)
    return Number(m[1])
  }
  const telegrafPort = port('telegraf')
  t.not(telegrafPort, port('other'), 'one listener per db/rp')
  const udpVars = async (): Promise<Array<{ database: string; retention_policy: string; points_received: number }>> =>
    (await k.call('GET', '/kapacitor/v1/debug/vars')).body.ingest.udp
  t.same((await udpVars()).map((u) => u.database).sort(), ['other', 'telegraf'], 'each listener has its counters')

  const define = async (): Promise<void> => {
    const r = await k.call('POST', '/kapacitor/v1/tasks', {
      id: 'cpu', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'enabled',
      script: "stream\n  |from().measurement('cpu')\n  |httpOut('out')\n",
    })
    t.equal(r.status, 200, JSON.stringify(r.body))
  }
  await define()
  await influx.write('cpu,host=a value=42i', 'telegraf')
  await k.waitFor('cpu', 'out', hasValue(42))
  t.ok((await udpVars()).find((u) => u.database === 'telegraf')!.points_received >= 1, 'the point came over UDP')

  // restart on the same data dir: the subscription of ours is kept, its port listened on again
  await k.daemon.stop()
  k = await kapacitor(t, cluster, dataDir)
  t.equal((await k.call('POST', '/kapacitor/v1/subscriptions')).status, 204)
  t.same(await influx.subscriptions(), subs, 'nothing re-created: same destinations')
  await influx.write('cpu,host=a value=43i', 'telegraf')
  await k.waitFor('cpu', 'out', hasValue(43))

  // a dropped database: its listener is closed at the next sync
  await influx.client.query('DROP DATABASE other')
  t.equal((await k.call('POST', '/kapacitor/v1/subscriptions')).status, 204)
  t.same((await udpVars()).map((u) => u.database), ['telegraf'])
  t.equal((await k.call('GET', '/kapacitor/v1/debug/vars')).body.num_subscriptions, 1)
})

t.test('disable-subscriptions = true creates none', async (t) => {
  const influx = await RestartableInfluxd.create(t)
  await influx.client.query('CREATE DATABASE telegraf')
  const k = await kapacitor(t, { name: 'local', urls: [influx.url], 'disable-subscriptions': true })
  t.equal((await k.call('POST', '/kapacitor/v1/subscriptions')).status, 204)
  t.same(await influx.subscriptions(), [])
})

t.test('a sync fixes what is wrong and honours subscriptions / excluded-subscriptions', async (t) => {
  const influx = await RestartableInfluxd.create(t)
  for (const db of ['a', 'b', '_kapacitor']) await influx.client.query(`CREATE DATABASE ${db}`)
  await influx.client.query('CREATE RETENTION POLICY "short" ON "a" DURATION 1h REPLICATION 1')
  await influx.client.query(`CREATE SUBSCRIPTION "kapacitor-cid" ON "a"."autogen" DESTINATIONS ANY 'http://elsewhere:9092'`)
  await influx.client.query(`CREATE SUBSCRIPTION "kapacitor" ON "b"."autogen" DESTINATIONS ANY 'http://10.0.0.1:9092'`)
  await influx.client.query(`CREATE SUBSCRIPTION "someone-else" ON "b"."autogen" DESTINATIONS ALL 'http://10.0.0.2:1'`)
  const scheduler = new ManualScheduler()
  const cluster = defaultClusterConfig({ name: 'c', urls: [influx.url], subscriptionsSyncIntervalMs: 30_000 })
  const start = (c: typeof cluster) => startSubscriptions({
    clusters: [c], influxdb: createInfluxDBService([c], logger), logger, clusterId: 'cid',
    hostname: 'kapa', httpPort: 9092, scheduler,
  })

  const subs = start(cluster)
  await subs.sync()
  t.same(await influx.subscriptions(), [
    'a.autogen kapacitor-cid ["http://kapa:9092"]',
    'a.short kapacitor-cid ["http://kapa:9092"]',
    'b.autogen kapacitor-cid ["http://kapa:9092"]',
    'b.autogen someone-else ["http://10.0.0.2:1"]',
  ], 'wrong destination re-created, legacy name replaced, _kapacitor.autogen excluded, others\' left alone')
  t.equal(subs.count(), 3, 'ours: a.autogen, a.short, b.autogen')

  // the periodic sync picks up a new database
  await influx.client.query('CREATE DATABASE c')
  scheduler.advance(30_000)
  await subs.stop()
  t.ok((await influx.subscriptions()).includes('c.autogen kapacitor-cid ["http://kapa:9092"]'), 'new database linked by the periodic sync')

  // limited to [influxdb.subscriptions]: the others of ours are dropped
  const only = start({ ...cluster, subscriptions: { a: ['short'] }, kapacitorHostname: 'kapa.example', httpPort: 1234 })
  await only.sync()
  await only.stop()
  t.equal(only.count(), 1)
  t.same(await influx.subscriptions(), [
    'a.short kapacitor-cid ["http://kapa.example:1234"]',
    'b.autogen someone-else ["http://10.0.0.2:1"]',
  ])
})
