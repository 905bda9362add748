/**
 * write-routing: does routing `/write` through fastify cost anything noticeable? The
 * same daemon twice (src/server/http.ts `writeRouting`): `'raw'` answers /write in the
 * serverFactory request listener before fastify; `'fastify'` routes it through fastify
 * (a route with a schema, a pass-through content-type parser, `reply.hijack()`, then the
 * same raw handler). One-line POSTs over 64 keep-alive connections (autocannon in its
 * own process), the modes alternated twice to average out drift. value = raw req/s,
 * baseline = fastify req/s; also the daemon's CPU time per request (from
 * /proc/<pid>/stat), the figure that stays stable on a shared machine.
 *
 * Measured on the 2-core development machine (shared, loaded): about 28 µs of CPU per
 * request raw against 37 µs through fastify (influxd 1.6.7: 56 µs), so `raw` is the
 * default: fastify's request/reply objects, hooks, routing and schema per request cost
 * about a third more.
 *
 * usage: node dist/bench/write-routing.js            (orchestrates)
 *        node dist/bench/write-routing.js serve <raw|fastify> <port> <dataDir>   (one server)
 * env: BENCH_DURATION (s, default 10).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { emit, freePort, log, ratio, round, runLoad } from './lib/procs.js'

const CONNECTIONS = 64
const DURATION = Number(process.env['BENCH_DURATION'] ?? 10)

async function serve(routing: 'raw' | 'fastify', port: number, dataDir: string): Promise<void> {
  const { defaultConfig } = await import('../src/server/config.js')
  const { startDaemon } = await import('../src/server/daemon.js')
  const { silentLogger } = await import('../src/server/logger.js')
  const base = defaultConfig()
  const daemon = await startDaemon({
    config: { ...base, dataDir, http: { ...base.http, bindAddress: `127.0.0.1:${port}`, logEnabled: false } },
    logger: silentLogger(),
    writeRouting: routing,
  })
  process.stdout.write('ready\n')
  process.on('SIGTERM', () => { void daemon.stop().then(() => process.exit(0)) })
}

/** User + system CPU seconds of a process so far (Linux), or NaN. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN
  }
}

function startServer(routing: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    void (async () => {
      const port = await freePort()
      const dir = mkdtempSync(join(tmpdir(), 'write-routing-'))
      const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', routing, String(port), dir],
        { stdio: ['ignore', 'pipe', 'inherit'] })
      child.on('error', reject)
      child.on('exit', (code) => reject(new Error(`server exited ${code}`)))
      child.stdout!.once('data', () => resolve({
        url: `http://127.0.0.1:${port}`,
        pid: child.pid ?? 0,
        stop: () => new Promise<void>((done) => {
          child.removeAllListeners('exit')
          child.once('exit', () => { rmSync(dir, { recursive: true, force: true }); done() })
          child.kill('SIGTERM')
        }),
      }))
    })().catch(reject)
  })
}

interface Measured { rps: number; cpuUsPerRequest: number }

async function measure(routing: string, bodies: string[]): Promise<Measured> {
  const s = await startServer(routing)
  try {
    const cpu0 = cpuSeconds(s.pid)
    // the warm-up's requests are not in r.ok: CPU is measured over the warm-up too, so count them apart
    const r = await runLoad({ url: `${s.url}/write?db=telegraf`, bodies, connections: CONNECTIONS, durationS: DURATION, warmupS: 2 })
    const vars = (await (await fetch(`${s.url}/kapacitor/v1/debug/vars`)).json()) as { ingest: { http: { writes_ok: number } } }
    const cpu = cpuSeconds(s.pid) - cpu0
    if (r.non2xx + r.errors > 0) throw new Error(`${routing}: ${r.non2xx} non-2xx, ${r.errors} errors`)
    const rps = r.ok / r.duration_s
    const cpuUsPerRequest = (cpu * 1e6) / vars.ingest.http.writes_ok
    log(`${routing}: ${round(rps)} req/s, ${round(cpuUsPerRequest, 1)} µs CPU/request, p50 ${r.latency_p50_ms} ms, p99 ${r.latency_p99_ms} ms`)
    return { rps, cpuUsPerRequest }
  } finally {
    await s.stop()
  }
}

async function main(): Promise<void> {
  const bodies = Array.from({ length: 500 }, (_, i) =>
    `cpu,cpu=cpu${i % 4},host=host${i % 100} usage_idle=${(90 + (i % 10) / 3).toFixed(6)},usage_user=${(i % 7) / 2} ${1_700_000_000_000_000_000n + BigInt(i) * 10_000_000_000n}\n`)
  const raw: Measured[] = []
  const viaFastify: Measured[] = []
  for (let i = 0; i < 2; i++) {
    raw.push(await measure('raw', bodies))
    viaFastify.push(await measure('fastify', bodies))
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const rawRps = mean(raw.map((m) => m.rps))
  const fastifyRps = mean(viaFastify.map((m) => m.rps))
  emit({
    name: 'write-routing', value: round(rawRps), unit: 'requests/s', baseline: round(fastifyRps),
    ratio: ratio(rawRps, fastifyRps), connections: CONNECTIONS, runs: raw.length,
    cpu_us_per_request: round(mean(raw.map((m) => m.cpuUsPerRequest)), 1),
    baseline_cpu_us_per_request: round(mean(viaFastify.map((m) => m.cpuUsPerRequest)), 1),
  })
}

if (process.argv[2] === 'serve') {
  serve(process.argv[3] as 'raw' | 'fastify', Number(process.argv[4]), process.argv[5]!).catch((e) => {
    process.stderr.write(String(e?.stack ?? e) + '\n')
    process.exit(1)
  })
} else {
  main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
}
