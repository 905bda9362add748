/**
 * [[udp]] listeners end to end over real sockets: several lines per datagram (with and
 * without a trailing newline), bad lines dropped and counted while the good lines of the
 * same datagram are kept, db/rp/precision from the listener's config, counters in
 * /kapacitor/v1/debug/vars including kernel drops, and HTTP served during a UDP backlog.
 */
import { spawnSync } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { fixedClock } from '../../src/model/clock.js'
import type { Point } from '../../src/model/point.js'
import type { PointSink } from '../../src/ingest/sink.js'
import type { IngestSnapshot, UdpSnapshot } from '../../src/ingest/stats.js'
import { defaultConfig, type Config, type UdpConfig } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'

const NOW = 1_700_000_000_123_456_789n

class RecordingSink implements PointSink {
  points: Point[] = []
  /** One entry per write call: the db of its first point and how many points. */
  calls: { db: string; n: number }[] = []
  write(points: readonly Point[]): void {
    this.points.push(...points)
    this.calls.push({ db: points[0]!.db, n: points.length })
  }
}

function udp(over: Partial<UdpConfig>): UdpConfig {
  return {
    enabled: true, bindAddress: '127.0.0.1:0', database: 'udpdb', retentionPolicy: '', precision: 'ns',
    buffer: 100_000, readBuffer: 8 * 1024 * 1024, ...over,
  }
}

async function start(t: Test, listeners: UdpConfig[], sink: RecordingSink): Promise<Daemon> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-udp-'))
  const base = defaultConfig()
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false }, udp: listeners }
  const daemon = await startDaemon({ config, sink, clock: fixedClock(NOW), logger: silentLogger() })
  t.teardown(async () => {
    await daemon.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return daemon
}

async function sendAll(port: number, datagrams: string[]): Promise<void> {
  const s = createSocket('udp4')
  for (const d of datagrams) {
    await new Promise<void>((resolve, reject) => s.send(d, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())))
  }
  s.close()
}

async function vars(d: Daemon): Promise<IngestSnapshot> {
  const res = await fetch(`http://127.0.0.1:${d.httpAddress.port}/kapacitor/v1/debug/vars`)
  return ((await res.json()) as { ingest: IngestSnapshot }).ingest
}

async function until<T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await get()
    if (ok(v)) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Sends `n` datagrams from another process while this one's event loop is blocked. */
function blastWhileBlocked(port: number, n: number, body: string): void {
  const script = `
    import { createSocket } from 'node:dgram'
    const [port, n, body] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]]
    const s = createSocket('udp4')
    let i = 0
    const next = () => { if (i++ === n) { s.close(); return } s.send(body + ' ' + i, port, '127.0.0.1', next) }
    next()`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, String(port), String(n), body], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`sender failed: ${r.stderr}`)
}

t.test('lines, bad lines, db/rp/precision from the listener config', async (t) => {
  const sink = new RecordingSink()
  const d = await start(t, [
    udp({ database: 'telegraf' }),
    udp({ database: 'other', retentionPolicy: 'week', precision: 's' }),
  ], sink)
  t.equal(d.udpAddresses.length, 2)
  const a = d.udpAddresses[0]!
  const b = d.udpAddresses[1]!

  await sendAll(a.port, [
    'cpu,host=x v=1 1\nbad line\ncpu,host=x v=2 2', // several lines, no trailing newline (a subscription sends one line this way)
    'mem free=5i 3\n', // one line with its newline (Telegraf)
    'only garbage',
    'cpu v=3', // no timestamp: the receive time
  ])
  await sendAll(b.port, ['m v=1 5\nm v=2\n'])

  await until('6 points', () => sink.points.length, (n) => n >= 6)
  const byDb = (db: string) => sink.points.filter((p) => p.db === db)
  t.same(byDb('telegraf').map((p) => [p.rp, p.name, p.fields, p.time]), [
    ['autogen', 'cpu', { v: 1 }, 1n],
    ['autogen', 'cpu', { v: 2 }, 2n],
    ['autogen', 'mem', { free: 5n }, 3n],
    ['autogen', 'cpu', { v: 3 }, NOW],
  ], 'good lines kept, bad ones dropped; empty retention-policy → default-retention-policy')
  t.same(byDb('other').map((p) => [p.rp, p.time]), [['week', 5_000_000_000n], ['week', 1_700_000_000_000_000_000n]],
    'precision s from the config; the receive time truncated to it')

  const v = await until('counters', () => vars(d), (s) => s.udp[0]!.datagrams_received === 4 && s.udp[1]!.datagrams_received === 1)
  const u0 = v.udp[0]!
  t.match(u0, {
    bind: '127.0.0.1:0', address: '127.0.0.1', port: a.port, database: 'telegraf', retention_policy: 'autogen',
    datagrams_received: 4, points_received: 4, lines_rejected: 2, datagrams_dropped: 0, write_errors: 0, read_errors: 0, kernel_drops: 0,
  })
  t.equal(u0.bytes_received, Buffer.byteLength('cpu,host=x v=1 1\nbad line\ncpu,host=x v=2 2' + 'mem free=5i 3\n' + 'only garbage' + 'cpu v=3'))
  t.match(v.udp[1], { database: 'other', retention_policy: 'week', points_received: 2, lines_rejected: 0 })
  t.equal(v.points_received, 6, 'totals include UDP')
  t.equal(v.lines_rejected, 2)

  const all = (await (await fetch(`http://127.0.0.1:${d.httpAddress.port}/kapacitor/v1/debug/vars`)).json()) as { kapacitor: Record<string, unknown> }
  t.match(all.kapacitor['udp:bind=127.0.0.1:0'], { name: 'udp', values: { points_rx: Number, points_parse_fail: Number } },
    'Kapacitor-style udp statistics for Telegraf\'s inputs.kapacitor')
})

