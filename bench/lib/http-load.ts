/**
 * Load generator, run as its own process: autocannon POSTing the given bodies (cycled)
 * to one URL over N keep-alive connections, a warm-up run first (not counted), then
 * the measured run. Prints one JSON line (LoadResult).
 *
 * usage: node http-load.js '<LoadSpec JSON>'
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { LoadResult, LoadSpec } from './procs.js'

interface AutocannonResult {
  duration: number
  errors: number
  timeouts: number
  non2xx: number
  '2xx': number
  requests: { total: number }
  latency: { p50: number; p99: number; max: number }
  statusCodeStats?: Record<string, { count: number }>
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec
  const bodies: Buffer[] = [
    ...(spec.bodyFiles ?? []).map((f) => readFileSync(f)),
    ...(spec.bodies ?? []).map((b) => Buffer.from(b)),
  ]
  if (bodies.length === 0) throw new Error('no bodies')
  const base = {
    url: spec.url,
    method: 'POST',
    connections: spec.connections,
    pipelining: 1,
    headers: spec.headers ?? {},
    requests: bodies.map((body) => ({ method: 'POST', body })),
  }
  if (spec.warmupS) await autocannon({ ...base, duration: spec.warmupS })
  const cpu0 = process.cpuUsage()
  const r = await autocannon({ ...base, duration: spec.durationS })
  const cpu = process.cpuUsage(cpu0)
  const statuses: Record<string, number> = {}
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = s.count
  const out: LoadResult = {
    duration_s: r.duration,
    requests: r.requests.total,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    latency_p50_ms: r.latency.p50,
    latency_p99_ms: r.latency.p99,
    latency_max_ms: r.latency.max,
    statuses,
    loadgen_cpu_s: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
