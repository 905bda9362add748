/**
 * deadman(threshold, interval) end to end: the TICKscript's expansion (stats → derivative
 * → alert) with the alert node's runtime, events read from the MemoryAlertPublisher, on a
 * ManualScheduler (hours of simulated wall-clock time, nothing sleeps). Also `[deadman]
 * global = true` and its config section.
 */
import t from 'tap'
import pino from 'pino'
import { definePipeline } from '../../src/interp/eval/define.js'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import { Matcher } from '../../src/match/matcher.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { TaskExecution } from '../../src/pipeline/task-execution.js'
import { MemoryAlertPublisher, type AlertEvent } from '../../src/alert/types.js'
import { deadmanConfig } from '../../src/alert/deadman-config.js'
import { ConfigError } from '../../src/server/config.js'
import type { DeadmanConfig } from '../../src/interp/eval/evaluate.js'
import { seededRandom } from '../fixtures/seeded-random.js'

const MIN = 60_000

interface Run {
  readonly s: ManualScheduler
  readonly exec: TaskExecution
  readonly events: AlertEvent[]
  /** writes one line now (its time is the simulated wall clock) */
  send(line: string): void
  /** advances the simulated clock to `ms` */
  runTo(ms: number): void
}

function start(t: { teardown(fn: () => void): void }, script: string, deadman?: DeadmanConfig): Run {
  const s = new ManualScheduler(0n)
  const alerts = new MemoryAlertPublisher()
  const defined = definePipeline(script, { type: 'stream', dbrps: [{ db: 'db', rp: 'rp' }], ...(deadman ? { deadman } : {}) })
  const exec = new TaskExecution({
    id: 'dm', type: 'stream', dbrps: defined.dbrps, pipeline: defined.pipeline,
    logger: pino({ level: 'silent' }), clock: s.clock, services: newTaskServices({ alerts }), scheduler: s,
  })
  t.teardown(() => exec.stop())
  const matcher = new Matcher()
  matcher.add('dm', exec.inputs())
  return {
    s, exec, events: alerts.events,
    send(line) {
      const now = BigInt(s.now) * 1_000_000n
      matcher.write(parseLineProtocol(Buffer.from(line + '\n'), { db: 'db', rp: 'rp', precision: 'ns', now }).points)
    },
    runTo(ms) { if (ms > s.now) s.advance(ms - s.now) },
  }
}

/** Send times (ms) every `periodMs` ± `jitterMs` (uniform, seeded) in [fromMs, toMs]. */
function jittered(seed: number, periodMs: number, jitterMs: number, fromMs: number, toMs: number): number[] {
  const rnd = seededRandom(seed)
  const out: number[] = []
  for (let k = Math.ceil(fromMs / periodMs); k * periodMs <= toMs; k++) out.push(Math.round(k * periodMs + (rnd() * 2 - 1) * jitterMs))
  return out
}

function play(r: Run, sends: ReadonlyArray<readonly [number, string]>, endMs: number): void {
  for (const [at, host] of [...sends].sort((a, b) => a[0] - b[0])) {
    r.runTo(at)
    r.send(`cpu,host=${host} v=1`)
  }
  r.runTo(endMs)
}

const levels = (es: readonly AlertEvent[], host?: string): string[] =>
  es.filter((e) => host === undefined || e.tags['host'] === host).map((e) => `${e.level}@${Number(e.time / 1_000_000_000n)}`)

const SCRIPT = "stream\n    |from()\n        .measurement('cpu')\n        .groupBy('host')\n    |deadman(0.0, 60s)"

t.test('a host sending every 60 s ± 3 s for 2 hours: no alert (Kapacitor\'s deadman fires here)', async (t) => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const r = start(t, SCRIPT)
    play(r, jittered(seed, MIN, 3_000, MIN, 120 * MIN).map((at) => [at, 'a'] as const), 120 * MIN)
    t.same(levels(r.events), [], `seed ${seed}: no event`)
  }
})

