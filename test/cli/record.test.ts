/**
 * record / replay / list and delete of recordings and replays against a fake of
 * Kapacitor's endpoints: the bodies sent (stop = now + duration, start = stop - past),
 * waiting while the server says running, the ID printed, failures, the list tables.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import t, { type Test } from 'tap'
import { KapacitorClient } from '../../src/cli/client.js'
import type { CliContext, Io } from '../../src/cli/context.js'
import { formatRecordingList, formatReplayList } from '../../src/cli/list.js'
import { main } from '../../src/cli/main.js'
import { record } from '../../src/cli/record.js'
import { replay } from '../../src/cli/replay.js'

interface Req { method: string; path: string; body: Record<string, unknown> | undefined }

/** Answers POSTs with `created`, then each GET of the object with the next of `polls`. */
async function fake(t: Test, created: Record<string, unknown>, polls: Array<Record<string, unknown>> = []): Promise<{ url: string; requests: Req[] }> {
  const requests: Req[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = ''
    req.on('data', (c: Buffer) => { raw += c.toString() })
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      requests.push({ method: req.method ?? '', path, body: raw === '' ? undefined : JSON.parse(raw) })
      res.setHeader('Content-Type', 'application/json')
      if (req.method === 'POST') {
        res.writeHead(201)
        res.end(JSON.stringify(created))
        return
      }
      const next = polls.shift()
      if (req.method === 'GET' && next !== undefined) {
        res.writeHead(next['status'] === 'running' ? 202 : 200)
        res.end(JSON.stringify(next))
        return
      }
      if (req.method === 'GET' && /\/(recordings|replays)$/.test(path)) {
        res.writeHead(200)
        res.end(JSON.stringify({ [path.endsWith('recordings') ? 'recordings' : 'replays']: [{ id: 'r1', link: { rel: 'self', href: `${path}/r1` } }] }))
        return
      }
      res.writeHead(req.method === 'DELETE' ? 204 : 404)
      res.end(req.method === 'DELETE' ? '' : '{"error":"not found"}')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => server.close(() => r())))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests }
}

function context(url: string): { ctx: CliContext; out: () => string } {
  let out = ''
  const io: Io = { out: (s) => { out += s }, err: () => {} }
  return { ctx: { client: new KapacitorClient(url), io }, out: () => out }
}

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)

t.test('record stream: stop is now + duration; waits while running; prints the ID', async (t) => {
  const f = await fake(t, { id: 'rec1', link: { rel: 'self', href: '/kapacitor/v1/recordings/rec1' }, status: 'running' },
    [{ id: 'rec1', status: 'running' }, { id: 'rec1', status: 'finished' }])
  const { ctx, out } = context(f.url)
  await record(ctx, 'stream', { task: 'cpu', duration: '1m30s', 'recording-id': 'rec1' }, { pollMs: 0, nowMs: () => NOW })
  t.same(f.requests.map((r) => `${r.method} ${r.path}`), [
    'POST /kapacitor/v1/recordings/stream', 'GET /kapacitor/v1/recordings/rec1', 'GET /kapacitor/v1/recordings/rec1',
  ])
  t.same(f.requests[0]!.body, { id: 'rec1', task: 'cpu', stop: '2026-11-25T12:01:30.000Z' })
  t.equal(out(), 'rec1\n')
})

t.test('record batch: -past sets start = stop - past; -start and -past together are refused', async (t) => {
  const f = await fake(t, { id: 'b1', status: 'finished' })
  const { ctx } = context(f.url)
  await record(ctx, 'batch', { task: 'cpu', past: '2d' }, { nowMs: () => NOW })
  t.same(f.requests[0]!.body, { task: 'cpu', start: '2026-11-23T12:00:00.000Z', stop: '2026-11-25T12:00:00.000Z' })
  await record(ctx, 'batch', { task: 'cpu', start: '2026-01-01T00:00:00Z', stop: '2026-01-02T00:00:00Z' })
  t.same(f.requests[1]!.body, { task: 'cpu', start: '2026-01-01T00:00:00Z', stop: '2026-01-02T00:00:00Z' })
  await t.rejects(record(ctx, 'batch', { task: 'cpu', start: '2026-01-01T00:00:00Z', past: '1h' }), /cannot set both start and past flags/)
  await t.rejects(record(ctx, 'batch', { task: 'cpu' }), /must set one of start or past flags/)
  await t.rejects(record(ctx, 'batch', { task: 'cpu', start: 'yesterday' }), /invalid -start "yesterday"/)
})

