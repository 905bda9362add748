/**
 * The topic service over a real LevelDB: event states and topic levels, handlers that get
 * what their `match` lets through (through a real Delivery), the `publish` and
 * `aggregate` kinds, and what survives closing and reopening the store.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { TopicService } from '../../src/alert/topics.js'
import { TopicStore } from '../../src/alert/topic-store.js'
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../../src/alert/types.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { silentLogger } from '../../src/server/logger.js'
import { openStore, type Store } from '../../src/server/store.js'

let seq = 0
export function event(topic: string, id: string, level: AlertLevel, over: Partial<AlertEvent> = {}): AlertEvent {
  seq++
  return {
    topic, id, level, message: `${id} is ${level}`, details: '', time: BigInt(seq) * 1_000_000_000n, duration: 0n,
    previousLevel: 'OK', recoverable: true, data: [], taskName: 'task', tags: {}, ...over,
  }
}

/** A handler kind `record` whose handlers push what they get; `received(n)` resolves once n events arrived. */
class Recorder {
  readonly events: Array<{ options: HandlerOptions; event: AlertEvent }> = []
  private waiters: Array<{ n: number; resolve: () => void }> = []
  factory = (kind: string, options: HandlerOptions): AlertHandler => {
    if (kind !== 'record') throw new Error(`unknown alert handler kind ${JSON.stringify(kind)}`)
    return {
      kind,
      handle: async (event) => {
        this.events.push({ options, event })
        this.waiters = this.waiters.filter((w) => (this.events.length >= w.n ? (w.resolve(), false) : true))
      },
    }
  }

  received(n: number): Promise<void> {
    if (this.events.length >= n) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ n, resolve }))
  }

  ids(name?: string): string[] {
    return this.events.filter((e) => name === undefined || e.options['name'] === name).map((e) => `${e.event.topic}/${e.event.id}:${e.event.level}`)
  }
}