t.test('data stops: exactly one CRITICAL, about 2 intervals later; data resumes: exactly one OK', async (t) => {
  const sends = [...jittered(11, MIN, 3_000, MIN, 30 * MIN), ...jittered(12, MIN, 3_000, 50 * MIN, 120 * MIN)]
  const r = start(t, SCRIPT)
  play(r, sends.map((at) => [at, 'a'] as const), 120 * MIN)
  t.equal(r.events.length, 2, levels(r.events).join(' '))
  const [crit, ok] = r.events
  const lastBefore = Math.max(...sends.filter((at) => at < 40 * MIN))
  const firstAfter = Math.min(...sends.filter((at) => at > 40 * MIN))
  t.equal(crit!.level, 'CRITICAL')
  const late = Number(crit!.time / 1_000_000n) - lastBefore
  t.ok(late > MIN && late <= 2.7 * MIN, `CRITICAL ${late / 1000} s after the last point`)
  t.equal(crit!.id, "node 'from1' in task 'dm'")
  t.match(crit!.message, /^node 'from1' in task 'dm' is dead: 0\.000 points\/1m0s\.$/)
  t.same(crit!.tags, { host: 'a' })
  t.equal(ok!.level, 'OK')
  t.equal(ok!.previousLevel, 'CRITICAL')
  const back = Number(ok!.time / 1_000_000n) - firstAfter
  t.ok(back >= 0.9 * MIN && back <= 2.1 * MIN, `OK ${back / 1000} s after it sends again (the first tick once it has sent for an interval)`)
  t.match(ok!.message, /is alive: \d\.\d{3} points\/1m0s\.$/)
  t.equal(ok!.duration, ok!.time - crit!.time, 'the outage\'s duration')
})

t.test('several groups are independent', async (t) => {
  const sends = [
    ...jittered(21, MIN, 3_000, MIN, 90 * MIN).map((at) => [at, 'a'] as const),
    ...jittered(22, MIN, 3_000, MIN, 20 * MIN).map((at) => [at, 'b'] as const),
    ...jittered(23, MIN, 3_000, MIN, 40 * MIN).map((at) => [at, 'c'] as const),
    ...jittered(24, MIN, 3_000, 60 * MIN, 90 * MIN).map((at) => [at, 'c'] as const),
  ]
  const r = start(t, SCRIPT)
  play(r, sends, 90 * MIN)
  t.same(levels(r.events, 'a'), [], 'a never stops: nothing')
  t.same(levels(r.events, 'b').map((l) => l.split('@')[0]), ['CRITICAL'], 'b stops: one CRITICAL')
  t.same(levels(r.events, 'c').map((l) => l.split('@')[0]), ['CRITICAL', 'OK'], 'c stops and resumes: one CRITICAL, one OK')
  t.equal(r.events.length, 3)
})

t.test('a threshold in points per interval: 5 points per 10 s with deadman(2.0, 10s)', async (t) => {
  const script = "stream|from().measurement('cpu').groupBy('host')|deadman(2.0, 10s)"
  const r = start(t, script)
  const sends: Array<[number, string]> = []
  for (const at of jittered(31, 2_000, 100, 2_000, 10 * MIN)) sends.push([at, 'fast'])
  // then 1 point per 10 s: at or below the threshold
  for (const at of jittered(32, 10_000, 500, 10 * MIN + 10_000, 12 * MIN)) sends.push([at, 'fast'])
  play(r, sends, 12 * MIN)
  t.same(levels(r.events).slice(0, 1).map((l) => l.split('@')[0]), ['CRITICAL'], 'fires when the rate drops to the threshold')
  t.ok(Number(r.events[0]!.time / 1_000_000_000n) > 600 && Number(r.events[0]!.time / 1_000_000_000n) <= 630)
  t.ok(r.events.every((e) => e.level === 'CRITICAL'), 'and, as Kapacitor, at each evaluation while it stays low (no stateChangesOnly)')
})

t.test('a threshold above 0: a host sending 10 points per interval that stops gives one CRITICAL, not one per tick of the slide', async (t) => {
  const script = "stream|from().measurement('cpu').groupBy('host')|deadman(5.0, 10s)"
  for (const seed of [61, 62, 63]) {
    const r = start(t, script)
    const sends = [...jittered(seed, 1_000, 50, 1_000, 5 * MIN), ...jittered(seed + 100, 1_000, 50, 8 * MIN, 12 * MIN)]
    play(r, sends.map((at) => [at, 'a'] as const), 13 * MIN)
    t.same(levels(r.events).map((l) => l.split('@')[0]), ['CRITICAL', 'OK', 'CRITICAL'], `seed ${seed}: ${levels(r.events).join(' ')}`)
    const crit = Number(r.events[0]!.time / 1_000_000n)
    t.ok(crit > 5 * MIN && crit <= 5 * MIN + 30_000, `seed ${seed}: within 3 intervals of the stop (${(crit - 5 * MIN) / 1000} s)`)
  }
})

