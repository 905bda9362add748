/**
 * The deadman signal through the real stats → derivative chain of a deadman expansion
 * (the implicit stats node), on a ManualScheduler: nothing sleeps, hours of simulated
 * time take milliseconds. What the alert's crit lambda (`"emitted" <= threshold`) sees is
 * the derivative's output, read here per tick from an httpOut after the derivative.
 */
import t from 'tap'
import pino from 'pino'
import { definePipeline } from '../../src/interp/eval/define.js'
import type { PipelineDef } from '../../src/interp/eval/pipeline-def.js'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import { Matcher } from '../../src/match/matcher.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { TaskExecution } from '../../src/pipeline/task-execution.js'
import { seededRandom } from '../fixtures/seeded-random.js'
import { parseGoDuration } from '../../src/server/config.js'

const MIN = 60_000

/** `watched|deadman-chain|httpOut('rate')` with the stats node marked as the deadman's. */
function signalPipeline(watched: string, interval: string): PipelineDef {
  const d = definePipeline(`
var data = ${watched}
data|stats(${interval}).align()|derivative('emitted').unit(${interval}).nonNegative()|httpOut('rate')
`, { type: 'stream', dbrps: [{ db: 'db', rp: 'rp' }] })
  return { ...d.pipeline, nodes: d.pipeline.nodes.map((n) => (n.type === 'stats' ? { ...n, implicit: true } : n)) }
}

interface Run {
  readonly s: ManualScheduler
  readonly exec: TaskExecution
  send(line: string): void
  /** advances to `ms` (absolute simulated time) and returns the rates emitted on the way, per group */
  runTo(ms: number): void
  /** every rate the derivative emitted: [tick seconds, group tag value, rate] */
  readonly rates: Array<[number, string, number]>
}

function start(t: { teardown(fn: () => void): void }, watched: string, interval = '60s', groupTag = 'host'): Run {
  const s = new ManualScheduler(0n)
  const services = newTaskServices()
  const exec = new TaskExecution({
    id: 'dm', type: 'stream', dbrps: [{ db: 'db', rp: 'rp' }], pipeline: signalPipeline(watched, interval),
    logger: pino({ level: 'silent' }), clock: s.clock, services, scheduler: s,
  })
  t.teardown(() => exec.stop())
  const matcher = new Matcher()
  matcher.add('dm', exec.inputs())
  const tickMs = Number(parseGoDuration(interval)! / 1_000_000n)
  const rates: Array<[number, string, number]> = []
  const seen = new Map<string, string>()
  const collect = (): void => {
    const out = JSON.parse(services.httpOut.get('dm', 'rate')!.render()) as { series?: Array<{ tags?: Record<string, string>; values: [string, number][] }> | null }
    for (const ser of out.series ?? []) {
      const [time, rate] = ser.values[0]!
      const g = ser.tags?.[groupTag] ?? ''
      if (seen.get(g) === time) continue
      seen.set(g, time)
      rates.push([Date.parse(time) / 1000, g, rate])
    }
  }
  return {
    s, exec, rates,
    send(line) {
      const now = BigInt(s.now) * 1_000_000n
      matcher.write(parseLineProtocol(Buffer.from(line + '\n'), { db: 'db', rp: 'rp', precision: 'ns', now }).points)
    },
    runTo(ms) {
      // one tick at a time so that each tick's output is read before the next replaces it
      while (s.now < ms) {
        const next = Math.min(ms, (Math.floor(s.now / tickMs) + 1) * tickMs)
        s.advance(next - s.now)
        collect()
      }
    },
  }
}

/** Send times (ms) of a host every `periodMs` ± `jitterMs` (uniform) from `fromMs` to `toMs`. */
function jittered(seed: number, periodMs: number, jitterMs: number, fromMs: number, toMs: number): number[] {
  const rnd = seededRandom(seed)
  const out: number[] = []
  for (let k = Math.ceil(fromMs / periodMs); k * periodMs <= toMs; k++) {
    out.push(Math.round(k * periodMs + (rnd() * 2 - 1) * jitterMs))
  }
  return out.sort((a, b) => a - b)
}

/** Drives the run: every send at its time (host tag value), up to `endMs`. */
function play(r: Run, sends: ReadonlyArray<readonly [number, string]>, endMs: number): void {
  const sorted = [...sends].sort((a, b) => a[0] - b[0])
  for (const [at, host] of sorted) {
    r.runTo(at)
    r.send(`cpu,host=${host} v=1`)
  }
  r.runTo(endMs)
}

const GROUPED = "stream|from().measurement('cpu').groupBy('host')"

