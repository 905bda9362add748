/**
 * alert-latency: how long an alert takes from the write that triggers it to the `post`
 * handler's HTTP listener receiving the event, while the daemon carries a steady
 * background load of 10k, 50k and 100k points/s (target: p99 < 10 ms at 50k points/s).
 *
 * One daemon (`node bin/kapacitord.js`, its own process) with three stream tasks:
 *   - `probe`: `from().measurement('probe').groupBy('probe')|alert().id('{{ index .Tags "probe" }}')
 *     .crit(lambda: "v" > 0).post('http://127.0.0.1:<port>/')` — each probe point is a new
 *     group whose first point is CRITICAL: one event, its id the probe's number;
 *   - `bg_alert`: an alert on the background points that evaluates every point and never
 *     fires (`crit(lambda: "usage_idle" < 0.0)`), grouped by host;
 *   - `bg_window`: `window().period(10s).every(10s)|mean('usage_idle')|httpOut` by host.
 * The background load (`cpu,host=h<0..999> usage_idle=…`, no timestamp) is paced from a
 * worker thread: a body every 10 ms (rate / 100 lines), up to 8 requests in flight on
 * keep-alive connections; the achieved rate is reported. Probes are sent from the main
 * thread, one every 20 ms on their own keep-alive connection; the event listener runs in
 * the main thread too, so both ends read the same clock (performance.now()).
 *
 * Per probe: `after_response` = event received − `POST /write` response received (the
 * issue's figure; the event can arrive before the response: the write is routed before
 * the daemon answers, so it can be ≤ 0); `after_request` = event received − request sent.
 * Figures: alert-latency-<rate> with p50/p99/max of both (ms), probes sent/received.
 *
 * env: BENCH_DURATION (s per rate, default 10), BENCH_RATES (default "10000,50000,100000"),
 * BENCH_BG_TASKS (default "bg_alert,bg_window").
 */
import { createServer, request, Agent, type IncomingMessage, type ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { emit, freePort, log, round, startKapacitord, type Server } from './lib/procs.js'
import { api } from './lib/api.js'

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10)
const RATES = (process.env.BENCH_RATES ?? '10000,50000,100000').split(',').map(Number)
const TARGET_P99_MS = 10
const BODIES_PER_S = 100
const MAX_IN_FLIGHT = 8
const PROBE_EVERY_MS = 20
const HOSTS = 1000
/** the background tasks to define (the probe task always is) */
const BG_TASKS = (process.env.BENCH_BG_TASKS ?? 'bg_alert,bg_window').split(',')

interface LoadJob { readonly url: string; readonly rate: number; readonly durationS: number }
interface LoadDone { readonly points: number; readonly requests: number; readonly failed: number; readonly skipped: number; readonly seconds: number }

// ---------------------------------------------------------------------------------------
// The background load (worker thread)

async function paceLoad(job: LoadJob): Promise<LoadDone> {
  const perBody = Math.max(1, Math.round(job.rate / BODIES_PER_S))
  const bodies: Buffer[] = []
  for (let b = 0; b < 10; b++) {
    const lines: string[] = []
    for (let i = 0; i < perBody; i++) lines.push(`cpu,host=h${(b * perBody + i) % HOSTS} usage_idle=${((b * 7 + i) % 100) + 0.5}`)
    bodies.push(Buffer.from(lines.join('\n') + '\n'))
  }
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT })
  const u = new URL(job.url)
  let inFlight = 0
  let requests = 0
  let failed = 0
  let skipped = 0
  let points = 0
  const post = (body: Buffer): Promise<void> => new Promise((resolve) => {
    const req = request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method: 'POST', agent, headers: { 'content-length': body.length } }, (res) => {
      res.resume()
      res.on('end', () => {
        if (res.statusCode === 204) points += perBody
        else failed++
        resolve()
      })
    })
    req.on('error', () => { failed++; resolve() })
    req.end(body)
  })
  const start = performance.now()
  const end = start + job.durationS * 1000
  const pending = new Set<Promise<void>>()
  for (let k = 0; ; k++) {
    const due = start + (k * 1000) / BODIES_PER_S
    if (due >= end) break
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    if (inFlight >= MAX_IN_FLIGHT) { skipped++; continue }
    inFlight++
    requests++
    const p = post(bodies[k % bodies.length]!).then(() => { inFlight--; pending.delete(p) })
    pending.add(p)
  }
  await Promise.all(pending)
  agent.destroy()
  return { points, requests, failed, skipped, seconds: (performance.now() - start) / 1000 }
}

if (!isMainThread) {
  paceLoad(workerData as LoadJob).then((r) => parentPort!.postMessage(r), (e) => { throw e })
}

function runLoadWorker(job: LoadJob): Promise<LoadDone> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: job })
    w.once('message', (m: LoadDone) => resolve(m))
    w.once('error', reject)
  })
}

// ---------------------------------------------------------------------------------------
// Probes and the event listener (main thread)

interface Probe { sent: number; answered: number; received: number }

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

const dbrps = [{ db: 'bench', rp: 'autogen' }]

