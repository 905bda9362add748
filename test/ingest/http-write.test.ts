/**
 * POST /write end to end over real sockets, against an in-process daemon with a fixed
 * clock: what Telegraf, subscriptions and the 1.x clients rely on (status codes, JSON
 * errors, partial writes keeping the good lines, gzip, chunked, size limits, precision,
 * one receive time per request).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import t, { type Test } from 'tap'
import { fixedClock } from '../../src/model/clock.js'
import type { Point } from '../../src/model/point.js'
import type { PointSink } from '../../src/ingest/sink.js'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon, type Daemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'
import { parseWriteParams } from '../../src/ingest/http-write.js'

const NOW = 1_700_000_000_123_456_789n

class RecordingSink implements PointSink {
  points: Point[] = []
  writes = 0
  write(points: readonly Point[]): void | Promise<void> {
    this.writes++
    this.points.push(...points)
  }
  take(): Point[] {
    const p = this.points
    this.points = []
    return p
  }
}

async function start(t: Test, http: Partial<Config['http']> = {}, sink: PointSink = new RecordingSink()): Promise<Daemon> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-write-'))
  const base = defaultConfig()
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false, ...http } }
  const daemon = await startDaemon({ config, sink, clock: fixedClock(NOW), logger: silentLogger() })
  t.teardown(async () => {
    await daemon.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return daemon
}

interface Res { status: number; headers: IncomingHttpHeaders; body: string }

interface Req {
  method?: string
  path: string
  headers?: Record<string, string>
  /** Sent with Content-Length. */
  body?: Buffer | string
  /** Sent chunked, one write each. */
  chunks?: Buffer[]
}

