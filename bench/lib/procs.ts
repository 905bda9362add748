/**
 * Benchmark plumbing: free ports, our daemon and a private influxd each in its own
 * child process, load generators run as child processes, and the figure printer.
 * Nothing here is measured itself.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startInfluxd as startPrivateInfluxd } from '../../test/fixtures/influxd.js'

/** The repository root (this file runs from dist/bench/lib/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
/** Where the compiled bench files are (dist/bench). */
export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export const PYTHON = '/usr/bin/python3'

export interface Figure {
  name: string
  value: number
  unit: string
  baseline: number | null
  ratio: number | null
  [extra: string]: unknown
}

/** Prints one figure as one JSON line on stdout. */
export function emit(f: Figure): void {
  process.stdout.write(JSON.stringify(f) + '\n')
}

export function round(n: number, digits = 0): number {
  const k = 10 ** digits
  return Math.round(n * k) / k
}

export function ratio(value: number, baseline: number): number | null {
  return baseline > 0 ? round(value / baseline, 2) : null
}

/** Progress on stderr (stdout is for figures only). */
export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`)
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => resolvePort(port))
    })
  })
}

export { genTelegrafLines, genTelegrafPath } from '../../test/fixtures/telegraf-payload.js'

/** Runs a command to completion; resolves its stdout, rejects on a non-zero exit. */
export function runChild(cmd: string, args: readonly string[], timeoutMs = 180_000): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolveRun(Buffer.concat(out).toString('utf8'))
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString('utf8').slice(-2000)}`))
    })
  })
}

/** Runs a compiled bench/lib script in a child node process; resolves the JSON of its last stdout line. */
export async function runNodeJson<T>(script: string, arg: unknown, timeoutMs = 120_000): Promise<T> {
  const out = await runChild(process.execPath, [join(benchDir, 'lib', script), JSON.stringify(arg)], timeoutMs)
  const last = out.trim().split('\n').pop() ?? ''
  return JSON.parse(last) as T
}

async function waitPing(url: string, child: ChildProcess, logs: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited before answering /ping:\n${logs()}`)
    try {
      const res = await fetch(`${url}/ping`)
      if (res.status === 204) return
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`no /ping after ${timeoutMs} ms:\n${logs()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop()
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => { clearTimeout(timer); resolveStop() })
    child.kill('SIGTERM')
  })
}

export interface Server {
  url: string
  pid: number
  /** Extra listener ports (our [[udp]] listeners). */
  udpPorts: number[]
  stop(): Promise<void>
}

export interface KapacitordOptions {
  udp?: Array<{ database: string; retentionPolicy?: string; buffer?: number; readBuffer?: number }>
  /** Extra arguments for node (e.g. --cpu-prof). */
  nodeArgs?: string[]
  env?: NodeJS.ProcessEnv
}

/** `node bin/kapacitord.js -config <tmp conf>` with a temporary data dir, loopback ports. */
export async function startKapacitord(opts: KapacitordOptions = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'kapacitord-bench-'))
  const httpPort = await freePort()
  const udpPorts: number[] = []
  const conf: string[] = [
    `data_dir = ${JSON.stringify(join(dir, 'data'))}`,
    '[http]',
    `  bind-address = "127.0.0.1:${httpPort}"`,
    '  log-enabled = false',
    '[logging]',
    '  level = "WARN"',
  ]
  for (const u of opts.udp ?? []) {
    const port = await freePort()
    udpPorts.push(port)
    conf.push('[[udp]]', '  enabled = true', `  bind-address = "127.0.0.1:${port}"`,
      `  database = ${JSON.stringify(u.database)}`, `  retention-policy = ${JSON.stringify(u.retentionPolicy ?? 'autogen')}`)
    if (u.buffer !== undefined) conf.push(`  buffer = ${u.buffer}`)
    if (u.readBuffer !== undefined) conf.push(`  read-buffer = ${u.readBuffer}`)
  }
  const confPath = join(dir, 'kapacitor.conf')
  writeFileSync(confPath, conf.join('\n') + '\n')
  // BENCH_CPU_PROF=<dir>: the daemon writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', resolve(process.env.BENCH_CPU_PROF)] : []
  const child = spawn(process.execPath, [...prof, ...(opts.nodeArgs ?? []), join(repoRoot, 'bin/kapacitord.js'), '-config', confPath],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, env: opts.env ?? process.env })
  let output = ''
  child.stdout?.on('data', (b: Buffer) => { output = (output + b.toString()).slice(-20_000) })
  child.stderr?.on('data', (b: Buffer) => { output = (output + b.toString()).slice(-20_000) })
  const url = `http://127.0.0.1:${httpPort}`
  try {
    await waitPing(url, child, () => output)
  } catch (e) {
    await stopChild(child)
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
  return {
    url, pid: child.pid ?? 0, udpPorts,
    async stop() { await stopChild(child); rmSync(dir, { recursive: true, force: true }) },
  }
}

