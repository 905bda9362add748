/**
 * Group churn: many short-lived groups go through barrier().idle().delete(TRUE); once
 * they fall silent, every node downstream forgets them (working_cardinality back to the
 * live set) and httpOut no longer serves their series. Wall time is a ManualScheduler.
 */
import t from 'tap'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import type { Point } from '../../src/model/point.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { startStream, ZERO_NS, type StreamRun } from '../fixtures/stream-harness.js'

const SEC = 1_000_000_000n
const HOSTS = 1000
const LIVE = 10

function pointsAt(time: bigint, hosts: number): Point[] {
  let text = ''
  for (let h = 0; h < hosts; h++) text += `cpu,host=h${h} value=${h}.5 ${time}\n`
  const { points, errors } = parseLineProtocol(Buffer.from(text), { db: 'dbname', rp: 'rpname', precision: 'ns', now: 0n })
  if (errors.length > 0) throw new Error(errors[0]!.reason)
  return points
}

function cardinality(run: StreamRun, type: string): number {
  const stats = run.execution.stats()['node-stats']
  const name = Object.keys(stats).find((n) => n.replace(/\d+$/, '') === type)
  if (name === undefined) throw new Error(`no ${type} node`)
  return stats[name]!['working_cardinality']!
}

function seriesHosts(run: StreamRun): string[] {
  const out = run.output('out') as { series: Array<{ tags: Record<string, string> }> | null }
  return (out.series ?? []).map((s) => s.tags['host']!).sort()
}

t.test('dead groups are deleted downstream: cardinality returns to the live hosts, their series disappear', async (t) => {
  const sched = new ManualScheduler(ZERO_NS)
  const run = startStream(`stream
  |from().measurement('cpu')
  |groupBy('host')
  |barrier().idle(5s).delete(TRUE)
  |window().period(10s).every(10s)
  |count('value')
  |httpOut('out')`, { scheduler: sched, clock: sched.clock })

  // every host sends once a second for 12 s: the [0s,10s) windows close for all of them
  for (let s = 0n; s < 12n; s++) {
    run.write(pointsAt(ZERO_NS + s * SEC, HOSTS))
    sched.advance(1_000)
  }
  for (const type of ['barrier', 'window']) t.equal(cardinality(run, type), HOSTS, `${type}: every host`)
  t.equal(seriesHosts(run).length, HOSTS)

  // then only LIVE hosts keep sending
  for (let s = 12n; s < 30n; s++) {
    run.write(pointsAt(ZERO_NS + s * SEC, LIVE))
    sched.advance(1_000)
  }
  for (const type of ['barrier', 'window']) t.equal(cardinality(run, type), LIVE, `${type}: only the live hosts`)
  // a batch aggregate may keep no state at all; it must not keep the dead groups'
  t.ok(cardinality(run, 'count') <= LIVE, 'count: no more than the live hosts')
  const live = Array.from({ length: LIVE }, (_, h) => `h${h}`).sort()
  t.same(seriesHosts(run), live, 'httpOut serves the live hosts only')
  const out = run.output('out') as { series: Array<{ values: unknown[][] }> }
  t.same(out.series[0]!.values, [['1971-01-01T00:00:20Z', 10]], 'live hosts keep their windows: [10s,20s) holds 10 points')
  t.equal(run.execution.stats()['node-stats']['barrier3']?.['errors'], 0)
  run.stop()
})