t.test('60 s ± 3 s for 2 hours: the rate a deadman(0.0, 60s) sees is never 0 (Kapacitor\'s raw count is)', async (t) => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const sends = jittered(seed, MIN, 3_000, MIN, 120 * MIN).map((at) => [at, 'a'] as const)
    const r = start(t, GROUPED)
    play(r, sends, 121 * MIN)
    const rates = r.rates.filter(([, g]) => g === 'a')
    t.ok(rates.length >= 115, `seed ${seed}: a rate every tick (${rates.length})`)
    t.same(rates.filter(([, , v]) => v <= 0), [], `seed ${seed}: no tick at or below threshold 0`)
    // what Kapacitor's deadman counts: points per aligned interval — some are empty
    const perInterval = new Map<number, number>()
    for (const [at] of sends) perInterval.set(Math.floor(at / MIN), (perInterval.get(Math.floor(at / MIN)) ?? 0) + 1)
    let empty = 0
    for (let k = 1; k < 120; k++) if (!perInterval.has(k)) empty++
    t.ok(empty > 0, `seed ${seed}: the raw aligned count has ${empty} empty intervals (the bug this avoids)`)
  }
})

t.test('±5 % jitter at a 10 s interval, and a host sending 5 points per interval: rate stays near the truth', async (t) => {
  const sends = [
    ...jittered(7, 10_000, 500, 10_000, 3_600_000).map((at) => [at, 'slow'] as const),
    ...jittered(8, 2_000, 100, 10_000, 3_600_000).map((at) => [at, 'fast'] as const),
  ]
  const r = start(t, GROUPED, '10s')
  play(r, sends, 3_610_000)
  // while both send, from the third tick on (the first primes the derivative)
  const slow = r.rates.filter(([at, g]) => g === 'slow' && at >= 30 && at <= 3600).map(([, , v]) => v)
  const fast = r.rates.filter(([at, g]) => g === 'fast' && at >= 30 && at <= 3600).map(([, , v]) => v)
  t.ok(Math.min(...slow) > 0.5 && Math.max(...slow) < 1.5, `1 point per interval reads ${Math.min(...slow)}..${Math.max(...slow)}`)
  t.ok(Math.min(...fast) >= 4 && Math.max(...fast) <= 6, `5 points per interval reads ${Math.min(...fast)}..${Math.max(...fast)}`)
})

t.test('data stops: exactly one rate-0 point, about 2 intervals after the last point; data resumes: a rate > 0 once it has sent for an interval', async (t) => {
  const sends = [
    ...jittered(11, MIN, 3_000, MIN, 30 * MIN),
    ...jittered(12, MIN, 3_000, 60 * MIN, 90 * MIN),
  ].map((at) => [at, 'a'] as const)
  const r = start(t, GROUPED)
  play(r, sends, 100 * MIN)
  const rates = r.rates.filter(([, g]) => g === 'a')
  const zeros = rates.filter(([at, , v]) => v === 0 && at < 60 * 60)
  t.equal(zeros.length, 1, 'one silent report for the outage')
  const lastBefore = Math.max(...sends.map(([at]) => at).filter((at) => at < 40 * MIN)) / 1000
  const deadAt = zeros[0]![0]
  t.ok(deadAt > lastBefore + 60 && deadAt <= lastBefore + 160, `silent at ${deadAt - lastBefore} s after the last point`)
  t.same(rates.filter(([at]) => at > deadAt && at < 60 * 60), [], 'nothing more while silent')
  const firstResume = Math.min(...sends.map(([at]) => at).filter((at) => at >= 40 * MIN)) / 1000
  const back = rates.find(([at]) => at > deadAt)!
  t.ok(back[2] > 0, 'the next report has a rate')
  t.ok(back[0] >= firstResume + 54 && back[0] <= firstResume + 126, `at the first tick an interval after it sends again (${back[0] - firstResume} s)`)
  t.same(rates.filter(([at, , v]) => at > back[0] && v <= 0 && at <= 90 * 60), [], 'no zero while it sends')
  t.equal(rates.filter(([, , v]) => v === 0).length, 2, 'and one more silent report when it stops again at the end')
})

t.test('groups are independent: one stopping does not change the others\' rates', async (t) => {
  const sends = [
    ...jittered(21, MIN, 3_000, MIN, 60 * MIN).map((at) => [at, 'a'] as const),
    ...jittered(22, MIN, 3_000, MIN, 20 * MIN).map((at) => [at, 'b'] as const),
    ...jittered(23, MIN, 3_000, MIN, 60 * MIN).map((at) => [at, 'c'] as const),
  ]
  const alone = start(t, GROUPED)
  play(alone, sends.filter(([, h]) => h === 'a'), 60 * MIN)
  const r = start(t, GROUPED)
  play(r, sends, 60 * MIN)
  t.same(r.rates.filter(([, g]) => g === 'a'), alone.rates.filter(([, g]) => g === 'a'), 'a: same rates as alone')
  t.same(r.rates.filter(([, g, v]) => g === 'b' && v === 0).length, 1, 'b: one silent report')
  t.same(r.rates.filter(([, g, v]) => g !== 'b' && v === 0), [], 'a and c: never silent')
  const statsNode = r.exec.pipeline.nodes.find((n) => n.type === 'stats')!.name
  t.equal(r.exec.stats()['node-stats'][statsNode]!.working_cardinality, 3, 'the stats node\'s working_cardinality: the groups it watches')
})

