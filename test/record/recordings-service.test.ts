/**
 * The recording service on its own LevelDB with a manual wall clock: a recording with a
 * stop time ends on time even when no data arrives, its progress is the fraction of the
 * time elapsed; no recording = `write` returns nothing to wait for; a recording left
 * running in the store (a crash) is failed as interrupted at the next open, its data kept;
 * a graceful close fails the running ones the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import t, { type Test } from 'tap'
import { Matcher } from '../../src/match/matcher.js'
import type { Point } from '../../src/model/point.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { NO_INFLUXDB } from '../../src/query/influxdb.js'
import { INTERRUPTED, RecordingService } from '../../src/record/recording-service.js'
import { silentLogger } from '../../src/server/logger.js'
import { TaskService } from '../../src/server/task-service.js'
import { TaskStore } from '../../src/server/task-store.js'

const T0 = 1_800_000_000_000_000_000n
const SEC = 1_000_000_000n

async function open(t: Test, dir = mkdtempSync(join(tmpdir(), 'rec-service-'))): Promise<{ s: RecordingService; sched: ManualScheduler; db: Level<string, string>; dir: string; close: () => Promise<void> }> {
  const db = new Level<string, string>(join(dir, 'db'), { valueEncoding: 'utf8' })
  await db.open()
  const sched = new ManualScheduler(T0)
  const logger = silentLogger()
  const tasks = new TaskService({ store: new TaskStore(db), matcher: new Matcher(), services: newTaskServices(), logger, clock: sched.clock })
  const s = await RecordingService.open({ db, logger, clock: sched.clock, influxdb: NO_INFLUXDB, tasks, defaultRetentionPolicy: 'autogen', scheduler: sched })
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await s.close()
    await db.close()
  }
  t.teardown(async () => {
    await close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { s, sched, db, dir, close }
}

const point = (v: number, time: bigint): Point => ({ db: 'd', rp: 'r', name: 'm', tags: {}, fields: { v: BigInt(v) }, time })

async function pointsOf(s: RecordingService, id: string): Promise<Point[]> {
  const out: Point[] = []
  for await (const c of s.streamPoints(id)) out.push(...c)
  return out
}

t.test('without a recording, write has nothing to wait for', async (t) => {
  const { s } = await open(t)
  t.equal(s.write([point(1, 1n)]), undefined)
})

t.test('a recording with a stop time ends on time without data; progress is the time elapsed', async (t) => {
  const { s, sched } = await open(t)
  const rec = await s.startStream({ id: 'timed', stop: T0 + 60n * SEC })
  t.match(rec, { status: 'running', progress: 0 })
  await s.write([point(1, T0)])
  sched.advance(15_000)
  t.match(await s.info('timed'), { status: 'running', progress: 0.25 })
  sched.advance(45_000)
  await s.write([point(2, T0 + SEC)])
  const done = await s.info('timed')
  t.match(done, { status: 'finished', progress: 1, error: '' })
  t.same(await pointsOf(s, 'timed'), [point(1, T0)], 'what came before the stop')
  t.equal(s.write([point(3, T0 + 2n * SEC)]), undefined, 'no recording left')
})

t.test('a recording left running by a crash is failed as interrupted at the next open, with its data', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rec-service-'))
  const first = await open(t, dir)
  await first.s.startStream({ id: 'open' })
  await first.s.write([point(1, 1n), point(2, 2n)])
  // as after a kill -9: the store is closed without the service's close
  await first.db.close()
  const again = await open(t, dir)
  t.match(await again.s.info('open'), { status: 'failed', error: INTERRUPTED })
  t.same(await pointsOf(again.s, 'open'), [point(1, 1n), point(2, 2n)])
  t.equal(again.s.write([point(3, 3n)]), undefined, 'it does not record any more')
})

t.test('a graceful stop fails the running recordings the same way', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rec-service-'))
  const first = await open(t, dir)
  await first.s.startStream({ id: 'open' })
  await first.s.write([point(1, 1n)])
  await first.close()
  const again = await open(t, dir)
  t.match(await again.s.info('open'), { status: 'failed', error: INTERRUPTED })
  t.same(await pointsOf(again.s, 'open'), [point(1, 1n)])
})

t.test('concurrent writes land in the order they were accepted', async (t) => {
  const { s } = await open(t)
  await s.startStream({ id: 'order' })
  const writes: Promise<void>[] = []
  for (let i = 0; i < 200; i++) writes.push(s.write([point(i, BigInt(i)), point(i, BigInt(i))]) as Promise<void>)
  await Promise.all(writes)
  const got = await pointsOf(s, 'order')
  t.equal(got.length, 400)
  t.ok(got.every((p, i) => p.time === BigInt(Math.floor(i / 2))), 'in call order')
})