async function defineTasks(url: string, listener: string): Promise<void> {
  const tasks: Array<{ id: string; script: string }> = [
    {
      id: 'probe',
      script: `stream\n    |from()\n        .measurement('probe')\n        .groupBy('probe')\n    |alert()\n        .id('{{ index .Tags "probe" }}')\n        .crit(lambda: "v" > 0)\n        .post('${listener}')\n`,
    },
    { id: 'bg_alert', script: `stream\n    |from()\n        .measurement('cpu')\n        .groupBy('host')\n    |alert()\n        .crit(lambda: "usage_idle" < 0.0)\n` },
    { id: 'bg_window', script: `stream\n    |from()\n        .measurement('cpu')\n        .groupBy('host')\n    |window()\n        .period(10s)\n        .every(10s)\n    |mean('usage_idle')\n    |httpOut('out')\n` },
  ]
  for (const t of tasks) {
    if (!BG_TASKS.includes(t.id) && t.id !== 'probe') continue
    const v = await api(url, 'POST', '/kapacitor/v1/tasks', { id: t.id, type: 'stream', dbrps, script: t.script, status: 'enabled' }) as { executing: boolean; error: string }
    if (!v.executing) throw new Error(`task ${t.id} is not executing: ${v.error}`)
  }
}

async function main(): Promise<void> {
  const probes = new Map<string, Probe>()
  let unexpected = 0
  const listenerPort = await freePort()
  const listener = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const now = performance.now()
      res.writeHead(200).end()
      try {
        const e = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string; level?: string }
        const p = e.id !== undefined ? probes.get(e.id) : undefined
        if (p && p.received === 0 && e.level === 'CRITICAL') p.received = now
        else unexpected++
      } catch { unexpected++ }
    })
  })
  await new Promise<void>((r) => listener.listen(listenerPort, '127.0.0.1', r))
  let server: Server | undefined
  try {
    server = await startKapacitord()
    await defineTasks(server.url, `http://127.0.0.1:${listenerPort}/`)
    const writeUrl = new URL(`${server.url}/write?db=bench&rp=autogen`)
    const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 })
    let seq = 0
    const sendProbe = (): Promise<void> => new Promise((resolve) => {
      const id = `p${++seq}`
      const body = Buffer.from(`probe,probe=${id} v=1\n`)
      const p: Probe = { sent: performance.now(), answered: 0, received: 0 }
      probes.set(id, p)
      const req = request({ host: writeUrl.hostname, port: writeUrl.port, path: `${writeUrl.pathname}${writeUrl.search}`, method: 'POST', agent: probeAgent, headers: { 'content-length': body.length } }, (res) => {
        res.resume()
        res.on('end', () => { p.answered = performance.now(); resolve() })
      })
      req.on('error', () => resolve())
      req.end(body)
    })

    // warm-up: the daemon's JIT and the handler's connection
    for (let i = 0; i < 50; i++) await sendProbe()
    await new Promise((r) => setTimeout(r, 500))

    for (const rate of RATES) {
      const first = seq + 1
      const load = runLoadWorker({ url: writeUrl.toString(), rate, durationS: DURATION_S })
      // probes only while the load runs at full rate (skip its first second)
      await new Promise((r) => setTimeout(r, 1000))
      const stopAt = performance.now() + (DURATION_S - 1.5) * 1000
      while (performance.now() < stopAt) {
        const t0 = performance.now()
        await sendProbe()
        const wait = PROBE_EVERY_MS - (performance.now() - t0)
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      }
      const last = seq
      const done = await load
      await new Promise((r) => setTimeout(r, 1000))
      const ps: Probe[] = []
      for (let i = first; i <= last; i++) ps.push(probes.get(`p${i}`)!)
      const got = ps.filter((p) => p.received > 0 && p.answered > 0)
      const afterResponse = got.map((p) => p.received - p.answered).sort((a, b) => a - b)
      const afterRequest = got.map((p) => p.received - p.sent).sort((a, b) => a - b)
      const achieved = done.points / done.seconds
      log(`rate ${rate}: slowest after_response ms ${afterResponse.slice(-8).map((x) => round(x, 1)).join(' ')}`)
      log(`rate ${rate}: achieved ${round(achieved)} points/s (${done.requests} requests, ${done.failed} failed, ${done.skipped} skipped), ${got.length}/${ps.length} probes received`)
      emit({
        name: `alert-latency-${rate / 1000}k`, value: round(percentile(afterResponse, 99), 2), unit: 'ms (p99, event received − write response)',
        target: TARGET_P99_MS, baseline: null, ratio: null,
        p50_ms: round(percentile(afterResponse, 50), 2), p99_ms: round(percentile(afterResponse, 99), 2), max_ms: round(afterResponse[afterResponse.length - 1] ?? Number.NaN, 2),
        from_request_p50_ms: round(percentile(afterRequest, 50), 2), from_request_p99_ms: round(percentile(afterRequest, 99), 2),
        from_request_max_ms: round(afterRequest[afterRequest.length - 1] ?? Number.NaN, 2),
        background_points_per_s: round(achieved), background_target_points_per_s: rate,
        background_failed_requests: done.failed, background_skipped_bodies: done.skipped,
        background_tasks: BG_TASKS.join(','), probes_sent: ps.length, probes_received: got.length, unexpected_events: unexpected,
      })
    }
    probeAgent.destroy()
    const tasks = await api(server.url, 'GET', '/kapacitor/v1/tasks/probe') as { executing: boolean; stats?: { 'node-stats'?: Record<string, Record<string, number>> } }
    const errors = Object.entries(tasks.stats?.['node-stats'] ?? {}).filter(([, s]) => (s['errors'] ?? 0) > 0)
    if (!tasks.executing || errors.length > 0) throw new Error(`probe task: executing=${tasks.executing} errors=${JSON.stringify(errors)}`)
  } finally {
    if (server) await server.stop()
    listener.close()
  }
}

if (isMainThread) main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
