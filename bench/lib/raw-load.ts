/**
 * A lean HTTP/1.1 load generator, run as its own process: N keep-alive sockets, each
 * with one request in flight (no pipelining), requests pre-encoded once, responses
 * read with a minimal parser (status line, Content-Length or chunked). It exists
 * because autocannon costs about as much CPU per request as the server under test
 * does for one-line writes, which on a 2-core machine makes the generator the limit.
 * Same input and output as http-load.ts (LoadSpec → one LoadResult JSON line).
 *
 * usage: node raw-load.js '<LoadSpec JSON>'
 */
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import type { LoadResult, LoadSpec } from './procs.js'

function encodeRequests(spec: LoadSpec): Buffer[] {
  const u = new URL(spec.url)
  const bodies: Buffer[] = [
    ...(spec.bodyFiles ?? []).map((f) => readFileSync(f)),
    ...(spec.bodies ?? []).map((b) => Buffer.from(b)),
  ]
  if (bodies.length === 0) throw new Error('no bodies')
  const extra = Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('')
  return bodies.map((body) => Buffer.concat([
    Buffer.from(`POST ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Length: ${body.length}\r\n${extra}\r\n`, 'latin1'),
    body,
  ]))
}

/** Parses as many complete responses as `buf` holds from `off`; calls onResponse(status) for each; returns the new offset. */
function parseResponses(buf: Buffer, off: number, onResponse: (status: number) => void): number {
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', off, 'latin1')
    if (end < 0) return off
    const head = buf.toString('latin1', off, end)
    const status = Number(head.slice(9, 12))
    let bodyEnd = end + 4
    const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head)
    if (cl) {
      bodyEnd += Number(cl[1])
      if (bodyEnd > buf.length) return off
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const term = buf.indexOf('0\r\n\r\n', end + 4, 'latin1')
      if (term < 0) return off
      bodyEnd = term + 5
    }
    onResponse(status)
    off = bodyEnd
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function run(spec: LoadSpec, requests: Buffer[], durationS: number, record: boolean): Promise<LoadResult> {
  const u = new URL(spec.url)
  const port = Number(u.port)
  const host = u.hostname
  let latencies = new Float64Array(1 << 16)
  let nLat = 0
  const statuses: Record<string, number> = {}
  let ok = 0
  let non2xx = 0
  let errors = 0
  let next = 0
  let stopping = false
  const start = process.hrtime.bigint()
  const cpu0 = process.cpuUsage()

  const one = (): Promise<void> => new Promise((resolveConn) => {
    const sock: Socket = connect({ port, host, noDelay: true })
    let buf: Buffer = Buffer.alloc(0)
    let off = 0
    let sentAt = 0n
    const send = (): void => {
      if (stopping) { sock.end(); return }
      const req = requests[next++ % requests.length]
      sentAt = process.hrtime.bigint()
      sock.write(req)
    }
    sock.on('connect', send)
    sock.on('data', (chunk: Buffer) => {
      buf = off < buf.length ? Buffer.concat([buf.subarray(off), chunk]) : chunk
      off = 0
      let got = 0
      off = parseResponses(buf, off, (status) => {
        got++
        statuses[status] = (statuses[status] ?? 0) + 1
        if (status >= 200 && status < 300) ok++
        else non2xx++
        if (record) {
          if (nLat === latencies.length) { const l = new Float64Array(latencies.length * 2); l.set(latencies); latencies = l }
          latencies[nLat++] = Number(process.hrtime.bigint() - sentAt) / 1e6
        }
      })
      if (got > 0) send()
    })
    sock.on('error', () => { errors++ })
    sock.on('close', () => resolveConn())
  })

  const conns = Array.from({ length: spec.connections }, () => one())
  const timer = setTimeout(() => { stopping = true }, durationS * 1000)
  await Promise.all(conns)
  clearTimeout(timer)
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9
  const cpu = process.cpuUsage(cpu0)
  const sorted = latencies.slice(0, nLat).sort()
  return {
    duration_s: Math.round(elapsed * 100) / 100,
    requests: ok + non2xx,
    ok,
    non2xx,
    errors,
    timeouts: 0,
    latency_p50_ms: Math.round(percentile(sorted, 50) * 100) / 100,
    latency_p99_ms: Math.round(percentile(sorted, 99) * 100) / 100,
    latency_max_ms: Math.round((sorted[sorted.length - 1] ?? 0) * 100) / 100,
    statuses,
    loadgen_cpu_s: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  }
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec
  const requests = encodeRequests(spec)
  if (spec.warmupS) await run(spec, requests, spec.warmupS, false)
  const r = await run(spec, requests, spec.durationS, true)
  process.stdout.write(JSON.stringify(r) + '\n')
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