async function setup(t: Test, scheduler = new ManualScheduler()): Promise<{ dir: string; store: Store; topics: TopicService; rec: Recorder; reopen: () => Promise<TopicService> }> {
  const dir = mkdtempSync(join(tmpdir(), 'topics-'))
  const rec = new Recorder()
  let store = await openStore(dir)
  let topics = await TopicService.open({ store: new TopicStore(store.db), createHandler: rec.factory, logger: silentLogger(), scheduler })
  t.teardown(async () => {
    await topics.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const ctx = {
    dir, store, topics, rec,
    async reopen() {
      await topics.close()
      await store.close()
      store = await openStore(dir)
      topics = await TopicService.open({ store: new TopicStore(store.db), createHandler: rec.factory, logger: silentLogger(), scheduler })
      ctx.store = store
      ctx.topics = topics
      return topics
    },
  }
  return ctx
}

t.test('event states, topic levels and min-level filters', async (t) => {
  const { topics } = await setup(t)
  topics.publish(event('cpu', 'host=a', 'WARNING'))
  topics.publish(event('cpu', 'host=b', 'CRITICAL'))
  topics.publish(event('cpu', 'host=c', 'OK'))
  topics.publish(event('mem', 'host=a', 'INFO'))
  topics.publish(event('cpu', 'host=b', 'OK', { message: 'b recovered' }))

  t.match(topics.lastState('cpu', 'host=b'), { level: 'OK', message: 'b recovered' })
  t.equal(topics.lastState('cpu', 'host=z'), undefined)
  t.same(topics.topics(), [{ id: 'cpu', level: 'WARNING', collected: 4 }, { id: 'mem', level: 'INFO', collected: 1 }])
  t.same(topics.topics(undefined, 'WARNING').map((s) => s.id), ['cpu'])
  t.same(topics.events('cpu')!.map((e) => `${e.id}:${e.state.level}`), ['host=a:WARNING', 'host=b:OK', 'host=c:OK'], 'highest level first, then id')
  t.same(topics.events('cpu', 'INFO')!.map((e) => e.id), ['host=a'])
  t.equal(topics.events('nope'), undefined)
})

t.test('handlers get the events their match lets through, in order', async (t) => {
  const { topics, rec } = await setup(t)
  await topics.createHandler('cpu', { id: 'all', kind: 'record', options: { name: 'all' } })
  await topics.createHandler('cpu', { id: 'serious', kind: 'record', options: { name: 'serious' }, match: 'level() >= WARNING' })
  await topics.createHandler('cpu', { id: 'changes', kind: 'record', options: { name: 'changes' }, match: 'changed() == TRUE' })
  await topics.createHandler('cpu', { id: 'host-a', kind: 'record', options: { name: 'host-a' }, match: '"host" == \'a\'' })
  await topics.createHandler('cpu', { id: 'meta', kind: 'record', options: { name: 'meta' }, match: "taskName() == 'other' OR duration() > 5s OR name() == 'disk'" })
  const a = { tags: { host: 'a' } }
  const b = { tags: { host: 'b' } }
  topics.publish(event('cpu', 'a', 'OK', a)) // first OK: not a change
  topics.publish(event('cpu', 'a', 'WARNING', a))
  topics.publish(event('cpu', 'a', 'WARNING', a))
  topics.publish(event('cpu', 'b', 'CRITICAL', b))
  topics.publish(event('cpu', 'a', 'OK', a))
  topics.publish(event('cpu', 'x', 'INFO', { taskName: 'other' })) // no host tag: "host-a" fails on it
  topics.publish(event('cpu', 'y', 'INFO', { duration: 6_000_000_000n }))
  topics.publish(event('cpu', 'z', 'INFO', { data: [{ name: 'disk', tags: {}, columns: ['time', 'v'], values: [[0n, 1]] }] }))
  topics.publish(event('mem', 'a', 'CRITICAL', a)) // another topic
  await rec.received(8 + 3 + 6 + 4 + 3)
  t.same(rec.ids('all'), ['cpu/a:OK', 'cpu/a:WARNING', 'cpu/a:WARNING', 'cpu/b:CRITICAL', 'cpu/a:OK', 'cpu/x:INFO', 'cpu/y:INFO', 'cpu/z:INFO'])
  t.same(rec.ids('serious'), ['cpu/a:WARNING', 'cpu/a:WARNING', 'cpu/b:CRITICAL'])
  t.same(rec.ids('changes'), ['cpu/a:WARNING', 'cpu/b:CRITICAL', 'cpu/a:OK', 'cpu/x:INFO', 'cpu/y:INFO', 'cpu/z:INFO'])
  t.same(rec.ids('host-a'), ['cpu/a:OK', 'cpu/a:WARNING', 'cpu/a:WARNING', 'cpu/a:OK'])
  t.same(rec.ids('meta'), ['cpu/x:INFO', 'cpu/y:INFO', 'cpu/z:INFO'])
})

t.test('bad handler specs are refused and nothing is defined', async (t) => {
  const { topics } = await setup(t)
  await t.rejects(topics.createHandler('cpu', { id: 'h', kind: 'record', match: 'level() >=' }), { name: 'HandlerSpecError' })
  await t.rejects(topics.createHandler('cpu', { id: 'h', kind: 'record', match: 'level() >= SEVERE' }), { message: /SEVERE/ })
  await t.rejects(topics.createHandler('cpu', { id: 'h', kind: 'nope' }), { message: /unknown alert handler kind "nope"/ })
  await t.rejects(topics.createHandler('cpu', { id: 'a/b', kind: 'record' }), { name: 'HandlerSpecError' })
  await t.rejects(topics.createHandler('cpu', { kind: 'record' }), { name: 'HandlerSpecError' })
  await t.rejects(topics.createHandler('cpu', { id: 'p', kind: 'publish', options: { topics: 'x' } }), { name: 'HandlerSpecError' })
  await t.rejects(topics.createHandler('cpu', { id: 'g', kind: 'aggregate', options: { interval: 'soon', topic: 'x' } }), { name: 'HandlerSpecError' })
  await t.rejects(topics.createHandler('cpu', { id: 'g', kind: 'aggregate', options: { interval: '1m', topic: 'x', message: '{{.Level}}' } }), { name: 'HandlerSpecError' })
  t.same(topics.handlers('cpu'), [])
  await topics.createHandler('cpu', { id: 'h', kind: 'record' })
  await t.rejects(topics.createHandler('cpu', { id: 'h', kind: 'record' }), { message: /already exists/ })
  const both = await Promise.allSettled([topics.createHandler('cpu', { id: 'twice', kind: 'record' }), topics.createHandler('cpu', { id: 'twice', kind: 'record' })])
  t.same(both.map((r) => r.status), ['fulfilled', 'rejected'], 'two defines of one id at once: the second is refused')
})

t.test('publish handlers re-publish to their topics; a loop stops', async (t) => {
  const { topics, rec } = await setup(t)
  await topics.createHandler('cpu', { id: 'fan', kind: 'publish', options: { topics: ['ops', 'all'] }, match: 'level() == CRITICAL' })
  await topics.createHandler('ops', { id: 'rec', kind: 'record', options: { name: 'ops' } })
  await topics.createHandler('all', { id: 'back', kind: 'publish', options: { topics: ['cpu'] } })
  topics.publish(event('cpu', 'a', 'WARNING'))
  topics.publish(event('cpu', 'b', 'CRITICAL'))
  await rec.received(1)
  t.same(rec.ids('ops'), ['ops/b:CRITICAL'])
  t.same(topics.topics().map((s) => `${s.id}:${s.level}:${s.collected}`), ['all:CRITICAL:1', 'cpu:CRITICAL:2', 'ops:CRITICAL:1'], 'all → cpu was refused (cpu is being published)')
})

t.test('aggregate handlers publish one summary event per interval', async (t) => {
  const scheduler = new ManualScheduler()
  const { topics } = await setup(t, scheduler)
  await topics.createHandler('cpu', { id: 'agg', kind: 'aggregate', options: { interval: '10s', topic: 'cpu_10s' } })
  topics.publish(event('cpu', 'a', 'WARNING', { message: 'a warns', time: 5n, duration: 7n }))
  topics.publish(event('cpu', 'b', 'CRITICAL', { message: 'b is critical', time: 9n, duration: 3n }))
  topics.publish(event('cpu', 'a', 'OK', { message: 'a is fine', time: 8n }))
  t.equal(topics.topic('cpu_10s'), undefined, 'nothing before the interval')
  scheduler.advance(10_000)
  t.same(topics.lastState('cpu_10s', 'agg'), {
    level: 'CRITICAL', message: 'Received 3 events in the last 10s.', details: 'a warns\nb is critical\na is fine', time: 9n, duration: 7n,
  })
  scheduler.advance(10_000)
  t.equal(topics.topic('cpu_10s')!.collected, 1, 'an empty interval publishes nothing')

  await topics.createHandler('mem', { id: 'agg2', kind: 'aggregate', options: { interval: '1m', topic: 'mem_1m', message: '{{.Count}} in {{ .Interval }}', id: 'summary' } })
  topics.publish(event('mem', 'a', 'INFO'))
  scheduler.advance(60_000)
  t.match(topics.lastState('mem_1m', 'summary'), { level: 'INFO', message: '1 in 1m0s' })
})

t.test('states and handlers survive a reopen; a deleted topic stays deleted', async (t) => {
  const ctx = await setup(t)
  ctx.topics.publish(event('cpu', 'a', 'WARNING', { message: 'a warns', details: '<b>a</b>', time: 1_600_000_000_123_456_789n, duration: 42n }))
  ctx.topics.publish(event('cpu', 'b', 'CRITICAL'))
  ctx.topics.publish(event('cpu', 'b', 'OK', { message: 'b back' }))
  ctx.topics.publish(event('gone', 'x', 'CRITICAL'))
  await ctx.topics.createHandler('cpu', { id: 'h1', kind: 'record', options: { name: 'h1' }, match: 'level() >= WARNING' })
  await ctx.topics.createHandler('gone', { id: 'h2', kind: 'record' })
  await ctx.topics.deleteTopic('gone')
  t.equal(ctx.topics.topic('gone'), undefined)

  const topics = await ctx.reopen()
  t.same(topics.lastState('cpu', 'a'), { level: 'WARNING', message: 'a warns', details: '<b>a</b>', time: 1_600_000_000_123_456_789n, duration: 42n })
  t.match(topics.lastState('cpu', 'b'), { level: 'OK', message: 'b back' })
  t.same(topics.topics().map((s) => `${s.id}:${s.level}`), ['cpu:WARNING'])
  t.same(topics.handlers('cpu'), [{ id: 'h1', topic: 'cpu', kind: 'record', options: { name: 'h1' }, match: 'level() >= WARNING' }])
  t.same(topics.handlers('gone'), [])
  topics.publish(event('cpu', 'c', 'CRITICAL'))
  topics.publish(event('cpu', 'd', 'INFO'))
  await ctx.rec.received(1)
  t.same(ctx.rec.ids('h1'), ['cpu/c:CRITICAL'], 'the reloaded handler runs with its match')
})

t.test('a topic deleted between publishes keeps only what came after', async (t) => {
  const ctx = await setup(t)
  ctx.topics.publish(event('cpu', 'a', 'CRITICAL'))
  const deleted = ctx.topics.deleteTopic('cpu') // the first state's write is still queued
  ctx.topics.publish(event('cpu', 'b', 'WARNING'))
  ctx.topics.publish(event('mem', 'm', 'INFO'))
  await deleted
  const topics = await ctx.reopen()
  t.same(topics.events('cpu')!.map((e) => e.id), ['b'])
  t.same(topics.events('mem')!.map((e) => e.id), ['m'])
})

t.test('replacing and deleting handlers', async (t) => {
  const ctx = await setup(t)
  await ctx.topics.createHandler('cpu', { id: 'h', kind: 'record', options: { name: 'v1' } })
  t.equal(await ctx.topics.replaceHandler('cpu', 'nope', { id: 'nope', kind: 'record' }), undefined)
  await t.rejects(ctx.topics.replaceHandler('cpu', 'h', { id: 'h', kind: 'record', match: '(' }), { name: 'HandlerSpecError' })
  t.same(ctx.topics.handler('cpu', 'h')!.options, { name: 'v1' }, 'a refused replacement leaves the handler as it was')
  await ctx.topics.replaceHandler('cpu', 'h', { id: 'h2', kind: 'record', options: { name: 'v2' } })
  t.same(ctx.topics.handlers('cpu').map((s) => s.id), ['h2'], 'renamed')
  ctx.topics.publish(event('cpu', 'a', 'INFO'))
  await ctx.rec.received(1)
  t.same(ctx.rec.ids('v2'), ['cpu/a:INFO'])
  t.same(ctx.rec.ids('v1'), [])
  t.equal(await ctx.topics.deleteHandler('cpu', 'h2'), true)
  t.equal(await ctx.topics.deleteHandler('cpu', 'h2'), false)
  const topics = await ctx.reopen()
  t.same(topics.handlers('cpu'), [])
})

t.test('a stored handler that no longer builds is left out at start and can still be deleted', async (t) => {
  const ctx = await setup(t)
  await new TopicStore(ctx.store.db).putHandler({ id: 'old', topic: 'cpu', kind: 'retired-kind', options: {}, match: '' })
  await ctx.topics.createHandler('cpu', { id: 'ok', kind: 'record' })
  let topics = await ctx.reopen()
  t.same(topics.handlers('cpu').map((s) => s.id), ['ok'], 'the daemon starts; the broken handler is not running')
  t.equal(await topics.deleteHandler('cpu', 'old'), false)
  topics = await ctx.reopen()
  t.same((await new TopicStore(ctx.store.db).listHandlers()).map((s) => s.id), ['ok'], 'its stored spec is gone')
})