t.test('no data at all: the nil group (the watched node\'s total) is reported silent once; the first data recovers it once', async (t) => {
  const r = start(t, GROUPED)
  r.runTo(10 * MIN)
  t.same(r.rates, [[120, '', 0]], 'the derivative needs two ticks, then one silent report')
  r.send('cpu,host=a v=1')
  r.runTo(11 * MIN)
  t.same(r.rates.slice(1), [[660, '', 1]], 'the nil group recovers with the total rate (1 point in the interval since the sample before it)')
  for (let m = 11; m < 20; m++) { r.runTo(m * MIN + 1000); r.send('cpu,host=a v=1') }
  r.runTo(20 * MIN)
  t.same(r.rates.filter(([, g]) => g === ''), [[120, '', 0], [660, '', 1]], 'and then is dropped')
  t.ok(r.rates.filter(([, g]) => g === 'a').every(([, , v]) => v > 0), 'host a has its own rate')
})

t.test('watching the stream root ([deadman] global): the task\'s total', async (t) => {
  const r = start(t, 'stream', '10s')
  for (let i = 1; i <= 30; i++) { r.runTo(i * 10_000 - 2_000 + (i % 3) * 1_000); r.send(`m${i % 2},host=x v=1`) }
  r.runTo(60 * 10_000)
  const zeros = r.rates.filter(([, , v]) => v === 0)
  t.equal(zeros.length, 1, 'one silent report after the task stops receiving')
  t.ok(zeros[0]![0] >= 300 + 10 && zeros[0]![0] <= 300 + 30)
  t.ok(r.rates.filter(([at]) => at < zeros[0]![0]).slice(1).every(([, , v]) => v > 0))
})

t.test('a rate equal to the threshold compares equal (rates are exact)', async (t) => {
  const r = start(t, GROUPED, '10s')
  // 3 points per sample step → 45 per window → exactly 30 per interval
  for (let ms = 500; ms < 200_000; ms += 1_000) { r.runTo(ms); for (let i = 0; i < 3; i++) r.send('cpu,host=a v=1') }
  const rates = r.rates.filter(([at]) => at >= 30 && at < 190).map(([, , v]) => v)
  t.ok(rates.length > 10)
  t.ok(rates.every((v) => v === 30), `every rate is exactly 30 (${[...new Set(rates)].join(',')})`)
})

t.test('type chaos in the watched pipeline: the clean group\'s signal is what it is alone', async (t) => {
  const watched = "stream|from().measurement('m').groupBy('host')|where(lambda: \"v\" > 0)"
  const clean = (r: Run, i: number): void => r.send(`m,host=ok v=${i}`)
  const chaos = ['v=1i', 'v=2.5', 'v="s"', 'v=true', 'other=1']
  const alone = start(t, watched, '10s', 'host')
  const both = start(t, watched, '10s', 'host')
  for (let i = 1; i <= 40; i++) {
    alone.runTo(i * 10_000 - 3_000); clean(alone, i)
    both.runTo(i * 10_000 - 3_000); both.send(`m,host=bad ${chaos[i % chaos.length]}`); clean(both, i)
  }
  alone.runTo(450_000); both.runTo(450_000)
  t.ok(both.exec.executing)
  t.same(both.rates.filter(([, g]) => g === 'ok'), alone.rates.filter(([, g]) => g === 'ok'))
  const stats = both.exec.stats()['node-stats']
  const where = both.exec.pipeline.nodes.find((n) => n.type === 'where')!.name
  t.equal(stats[where]!.errors, 24, 'the string, bool and missing values are where errors')
  const statsNode = both.exec.pipeline.nodes.find((n) => n.type === 'stats')!.name
  t.equal(stats[statsNode]!.errors, 0)
})

t.test('a zero or negative deadman interval is a located define-time error', async (t) => {
  for (const d of ['0s', '-10s']) {
    t.throws(() => definePipeline(`stream\n    |from()\n        .measurement('m')\n    |deadman(0.0, ${d})`, { type: 'stream', dbrps: [{ db: 'db', rp: 'rp' }] }),
      /line 4 char 6: .*must be greater than zero/, d)
  }
})

