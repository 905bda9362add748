/**
 * `[deadman]` in the daemon: with `global = true` every task defined over the API gets a
 * deadman on its root, with the section's interval, id and message; a bad section stops
 * the daemon from starting, naming the key. (The deadman's behaviour over time is tested
 * with a fake clock in deadman.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'

function config(dataDir: string, deadman: unknown): Config {
  const base = defaultConfig()
  return { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false }, sections: { ...base.sections, deadman } }
}

t.test('global = true: a task over the API gets deadman(threshold, interval) on its root', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-deadman-'))
  const d = await startDaemon({ config: config(dataDir, { global: true, interval: '1m', threshold: 2.5, id: 'dead NODE_NAME', message: 'every INTERVAL' }), logger: silentLogger() })
  t.teardown(async () => { await d.stop(); rmSync(dataDir, { recursive: true, force: true }) })
  const base = `http://127.0.0.1:${d.httpAddress.port}`
  const res = await fetch(`${base}/kapacitor/v1/tasks`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'cpu', type: 'stream', dbrps: [{ db: 'db', rp: 'rp' }], script: "stream|from().measurement('cpu')|httpOut('x')", status: 'enabled' }),
  })
  const task = await res.json() as { dot: string; executing: boolean; error: string }
  t.equal(res.status, 200, task.error)
  t.ok(task.executing, task.error)
  t.match(task.dot, /stats3 -> derivative4 /)
  t.match(task.dot, /derivative4 -> alert5 /)
  const nodes = d.tasks.execution('cpu')!.pipeline.nodes
  const stats = nodes.find((n) => n.type === 'stats')!
  t.equal(stats.watches, 'stream0')
  t.same(stats.args, [{ type: 'duration', ns: 60_000_000_000n }])
  const alert = nodes.find((n) => n.type === 'alert')!
  t.same(alert.props.get('id')?.[0]?.args[0], { type: 'string', value: 'dead stream0' })
  t.same(alert.props.get('message')?.[0]?.args[0], { type: 'string', value: 'every 1m0s' })
  t.match(alert.props.get('crit')?.[0]?.args[0], { type: 'lambda' })
})

t.test('without the section: no deadman is added', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-deadman-'))
  const d = await startDaemon({ config: config(dataDir, undefined), logger: silentLogger() })
  t.teardown(async () => { await d.stop(); rmSync(dataDir, { recursive: true, force: true }) })
  await d.tasks.create({ id: 'cpu', type: 'stream', dbrps: [{ db: 'db', rp: 'rp' }], script: "stream|from().measurement('cpu')|httpOut('x')", status: 'enabled' })
  t.same(d.tasks.execution('cpu')!.pipeline.nodes.map((n) => n.type), ['stream', 'from', 'httpOut'])
})

t.test('a zero interval stops the daemon from starting, naming the key', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-deadman-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  await t.rejects(startDaemon({ config: config(dataDir, { global: true, interval: '0s' }), logger: silentLogger() }), /deadman\.interval: must be greater than zero/)
})