t.test('kernel drops are counted when the receive buffer overflows', async (t) => {
  const sink = new RecordingSink()
  const d = await start(t, [udp({ readBuffer: 1 })], sink) // the kernel's minimum buffer
  const port = d.udpAddresses[0]!.port
  const N = 3000
  blastWhileBlocked(port, N, 'cpu,host=a value=1')
  const v = await until('every datagram received or dropped', () => vars(d),
    (s) => s.udp[0]!.datagrams_received + s.udp[0]!.kernel_drops === N)
  const u: UdpSnapshot = v.udp[0]!
  t.ok(u.kernel_drops > 0, `${u.kernel_drops} kernel drops`)
  t.ok(u.datagrams_received > 0, `${u.datagrams_received} received`)
  await until('points', () => sink.points.length, (n) => n === u.datagrams_received)
  t.equal(u.points_received, u.datagrams_received, 'every received datagram became a point')
})

t.test('a full in-process queue drops and counts instead of growing', async (t) => {
  const sink = new RecordingSink()
  const d = await start(t, [udp({ buffer: 10 })], sink)
  const port = d.udpAddresses[0]!.port
  const N = 500
  blastWhileBlocked(port, N, 'cpu value=1')
  const v = await until('all accounted for', () => vars(d), (s) => {
    const u = s.udp[0]!
    return u.datagrams_received + u.kernel_drops === N && u.points_received + u.datagrams_dropped === u.datagrams_received
  })
  t.ok(v.udp[0]!.datagrams_dropped > 0, `${v.udp[0]!.datagrams_dropped} dropped in the process`)
})

t.test('HTTP writes are served while a UDP backlog is processed', async (t) => {
  const sink = new RecordingSink()
  const d = await start(t, [udp({ database: 'udpdb' })], sink)
  const port = d.udpAddresses[0]!.port
  blastWhileBlocked(port, 2000, 'u value=1')
  // The backlog now sits in the socket buffer; the HTTP write starts behind it.
  const res = await fetch(`http://127.0.0.1:${d.httpAddress.port}/write?db=httpdb`, { method: 'POST', body: 'h v=1 1' })
  t.equal(res.status, 204)
  const v = await until('backlog processed', () => vars(d), (s) => s.udp[0]!.datagrams_received + s.udp[0]!.kernel_drops === 2000
    && s.udp[0]!.points_received === s.udp[0]!.datagrams_received)
  const received = v.udp[0]!.datagrams_received
  t.ok(received > 256, `${received} datagrams queued in the socket`)
  const httpCall = sink.calls.findIndex((c) => c.db === 'httpdb')
  const lastUdpCall = sink.calls.map((c) => c.db).lastIndexOf('udpdb')
  t.ok(httpCall >= 0 && httpCall < lastUdpCall,
    `the HTTP write (sink call ${httpCall}) went in before the UDP backlog was done (last UDP call ${lastUdpCall} of ${sink.calls.length})`)
})

t.test('stop() processes what is queued before closing', async (t) => {
  const sink = new RecordingSink()
  const d = await start(t, [udp({})], sink)
  const port = d.udpAddresses[0]!.port
  await sendAll(port, ['a v=1 1', 'a v=2 2'])
  await until('received', () => d.stats.udp[0]!.datagramsReceived, (n) => n === 2)
  await d.stop()
  t.equal(sink.points.length, 2)
})
