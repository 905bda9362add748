/**
 * write-routing: does routing `/write` through fastify cost anything noticeable? The
 * same daemon twice (src/server/http.ts `writeRouting`): `'raw'` answers /write in the
 * serverFactory request listener before fastify; `'fastify'` routes it through fastify
 * (a route with a schema, a pass-through content-type parser, `reply.hijack()`, then the
 * same raw handler). One-line POSTs over 64 keep-alive connections (autocannon in its
 * own process), the modes alternated twice to average out drift. value = raw req/s,
 * baseline = fastify req/s.
 *
 * Measured on the 2-core development machine (10 s runs, 2 s warm-up, real parser):
 * see the report in the commit that set the default; `raw` is the default because it
 * was faster (fastify's request/reply objects, hooks and routing per request).
 *
 * usage: node dist/bench/write-routing.js            (orchestrates)
 *        node dist/bench/write-routing.js serve <raw|fastify> <port> <dataDir>   (one server)
 * env: BENCH_DURATION (s, default 10).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
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

function startServer(routing: string): Promise<{ url: string; stop(): Promise<void> }> {
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
        stop: () => new Promise<void>((done) => {
          child.removeAllListeners('exit')
          child.once('exit', () => { rmSync(dir, { recursive: true, force: true }); done() })
          child.kill('SIGTERM')
        }),
      }))
    })().catch(reject)
  })
}

async function measure(routing: string, bodies: string[]): Promise<number> {
  const s = await startServer(routing)
  try {
    const r = await runLoad({ url: `${s.url}/write?db=telegraf`, bodies, connections: CONNECTIONS, durationS: DURATION, warmupS: 2 })
    if (r.non2xx + r.errors > 0) throw new Error(`${routing}: ${r.non2xx} non-2xx, ${r.errors} errors`)
    const rps = r.ok / r.duration_s
    log(`${routing}: ${round(rps)} req/s, p50 ${r.latency_p50_ms} ms, p99 ${r.latency_p99_ms} ms`)
    return rps
  } finally {
    await s.stop()
  }
}

async function main(): Promise<void> {
  const bodies = Array.from({ length: 500 }, (_, i) =>
    `cpu,cpu=cpu${i % 4},host=host${i % 100} usage_idle=${(90 + (i % 10) / 3).toFixed(6)},usage_user=${(i % 7) / 2} ${1_700_000_000_000_000_000n + BigInt(i) * 10_000_000_000n}\n`)
  const raw: number[] = []
  const viaFastify: number[] = []
  for (let round = 0; round < 2; round++) {
    raw.push(await measure('raw', bodies))
    viaFastify.push(await measure('fastify', bodies))
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  emit({
    name: 'write-routing', value: round(mean(raw)), unit: 'requests/s', baseline: round(mean(viaFastify)),
    ratio: ratio(mean(raw), mean(viaFastify)), connections: CONNECTIONS, runs: raw.length,
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