/** One request on a fresh connection. Resolves with the answer even if the server then closes before the body was all sent. */
function send(port: number, r: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    let answered = false
    const req = httpRequest({ host: '127.0.0.1', port, method: r.method ?? 'POST', path: r.path, headers: r.headers, agent: false }, (res) => {
      answered = true
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', (err) => { if (!answered) reject(err) })
    if (r.chunks !== undefined) {
      for (const c of r.chunks) req.write(c)
      req.end()
    } else {
      req.end(r.body)
    }
  })
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function checkCommonHeaders(t: Test, res: Res): void {
  t.equal(res.headers['content-type'], 'application/json', 'Content-Type: application/json')
  t.match(res.headers['request-id'], UUID, 'Request-Id')
  t.equal(res.headers['x-request-id'], res.headers['request-id'], 'X-Request-Id')
  t.equal(res.headers['x-influxdb-build'], 'OSS')
  t.equal(res.headers['x-influxdb-version'], '1.8.3')
  t.equal(res.headers['x-kapacitor-version'], '1.8.3')
}

function errorOf(res: Res): string {
  return (JSON.parse(res.body) as { error: string }).error
}

t.test('defaults', async (t) => {
  const sink = new RecordingSink()
  const d = await start(t, {}, sink)
  const port = d.httpAddress.port
  let sent = 0
  const post = (r: Req): Promise<Res> => { sent++; return send(port, r) }

  t.test('good lines → 204, empty body, InfluxDB headers; points reach the sink', async (t) => {
    const res = await post({ path: '/write?db=telegraf', body: 'cpu,host=a v=1,n=2i 1700000000000000001\nmem free=3i 1700000000000000002\n' })
    t.equal(res.status, 204)
    t.equal(res.body, '')
    checkCommonHeaders(t, res)
    t.notOk(res.headers['x-influxdb-error'])
    t.same(sink.take(), [
      { db: 'telegraf', rp: 'autogen', name: 'cpu', tags: { host: 'a' }, fields: { v: 1, n: 2n }, time: 1700000000000000001n },
      { db: 'telegraf', rp: 'autogen', name: 'mem', tags: {}, fields: { free: 3n }, time: 1700000000000000002n },
    ], 'rp defaults to default-retention-policy (autogen)')
  })

  t.test('/kapacitor/v1/write is the same endpoint; rp, u, p, Basic auth and any Content-Type are accepted', async (t) => {
    const res = await post({
      path: '/kapacitor/v1/write?db=subdb&rp=week&u=user&p=pw&consistency=',
      headers: { authorization: 'Basic dTp0b2s=', 'content-type': 'application/octet-stream' },
      body: 'm v=1 5',
    })
    t.equal(res.status, 204)
    t.same(sink.take().map((p) => [p.db, p.rp, p.time]), [['subdb', 'week', 5n]])
  })

  t.test('some lines bad → 400 partial write, the good lines kept', async (t) => {
    const res = await post({ path: '/write?db=d', body: 'cpu v=1 1\nbad\ncpu v=2 2\nworse\n' })
    t.equal(res.status, 400)
    checkCommonHeaders(t, res)
    const expected = "partial write: unable to parse 'bad': missing fields\nunable to parse 'worse': missing fields dropped=0"
    t.equal(errorOf(res), expected)
    t.equal(res.headers['x-influxdb-error'], expected.replace('\n', ' '), 'the header has the newline as a space')
    t.same(sink.take().map((p) => p.fields['v']), [1, 2])
  })

  t.test('all lines bad → 400 with the entries alone, nothing kept', async (t) => {
    const res = await post({ path: '/write?db=d', body: 'bad\nworse' })
    t.equal(res.status, 400)
    t.equal(errorOf(res), "unable to parse 'bad': missing fields\nunable to parse 'worse': missing fields")
    t.same(sink.take(), [])
  })

  t.test('no db → 400 database is required', async (t) => {
    for (const path of ['/write', '/write?db=', '/write?rp=autogen']) {
      const res = await post({ path, body: 'cpu v=1' })
      t.equal(res.status, 400, path)
      t.equal(res.body, '{"error":"database is required"}')
      t.equal(res.headers['x-influxdb-error'], 'database is required')
      checkCommonHeaders(t, res)
    }
    t.same(sink.take(), [])
  })

  t.test('consistency: empty or any|one|quorum|all, else 400', async (t) => {
    for (const c of ['', 'any', 'one', 'quorum', 'all']) {
      const res = await post({ path: `/write?db=d&consistency=${c}`, body: 'cpu v=1 1' })
      t.equal(res.status, 204, `consistency=${c}`)
    }
    const bad = await post({ path: '/write?db=d&consistency=most', body: 'cpu v=1 1' })
    t.equal(bad.status, 400)
    t.equal(errorOf(bad), 'invalid consistency level')
    t.equal(sink.take().length, 5)
  })

  t.test('precision scales timestamps; unknown precisions are ns, as influxd', async (t) => {
    const cases: [string, bigint][] = [['', 7n], ['n', 7n], ['ns', 7n], ['u', 7_000n], ['ms', 7_000_000n], ['s', 7_000_000_000n],
      ['m', 420_000_000_000n], ['h', 25_200_000_000_000n], ['us', 7n], ['rfc3339', 7n]]
    for (const [p, ns] of cases) {
      const res = await post({ path: `/write?db=d&precision=${p}`, body: 'm v=1 7' })
      t.equal(res.status, 204)
      t.same(sink.take().map((x) => x.time), [ns], `precision=${p}`)
    }
  })

  t.test('lines without a timestamp get one receive time per request, truncated to the precision', async (t) => {
    await post({ path: '/write?db=d', body: 'm v=1\nm v=2\n' })
    t.same(sink.take().map((x) => x.time), [NOW, NOW])
    await post({ path: '/write?db=d&precision=s', body: 'm v=1\nm v=2 9\n' })
    t.same(sink.take().map((x) => x.time), [1_700_000_000_000_000_000n, 9_000_000_000n])
    await post({ path: '/write?db=d&precision=ms', body: 'm v=1' })
    t.same(sink.take().map((x) => x.time), [1_700_000_000_123_000_000n])
  })

  t.test('empty body, blank lines and comments → 204, nothing written', async (t) => {
    const writes = sink.writes
    for (const body of ['', '\n\n', '# just a comment\n\n# another\n']) {
      const res = await post({ path: '/write?db=d', body })
      t.equal(res.status, 204, JSON.stringify(body))
    }
    t.equal(sink.writes, writes, 'the sink was not called')
  })

  t.test('gzip (Telegraf\'s default), and gzip + chunked without Content-Length', async (t) => {
    const lines = Array.from({ length: 2000 }, (_, i) => `cpu,host=h${i % 10} v=${i} ${i + 1}`).join('\n') + '\n'
    const gz = gzipSync(lines)
    const res = await post({ path: '/write?db=telegraf', headers: { 'content-encoding': 'gzip', 'content-type': 'text/plain; charset=utf-8' }, body: gz })
    t.equal(res.status, 204)
    t.equal(sink.take().length, 2000)
    const chunks: Buffer[] = []
    for (let i = 0; i < gz.length; i += 1000) chunks.push(gz.subarray(i, i + 1000))
    const chunked = await post({ path: '/write?db=telegraf', headers: { 'content-encoding': 'gzip' }, chunks })
    t.equal(chunked.status, 204)
    const got = sink.take()
    t.equal(got.length, 2000)
    t.same(got[1999], { db: 'telegraf', rp: 'autogen', name: 'cpu', tags: { host: 'h9' }, fields: { v: 1999 }, time: 2000n })
  })

  t.test('a plain chunked body', async (t) => {
    const res = await post({ path: '/write?db=d', chunks: [Buffer.from('m v=1 1\nm v='), Buffer.from('2 2\n')] })
    t.equal(res.status, 204)
    t.same(sink.take().map((p) => p.fields['v']), [1, 2], 'a line split across chunks is whole')
  })

  t.test('corrupt gzip → 400 unexpected EOF (as influxd), also a plain body sent as gzip', async (t) => {
    const gz = gzipSync('cpu v=1 1\n'.repeat(100))
    for (const body of [gz.subarray(0, gz.length - 10), Buffer.from('cpu v=1 1\n'), Buffer.alloc(0)]) {
      const res = await post({ path: '/write?db=d', headers: { 'content-encoding': 'gzip' }, body })
      t.equal(res.status, 400)
      t.equal(res.body, '{"error":"unexpected EOF"}')
      checkCommonHeaders(t, res)
    }
    t.same(sink.take(), [])
  })

  t.test('GET → 405 with Allow, OPTIONS → 200, both JSON-headed', async (t) => {
    const get = await post({ method: 'GET', path: '/write?db=d' })
    t.equal(get.status, 405)
    t.equal(get.headers['allow'], 'OPTIONS, POST')
    t.same(JSON.parse(get.body), { error: 'Method Not Allowed' })
    const options = await post({ method: 'OPTIONS', path: '/write' })
    t.equal(options.status, 200)
    t.equal(options.body, '')
    checkCommonHeaders(t, options)
  })

  t.test('X-Influxdb-Error is safe: control characters become spaces, non-ASCII kept as UTF-8, cut at 1024 bytes', async (t) => {
    const res = await post({ path: '/write?db=d', body: 'bad\fline é\n' + 'x'.repeat(3000) })
    t.equal(res.status, 400)
    const error = errorOf(res)
    t.ok(error.startsWith("unable to parse 'bad\fline é': "), 'the body keeps the text as sent')
    const header = Buffer.from(res.headers['x-influxdb-error'] as string, 'latin1')
    t.ok(header.length <= 1024, `header is ${header.length} bytes`)
    t.ok(header.toString('utf8').startsWith("unable to parse 'bad line é': "), 'form feed → space, é as UTF-8')
  })

  t.test('counters at /kapacitor/v1/debug/vars', async (t) => {
    const res = await fetch(`http://127.0.0.1:${port}/kapacitor/v1/debug/vars`)
    const v = (await res.json()) as { ingest: { http: Record<string, number>; points_received: number } }
    const h = v.ingest.http
    t.equal(h['requests'], sent, 'every /write request counted')
    t.ok(h['writes_ok']! >= 20)
    t.equal(h['partial_writes'], 1)
    t.equal(h['lines_rejected'], 2 + 2 + 2)
    t.equal(h['points_received'], v.ingest.points_received)
    t.ok(h['bytes_received']! > 0)
    t.equal(h['write_errors'], 0)
  })
})

t.test('max-body-size', async (t) => {
  const sink = new RecordingSink()
  const LIMIT = 64 * 1024
  const d = await start(t, { maxBodySize: LIMIT }, sink)
  const port = d.httpAddress.port
  const line = 'cpu,host=server01 value=0.64 1434055562000000000\n'
  const over = line.repeat(Math.ceil((LIMIT + 1) / line.length))

  t.test('a declared Content-Length over the limit → 413 + Connection: close, nothing written', async (t) => {
    const res = await send(port, { path: '/write?db=d', body: over })
    t.equal(res.status, 413)
    t.equal(res.body, '{"error":"Request Entity Too Large"}')
    t.equal(res.headers['connection'], 'close')
    t.equal(res.headers['content-type'], 'application/json')
    t.same(sink.take(), [])
  })

  t.test('a client that sends its whole body before reading (python urllib) still gets the 413, not a reset', async (t) => {
    const script = [
      'import sys, urllib.request, urllib.error',
      "req = urllib.request.Request(sys.argv[1], data=b'cpu v=1 1\\n' * 200000, method='POST')",
      'try:',
      '    urllib.request.urlopen(req); print(204)',
      'except urllib.error.HTTPError as e:',
      "    print(e.code, e.read().decode())",
    ].join('\n')
    const out = await new Promise<string>((resolve, reject) => {
      execFile('python3', ['-c', script, `http://127.0.0.1:${port}/write?db=d`], (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)))
    })
    t.equal(out.trim(), '413 {"error":"Request Entity Too Large"}')
  })

  t.test('a chunked body that grows over the limit → 413', async (t) => {
    const chunks = Array.from({ length: 20 }, () => Buffer.from(over.slice(0, 8192)))
    const res = await send(port, { path: '/write?db=d', chunks })
    t.equal(res.status, 413)
    t.equal(res.body, '{"error":"Request Entity Too Large"}')
    t.same(sink.take(), [])
  })

  t.test('a body at the limit is fine', async (t) => {
    const body = line.repeat(Math.floor(LIMIT / line.length))
    const res = await send(port, { path: '/write?db=d', body })
    t.equal(res.status, 204)
    t.equal(sink.take().length, Math.floor(LIMIT / line.length))
  })

  t.test('a gzip bomb → 413 after decompression, without inflating it in memory', async (t) => {
    // 200 gzip members of 5 MB each: 1 GB of lines in about 3 MB. The compressed body must
    // pass the raw-size check, so this daemon's limit is just above it; gunzip must stop there.
    const member = gzipSync(Buffer.from(line.repeat(Math.ceil(5_000_000 / line.length))), { level: 9 })
    const bomb = Buffer.concat(Array.from({ length: 200 }, () => member))
    t.ok(bomb.length < 4_000_000, `compressed ${bomb.length} bytes`)
    const d2 = await start(t, { maxBodySize: bomb.length + 1 }, sink)
    const peakBefore = process.resourceUsage().maxRSS
    const res = await send(d2.httpAddress.port, { path: '/write?db=d', headers: { 'content-encoding': 'gzip' }, body: bomb })
    const peakGrowthMB = (process.resourceUsage().maxRSS - peakBefore) / 1024
    t.equal(res.status, 413)
    t.equal(res.body, '{"error":"Request Entity Too Large"}')
    t.ok(peakGrowthMB < 200, `peak RSS grew ${peakGrowthMB.toFixed(0)} MB for 1 GB of decompressed data`)
    t.same(sink.take(), [])
  })

  t.test('a gzip body that inflates past the limit → 413 (small, synchronous path)', async (t) => {
    const gz = gzipSync(over)
    t.ok(gz.length < 8 * 1024)
    const res = await send(port, { path: '/write?db=d', headers: { 'content-encoding': 'gzip' }, body: gz })
    t.equal(res.status, 413)
    t.same(sink.take(), [])
  })
})

