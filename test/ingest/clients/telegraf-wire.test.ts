/**
 * Telegraf's `outputs.influxdb` on the wire, replayed byte-for-byte as documented in
 * wire-compat.md §b (Telegraf itself is not packaged):
 *  - on connect, `POST /query` with the form body `q=CREATE DATABASE "telegraf"`,
 *    success only if 200 and no `results[0].error`;
 *  - then `POST /write?db=telegraf` with `Content-Type: text/plain; charset=utf-8`,
 *    `User-Agent: Telegraf/1.x Go/1.x`, `Content-Encoding: gzip`, the body streamed
 *    (chunked, no Content-Length), 1000 lines per batch from gen_telegraf.py; only an
 *    exact 204 is success;
 *  - UDP: one `\n`-terminated line per datagram of at most 512 bytes, a metric that
 *    does not fit split into several lines with the same series and time.
 * Every point must reach our sink exactly; the expectation comes from an independent
 * decoder (reference-decode.ts), not from our parser.
 */
import { createSocket } from 'node:dgram'
import { Agent, request } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import t from 'tap'
import type { Point } from '../../../src/model/point.js'
import { decodeBody, splitLines } from './reference-decode.js'
import { diffPoints, genTelegraf, waitFor } from './helpers.js'
import { startOurs } from './daemon.js'

const UA = 'Telegraf/1.39.3 Go/1.24.6'
const BATCH = 1000
const LINES = 20_000

interface Reply { status: number; body: string; chunked: boolean; contentLength: unknown }

/** One request as Go's net/http sends a piped body: chunked, no Content-Length. */
function send(agent: Agent, port: number, method: string, path: string, headers: Record<string, string>, chunks: Iterable<Buffer>, gzip: boolean): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (b: Buffer) => parts.push(b))
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        body: Buffer.concat(parts).toString('utf8'),
        // Node sets this when it sent Transfer-Encoding: chunked (no Content-Length was given)
        chunked: (req as unknown as { chunkedEncoding?: boolean }).chunkedEncoding === true,
        contentLength: req.getHeader('content-length'),
      }))
      res.on('error', reject)
    })
    req.on('error', reject)
    const src = Readable.from(chunks)
    const done = gzip ? pipeline(src, createGzip(), req) : pipeline(src, req)
    done.catch(reject)
  })
}

t.test('Telegraf HTTP output: CREATE DATABASE then gzip+chunked batches of 1000', async (t) => {
  const ours = await startOurs(t)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())

  const q = await send(agent, ours.httpPort, 'POST', '/query', {
    'Content-Type': 'application/x-www-form-urlencoded',
    'User-Agent': UA,
    'Accept-Encoding': 'gzip',
  }, [Buffer.from('q=' + encodeURIComponent('CREATE DATABASE "telegraf"'))], false)
  t.equal(q.status, 200, `CREATE DATABASE answered 200: ${q.body}`)
  const qj = JSON.parse(q.body)
  t.same(qj, { results: [{ statement_id: 0 }] }, 'no results[0].error')

  const payload = await genTelegraf(LINES, 3)
  const lines = payload.split('\n').filter((l) => l !== '')
  t.equal(lines.length, LINES)
  const statuses: number[] = []
  for (let i = 0; i < lines.length; i += BATCH) {
    // Telegraf's serializer writes metric by metric into the pipe: several chunks per body.
    const batch = lines.slice(i, i + BATCH)
    const chunks: Buffer[] = []
    for (let j = 0; j < batch.length; j += 50) chunks.push(Buffer.from(batch.slice(j, j + 50).join('\n') + '\n'))
    const r = await send(agent, ours.httpPort, 'POST', '/write?db=telegraf', {
      'Content-Type': 'text/plain; charset=utf-8',
      'User-Agent': UA,
      'Content-Encoding': 'gzip',
      'Accept-Encoding': 'gzip',
    }, chunks, true)
    if (!r.chunked || r.contentLength !== undefined) t.fail(`batch ${i / BATCH} was not sent chunked without Content-Length`)
    statuses.push(r.status)
    if (r.status !== 204) t.fail(`batch ${i / BATCH}: ${r.status} ${r.body}`)
    else if (r.body !== '') t.fail(`batch ${i / BATCH}: 204 with a body ${JSON.stringify(r.body)}`)
  }
  t.same(statuses, new Array(LINES / BATCH).fill(204), 'exactly 204 for every batch')

  const expected = decodeBody(payload, { db: 'telegraf', rp: 'autogen' })
  t.equal(expected.length, LINES)
  t.same(diffPoints(expected, ours.sink.points), { missing: [], unexpected: [] }, 'every point arrived exactly, nothing else')
})

/** Telegraf's UDP splitting: a metric longer than the payload becomes several lines, fields divided. */
function splitMetric(head: string, fields: string[], ts: string, max: number): string[] {
  const out: string[] = []
  let cur: string[] = []
  const size = (fs: string[]) => Buffer.byteLength(`${head} ${fs.join(',')} ${ts}\n`)
  for (const f of fields) {
    if (cur.length > 0 && size([...cur, f]) > max) { out.push(`${head} ${cur.join(',')} ${ts}\n`); cur = [] }
    cur.push(f)
  }
  if (cur.length > 0) out.push(`${head} ${cur.join(',')} ${ts}\n`)
  return out
}

t.test('Telegraf UDP output: one \\n-terminated line per datagram of at most 512 bytes', async (t) => {
  const ours = await startOurs(t, { udp: [{ database: 'telegraf', retentionPolicy: 'autogen' }] })
  const port = ours.udpPorts[0]
  const sock = createSocket('udp4')
  t.teardown(() => sock.close())
  const sendDgram = (b: Buffer) => new Promise<void>((resolve, reject) => sock.send(b, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())))

  const payload = await genTelegraf(2000, 5, 20)
  const datagrams: Buffer[] = splitLines(payload).filter((l) => l !== '').map((l) => Buffer.from(l + '\n'))
  // A wide metric (60 fields, ~1.7 kB as one line) split the way Telegraf does.
  const wide = Array.from({ length: 60 }, (_, i) => `field_number_${String(i).padStart(2, '0')}=${i * 1000 + 0.25}`)
  const wideLines = splitMetric('wide,host=web-0001.dc2.example.com,path=/media/usb\\ drive', wide, '1700000000123456789', 512)
  t.ok(wideLines.length > 3, 'the wide metric needed several datagrams')
  for (const l of wideLines) datagrams.push(Buffer.from(l))
  for (const d of datagrams) {
    if (d.length > 512) t.fail(`datagram of ${d.length} bytes`)
    if (d[d.length - 1] !== 0x0a) t.fail('datagram not \\n-terminated')
  }
  const expected: Point[] = datagrams.flatMap((d) => decodeBody(d.toString('utf8'), { db: 'telegraf', rp: 'autogen' }))
  t.equal(expected.length, datagrams.length)

  // Paced: 100 datagrams, then wait until they arrived (the socket buffer is not under test here).
  for (let i = 0; i < datagrams.length; i += 100) {
    for (const d of datagrams.slice(i, i + 100)) await sendDgram(d)
    const want = Math.min(i + 100, datagrams.length)
    await waitFor(() => ours.sink.points.length >= want, 10_000, `${want} UDP points`).catch((e) => t.fail(String(e)))
  }
  t.same(diffPoints(expected, ours.sink.points), { missing: [], unexpected: [] }, 'every UDP line arrived exactly, nothing else')
})
