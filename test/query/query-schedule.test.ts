/**
 * When batch queries run and what range they ask for (Kapacitor's batch.go tickers and
 * QueryNode.Queries): every, every + align, cron with and without seconds, period and
 * offset bounds, and the stepping over a past range that batch recordings use.
 */
import t from 'tap'
import { queryBounds, querySchedule, roundNs, ticksOver, truncateNs, ScheduleError } from '../../src/query/query-schedule.js'

const S = 1_000_000_000n
const M = 60n * S
/** 2026-01-01T00:00:00Z */
const T0 = 1_767_225_600n * S

t.test('every: ticks every d after the start, not aligned', async (t) => {
  const s = querySchedule({ kind: 'every', every: 10n * S, align: false })
  const first = s.first(T0 + 3n * S)
  t.equal(first, T0 + 13n * S)
  t.equal(s.next(first), T0 + 23n * S)
})

t.test('every + align: the first tick is the next multiple of every', async (t) => {
  const s = querySchedule({ kind: 'every', every: 10n * S, align: true })
  t.equal(s.first(T0 + 3n * S), T0 + 10n * S)
  t.equal(s.first(T0), T0 + 10n * S, 'a start on a multiple waits a whole every')
  t.equal(s.next(T0 + 10n * S), T0 + 20n * S)
})

t.test('every must be positive', async (t) => {
  t.throws(() => querySchedule({ kind: 'every', every: 0n, align: false }), ScheduleError)
})

t.test('cron with five fields: minutes first', async (t) => {
  const s = querySchedule({ kind: 'cron', expr: '*/15 * * * *' })
  t.equal(s.first(T0 + 3n * S), T0 + 15n * M)
  t.equal(s.next(T0 + 15n * M), T0 + 30n * M)
})

t.test('cron with six fields: seconds first', async (t) => {
  const s = querySchedule({ kind: 'cron', expr: '*/5 * * * * *' })
  t.equal(s.first(T0 + 3n * S), T0 + 5n * S)
  t.equal(s.first(T0 + 5n * S), T0 + 10n * S, 'strictly after the given instant')
  t.equal(s.next(T0 + 10n * S), T0 + 15n * S)
})

t.test('a bad cron expression is a ScheduleError naming it', async (t) => {
  t.throws(() => querySchedule({ kind: 'cron', expr: 'every day' }), { name: 'ScheduleError', message: /every day/ })
})

t.test('bounds: [tick - offset - period, tick - offset)', async (t) => {
  t.same(queryBounds(T0, { period: 5n * M, offset: 0n }), { start: T0 - 5n * M, stop: T0 })
  t.same(queryBounds(T0, { period: 5n * M, offset: 1n * M }), { start: T0 - 6n * M, stop: T0 - 1n * M })
})

t.test('Go truncate and round', async (t) => {
  t.equal(truncateNs(T0 + 7n * S, 10n * S), T0)
  t.equal(roundNs(T0 + 5n * S, 10n * S), T0 + 10n * S, 'halfway rounds up')
  t.equal(roundNs(T0 + 4n * S, 10n * S), T0)
})

t.test('stepping over a past range (batch recordings)', async (t) => {
  const s = querySchedule({ kind: 'every', every: 10n * S, align: false })
  t.same(ticksOver(s, { start: T0, stop: T0 + 30n * S, now: T0 + 1000n * S, offset: 0n }), [T0 + 10n * S, T0 + 20n * S, T0 + 30n * S])
  t.same(ticksOver(s, { start: T0, stop: T0 + 30n * S, now: T0 + 15n * S, offset: 0n }), [T0 + 10n * S], 'no query that ends in the future')
  t.same(ticksOver(s, { start: T0, stop: T0 + 30n * S, now: T0 + 15n * S, offset: 10n * S }), [T0 + 10n * S, T0 + 20n * S], 'an offset query ends earlier')
  const aligned = querySchedule({ kind: 'every', every: 10n * S, align: true })
  t.same(ticksOver(aligned, { start: T0 + 3n * S, stop: T0 + 30n * S, now: T0 + 1000n * S, offset: 0n }), [T0 + 10n * S, T0 + 20n * S, T0 + 30n * S])
  const cron = querySchedule({ kind: 'cron', expr: '*/15 * * * *' })
  t.same(ticksOver(cron, { start: T0, stop: T0 + 31n * M, now: T0 + 100n * M, offset: 0n }), [T0 + 15n * M, T0 + 30n * M])
})