t.test('no data at all: one CRITICAL for the task (nil group), one OK when data comes', async (t) => {
  const r = start(t, SCRIPT)
  r.runTo(10 * MIN)
  t.same(levels(r.events), ['CRITICAL@120'])
  play(r, jittered(41, MIN, 3_000, 11 * MIN, 30 * MIN).map((at) => [at, 'a'] as const), 30 * MIN)
  t.same(levels(r.events).map((l) => l.split('@')[0]), ['CRITICAL', 'OK'])
  t.same(r.events[1]!.tags, {})
})

t.test('[deadman] global = true: every task watches its root, the task\'s total', async (t) => {
  const cfg = deadmanConfig({ global: true, interval: '1m', threshold: 0 })
  const r = start(t, "stream|from().measurement('cpu').groupBy('host')|httpOut('x')", cfg)
  const sends = [...jittered(51, 20_000, 1_000, 20_000, 30 * MIN), ...jittered(52, 20_000, 1_000, 45 * MIN, 60 * MIN)]
  play(r, sends.map((at, i) => [at, i % 2 === 0 ? 'a' : 'b'] as const), 60 * MIN)
  t.same(levels(r.events).map((l) => l.split('@')[0]), ['CRITICAL', 'OK'])
  t.equal(r.events[0]!.id, "node 'stream0' in task 'dm'")
  t.match(r.events[0]!.message, /is dead: 0\.000 points\/1m0s\.$/)
})

t.test('[deadman] section: defaults, checks, and a zero interval is an error', async (t) => {
  t.same(deadmanConfig(undefined), {
    id: "node 'NODE_NAME' in task '{{ .TaskName }}'",
    message: '{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: {{ index .Fields "emitted" | printf "%0.3f" }} points/INTERVAL.',
    global: false, threshold: 0, intervalNs: 10_000_000_000n,
  })
  t.same(deadmanConfig({ global: true, threshold: 2, interval: '1m30s', id: 'x NODE_NAME', message: 'm' }),
    { id: 'x NODE_NAME', message: 'm', global: true, threshold: 2, intervalNs: 90_000_000_000n })
  t.throws(() => deadmanConfig({ interval: '0s' }), ConfigError)
  t.throws(() => deadmanConfig({ interval: '0s' }), /deadman\.interval: must be greater than zero/)
  t.throws(() => deadmanConfig({ interval: 'soon' }), /deadman\.interval/)
  t.throws(() => deadmanConfig({ threshold: -1 }), /deadman\.threshold/)
  t.throws(() => deadmanConfig({ global: 'yes' }), /deadman\.global/)
  t.throws(() => deadmanConfig({ intervl: '1m' }), /deadman\.intervl: unknown key/)
})

t.test('type chaos upstream: the clean host\'s deadman is unaffected, errors counted where they happen', async (t) => {
  const script = "stream|from().measurement('m').groupBy('host')|where(lambda: \"v\" > 0)|deadman(0.0, 10s)"
  const chaos = ['v=1i', 'v=2.5', 'v="s"', 'v=true', 'other=1']
  const alone = start(t, script)
  const both = start(t, script)
  for (let i = 1; i <= 60; i++) {
    const at = i * 10_000 - 3_000 + (i % 3) * 500
    if (i > 30 && i < 40) continue // the clean host pauses: one CRITICAL, one OK
    alone.runTo(at); alone.send(`m,host=ok v=${i}`)
    both.runTo(at); both.send(`m,host=bad ${chaos[i % chaos.length]}`); both.send(`m,host=ok v=${i}`)
  }
  alone.runTo(600_000); both.runTo(600_000)
  t.ok(both.exec.executing)
  t.same(levels(both.events, 'ok'), levels(alone.events, 'ok'))
  t.same(levels(alone.events, 'ok').map((l) => l.split('@')[0]), ['CRITICAL', 'OK'])
  const where = both.exec.pipeline.nodes.find((n) => n.type === 'where')!.name
  t.ok(both.exec.stats()['node-stats'][where]!.errors > 0)
})
