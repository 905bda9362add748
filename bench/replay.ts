/**
 * replay: points/s of a fast replay (`POST /kapacitor/v1/replays`, clock fast, recorded
 * times) of a 1,000,000-point stream recording into the task
 * `from().measurement('cpu').groupBy('host')|window().period(10s).every(10s)|mean('v')|httpOut('out')`,
 * from the POST until `GET /replays/<id>` reports it finished (the recording read from
 * LevelDB, routed through the replay's private matcher, the task run, the end state
 * stored). The recording is made through the daemon: an open-ended stream recording
 * (`POST /recordings/stream {}`) while the points are written to `/write` (100 hosts ×
 * 10,000 s, bodies of 5,000 lines), then stopped.
 *
 * Figures: `replay-rate` (points/s, best of BENCH_ROUNDS replays) and
 * `replay-rate-per-cpu` (points per CPU-second of the daemon during that replay: holds up
 * when other work shares the machine). No baseline: Kapacitor is not installed here.
 * After each replay the task must have collected every point and emitted every window.
 *
 * env: BENCH_POINTS (default 1,000,000), BENCH_ROUNDS (default 2).
 */
import { api } from './lib/api.js'
import { emit, log, processCpuSeconds, round, startKapacitord, type Server } from './lib/procs.js'

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const HOSTS = 100
const LINES_PER_BODY = 5000
const T0 = 1_600_000_000

const SCRIPT = `stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |window()
        .period(10s)
        .every(10s)
    |mean('v')
    |httpOut('out')
`

interface ReplayView { status: string; error: string; stats: { 'node-stats': Record<string, Record<string, number>> } }

async function write(url: string, body: string): Promise<void> {
  const res = await fetch(`${url}/write?db=telegraf&rp=autogen&precision=s`, { method: 'POST', body })
  await res.text()
  if (res.status !== 204) throw new Error(`write: ${res.status}`)
}

/** The recording: every point written while it runs. */
async function makeRecording(url: string): Promise<void> {
  await api(url, 'POST', '/kapacitor/v1/recordings/stream', { id: 'bench' })
  const seconds = Math.ceil(POINTS / HOSTS)
  let body = ''
  let lines = 0
  let written = 0
  for (let s = 0; s < seconds && written < POINTS; s++) {
    for (let h = 0; h < HOSTS && written < POINTS; h++) {
      body += `cpu,host=h${h} v=${((s * 31 + h * 17) % 1000) / 10} ${T0 + s}\n`
      lines++
      written++
      if (lines === LINES_PER_BODY) {
        await write(url, body)
        body = ''
        lines = 0
      }
    }
  }
  if (lines > 0) await write(url, body)
  await api(url, 'POST', '/kapacitor/v1/recordings/bench/stop')
  const rec = await api(url, 'GET', '/kapacitor/v1/recordings/bench') as { status: string; size: number }
  log(`replay: recording of ${written} points, ${rec.size} bytes, ${rec.status}`)
}

async function replayOnce(server: Server, id: string): Promise<{ seconds: number; cpu: number; view: ReplayView }> {
  const cpu0 = await processCpuSeconds(server.pid)
  const t0 = performance.now()
  await api(server.url, 'POST', '/kapacitor/v1/replays', { id, task: 'bench', recording: 'bench', 'recording-time': true, clock: 'fast' })
  for (;;) {
    const res = await fetch(`${server.url}/kapacitor/v1/replays/${id}`)
    const text = await res.text()
    if (res.status === 200) {
      const seconds = (performance.now() - t0) / 1000
      const cpu = (await processCpuSeconds(server.pid)) - cpu0
      return { seconds, cpu, view: JSON.parse(text) as ReplayView }
    }
    if (res.status !== 202) throw new Error(`GET replay: ${res.status} ${text}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

function check(view: ReplayView): number {
  if (view.status !== 'finished' || view.error !== '') throw new Error(`replay ${view.status}: ${view.error}`)
  const stats = view.stats['node-stats']
  const from = stats['from1']
  const win = stats['window2']
  if (from?.['collected'] !== POINTS) throw new Error(`from1 collected ${from?.['collected']} of ${POINTS}`)
  const expected = HOSTS * (Math.ceil(POINTS / HOSTS / 10) - 1)
  if ((win?.['emitted'] ?? 0) < expected) throw new Error(`window2 emitted ${win?.['emitted']}, expected ${expected}`)
  return win!['emitted']!
}

async function main(): Promise<void> {
  const server = await startKapacitord()
  try {
    await api(server.url, 'POST', '/kapacitor/v1/tasks', { id: 'bench', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: SCRIPT })
    await makeRecording(server.url)
    let best: { seconds: number; cpu: number } | undefined
    for (let i = 0; i < ROUNDS; i++) {
      const r = await replayOnce(server, `bench-${i}`)
      const windows = check(r.view)
      log(`replay ${i}: ${round(r.seconds, 2)} s, ${round(POINTS / r.seconds)} points/s, daemon CPU ${round(r.cpu, 2)} s, ${windows} windows`)
      if (!best || r.seconds < best.seconds) best = r
      await api(server.url, 'DELETE', `/kapacitor/v1/replays/bench-${i}`)
    }
    emit({ name: 'replay-rate', value: round(POINTS / best!.seconds), unit: 'points/s', baseline: null, ratio: null, points: POINTS, seconds: round(best!.seconds, 2) })
    emit({ name: 'replay-rate-per-cpu', value: round(POINTS / best!.cpu), unit: 'points/cpu-s', baseline: null, ratio: null, cpu_s: round(best!.cpu, 2) })
  } finally {
    await server.stop()
  }
}

await main()