t.test('an asynchronous sink is awaited before 204; a failing sink → 500 JSON', async (t) => {
  let release: (() => void) | null = null
  let fail = false
  const points: Point[] = []
  const sink: PointSink = {
    write(ps) {
      if (fail) return Promise.reject(new Error('disk full'))
      return new Promise<void>((resolve) => { release = () => { points.push(...ps); resolve() } })
    },
  }
  const d = await start(t, {}, sink)
  const port = d.httpAddress.port
  let answered = false
  const pending = send(port, { path: '/write?db=d', body: 'm v=1 1' }).then((r) => { answered = true; return r })
  const deadline = Date.now() + 5000
  while (release === null && Date.now() < deadline) await new Promise((r) => setImmediate(r))
  t.ok(release, 'the sink was called')
  t.notOk(answered, 'no answer while the sink has not finished')
  release!()
  const res = await pending
  t.equal(res.status, 204)
  t.equal(points.length, 1)

  fail = true
  const bad = await send(port, { path: '/write?db=d', body: 'm v=1 1' })
  t.equal(bad.status, 500)
  t.same(JSON.parse(bad.body), { error: 'disk full' })
  t.equal(d.stats.http.writeErrors, 1)
})

t.test('write parameters are read like Go url.ParseQuery: first occurrence, %xx and + decoded', async (t) => {
  const cases: Array<[string, { db: string; rp: string; precision: string; consistency: string }]> = [
    ['', { db: '', rp: '', precision: '', consistency: '' }],
    ['db=telegraf', { db: 'telegraf', rp: '', precision: '', consistency: '' }],
    ['consistency=&db=subdb&precision=ns&rp=autogen', { db: 'subdb', rp: 'autogen', precision: 'ns', consistency: '' }],
    ['db=my+db&rp=a%20b&u=x&p=secret', { db: 'my db', rp: 'a b', precision: '', consistency: '' }],
    ['db=first&db=second', { db: 'first', rp: '', precision: '', consistency: '' }],
    ['d%62=encoded-key&precision=s&consistency=all', { db: 'encoded-key', rp: '', precision: 's', consistency: 'all' }],
    ['db&rp=x', { db: '', rp: 'x', precision: '', consistency: '' }],
    ['db=%E6%97%A5%E6%9C%AC', { db: '日本', rp: '', precision: '', consistency: '' }],
  ]
  for (const [query, want] of cases) t.same(parseWriteParams(query), want, query)
})