t.test('record query: query and type; a failed recording prints its ID and fails with its error', async (t) => {
  const f = await fake(t, { id: 'q1', status: 'failed', error: 'query failed: no InfluxDB configured' })
  const { ctx, out } = context(f.url)
  await t.rejects(record(ctx, 'query', { query: 'select value from cpu', type: 'stream' }), /^query failed: no InfluxDB configured$/)
  t.same(f.requests[0]!.body, { query: 'select value from cpu', type: 'stream' })
  t.equal(out(), 'q1\n')
  await t.rejects(record(ctx, 'query', { query: 'select 1' }), /both query and type are required/)
  await t.rejects(record(ctx, 'bogus', {}), /Unknown record type "bogus"/)
})

t.test('record -no-wait returns at once with the ID', async (t) => {
  const f = await fake(t, { id: 'rec2', status: 'running' })
  const { ctx, out } = context(f.url)
  await record(ctx, 'stream', { task: 'cpu', duration: '1h', 'no-wait': true }, { nowMs: () => NOW })
  t.equal(f.requests.length, 1)
  t.equal(out(), 'rec2\n')
})

t.test('replay: Kapacitor\'s body (fast clock unless -real-clock), waits, prints the ID', async (t) => {
  const f = await fake(t, { id: 'rp1', link: { rel: 'self', href: '/kapacitor/v1/replays/rp1' }, status: 'running' }, [{ id: 'rp1', status: 'finished' }])
  const { ctx, out } = context(f.url)
  await replay(ctx, { task: 'cpu', recording: 'rec1', 'rec-time': true }, { pollMs: 0 })
  t.same(f.requests[0]!.body, { task: 'cpu', recording: 'rec1', 'recording-time': true, clock: 'fast' })
  t.equal(out(), 'rp1\n')
  await t.rejects(replay(ctx, { task: 'cpu' }), /must pass recording ID/)
})

t.test('the command line: single-dash flags, usage errors exit 2', async (t) => {
  const f = await fake(t, { id: 'rp2', status: 'finished' })
  let out = ''
  let err = ''
  const io: Io = { out: (s) => { out += s }, err: (s) => { err += s } }
  t.equal(await main(['-url', f.url, 'replay', '-task', 'cpu', '-recording', 'r', '-real-clock', '-replay-id', 'rp2'], {}, io), 0, err)
  t.same(f.requests[0]!.body, { id: 'rp2', task: 'cpu', recording: 'r', 'recording-time': false, clock: 'real' })
  t.equal(out, 'rp2\n')
  t.equal(await main(['-url', f.url, 'record', 'stream', '-task', 'cpu'], {}, io), 2)
  t.match(err, /both task and duration are required\n\nUsage: kapacitor record/)
})

t.test('delete recordings by glob goes through the list', async (t) => {
  const f = await fake(t, {})
  let err = ''
  const io: Io = { out: () => {}, err: (s) => { err += s } }
  t.equal(await main(['-url', f.url, 'delete', 'recordings', 'r*'], {}, io), 0, err)
  t.same(f.requests.map((r) => `${r.method} ${r.path}`), ['GET /kapacitor/v1/recordings', 'DELETE /kapacitor/v1/recordings/r1'])
})

t.test('list recordings and replays: Kapacitor\'s columns, sizes as go-humanize prints them', async (t) => {
  const tz = process.env['TZ']
  process.env['TZ'] = 'UTC'
  t.teardown(() => { if (tz === undefined) delete process.env['TZ']; else process.env['TZ'] = tz })
  t.equal(formatRecordingList([
    { id: 'b0a2ba8a', type: 'stream', status: 'finished', size: 1234, date: '2026-11-25T12:00:00Z' },
  ]), [
    `ID       ${'Type'.padEnd(8)}${'Status'.padEnd(10)}${'Size'.padEnd(10)}${'Date'.padEnd(23)}`,
    `b0a2ba8a ${'stream'.padEnd(8)}${'finished'.padEnd(10)}${'1.2 kB'.padEnd(10)}${'25 Nov 26 12:00 UTC'.padEnd(23)}`,
    '',
  ].join('\n'))
  t.equal(formatReplayList([
    { id: 'rp1', task: 'cpu_alert', recording: 'b0a2ba8a', status: 'finished', clock: 'fast', date: '2026-11-25T12:00:00Z' },
  ]), [
    `ID  Task      Recording ${'Status'.padEnd(9)}${'Clock'.padEnd(8)}${'Date'.padEnd(23)}`,
    `rp1 cpu_alert b0a2ba8a  ${'finished'.padEnd(9)}${'fast'.padEnd(8)}${'25 Nov 26 12:00 UTC'.padEnd(23)}`,
    '',
  ].join('\n'))
})