/** A private influxd (the test suite's fixture, wire-compat.md §e), with database `db` created. */
export async function startInfluxd(db: string): Promise<Server> {
  const influxd = await startPrivateInfluxd()
  try {
    await influxd.createDatabase(db)
  } catch (e) {
    await influxd.stop()
    throw e
  }
  return { url: influxd.url, pid: influxd.pid, udpPorts: [], stop: () => influxd.stop() }
}

/** Our counters (`GET /kapacitor/v1/debug/vars`), the `ingest` section. */
export async function ingestVars(url: string): Promise<IngestVars> {
  const res = await fetch(`${url}/kapacitor/v1/debug/vars`)
  const j = (await res.json()) as { ingest?: IngestVars }
  if (!j.ingest) throw new Error(`no ingest section in /kapacitor/v1/debug/vars: ${JSON.stringify(j).slice(0, 500)}`)
  return j.ingest
}

export interface IngestVars {
  points_received: number
  lines_rejected: number
  bytes_received: number
  http: Record<string, number>
  udp: Array<Record<string, number | string | null>>
}

/** What bench/lib/http-load.ts reports. */
export interface LoadResult {
  duration_s: number
  requests: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  latency_p50_ms: number
  latency_p99_ms: number
  latency_max_ms: number
  statuses: Record<string, number>
  /** CPU seconds the load generator itself used during the measured run. */
  loadgen_cpu_s?: number
  /** CPU seconds the server process used during the measured run (runLoadOn). */
  server_cpu_s?: number
}

export interface LoadSpec {
  url: string
  /** Files, each one request body; cycled. */
  bodyFiles?: string[]
  /** Literal bodies; cycled. */
  bodies?: string[]
  headers?: Record<string, string>
  connections: number
  durationS: number
  warmupS?: number
  /** `autocannon` (default, bench/lib/http-load.ts) or `raw` (bench/lib/raw-load.ts, far less CPU per request). */
  generator?: 'autocannon' | 'raw'
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const script = spec.generator === 'raw' ? 'raw-load.js' : 'http-load.js'
  return runNodeJson<LoadResult>(script, spec, (spec.durationS + (spec.warmupS ?? 0) + 60) * 1000)
}

let clockTicks: number | null = null

/** CPU time (user + system, all threads) a process has used so far, in seconds (Linux /proc). */
export async function processCpuSeconds(pid: number): Promise<number> {
  if (clockTicks === null) clockTicks = Number((await runChild('getconf', ['CLK_TCK'])).trim()) || 100
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // fields after the `(comm)`, which may contain spaces: state is field 3, utime 14, stime 15
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(rest[11]) + Number(rest[12])) / clockTicks
}

/**
 * Warm-up (not measured), then the measured load against `server`, with the CPU time
 * the server process used during the measured run (`server_cpu_s`): a cost per request
 * that, unlike a rate, holds up when other work shares the machine.
 */
export async function runLoadOn(server: Server, spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupS) await runLoad({ ...spec, durationS: spec.warmupS, warmupS: 0 })
  const cpu0 = await processCpuSeconds(server.pid)
  const r = await runLoad({ ...spec, warmupS: 0 })
  const cpu1 = await processCpuSeconds(server.pid)
  return { ...r, server_cpu_s: round(cpu1 - cpu0, 2) }
}

/** Rate of a load result: 2xx answers per second. */
export function okPerSecond(r: LoadResult): number {
  return r.ok / r.duration_s
}

/**
 * Runs the same load against ours and the baseline `rounds` times, interleaved
 * (ours, baseline, ours, baseline, …) so that drift on the machine hits both, and
 * keeps the best run of each (the least disturbed one).
 */
export async function interleaved(rounds: number, ours: () => Promise<LoadResult>, baseline: () => Promise<LoadResult>): Promise<{ ours: LoadResult; baseline: LoadResult; oursRuns: LoadResult[]; baselineRuns: LoadResult[] }> {
  const o: LoadResult[] = []
  const b: LoadResult[] = []
  for (let i = 0; i < rounds; i++) {
    o.push(await ours())
    log(`ours run ${i + 1}: ${JSON.stringify(o[o.length - 1])}`)
    b.push(await baseline())
    log(`baseline run ${i + 1}: ${JSON.stringify(b[b.length - 1])}`)
  }
  const best = (rs: LoadResult[]) => rs.reduce((x, y) => (okPerSecond(y) > okPerSecond(x) ? y : x))
  return { ours: best(o), baseline: best(b), oursRuns: o, baselineRuns: b }
}

/** Points per CPU-second of the server process (all its threads): robust to other load on the machine. */
export function pointsPerCpuSecond(rs: readonly LoadResult[], linesPerBody: number): number {
  const cpu = rs.reduce((n, r) => n + (r.server_cpu_s ?? 0), 0)
  return cpu > 0 ? rs.reduce((n, r) => n + r.ok * linesPerBody, 0) / cpu : 0
}
