/**
 * An event reaches a handler only once its topic state is in LevelDB: a crash (kill -9)
 * right after a delivery can never lose the state of what was delivered, so the restarted
 * daemon does not send that CRITICAL again.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { TopicService } from '../../src/alert/topics.js'
import { TopicStore } from '../../src/alert/topic-store.js'
import type { AlertEvent, AlertHandler } from '../../src/alert/types.js'
import { silentLogger } from '../../src/server/logger.js'
import { openStore } from '../../src/server/store.js'

t.test('a handler sees an event only after its state is stored', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'topics-durable-'))
  const store = await openStore(dir)
  /** the levels whose write to LevelDB has completed, per event id */
  const written: string[] = []
  class WatchedStore extends TopicStore {
    override async writeEvents(writes: Parameters<TopicStore['writeEvents']>[0]): Promise<void> {
      await super.writeEvents(writes)
      for (const w of writes) if (w.state) written.push(w.state.level)
    }
  }
  const topicStore = new WatchedStore(store.db)
  const storedWhenDelivered: string[] = []
  const handler: AlertHandler = {
    kind: 'probe',
    async handle(e: AlertEvent) {
      // checked synchronously when the attempt starts
      storedWhenDelivered.push(`${e.level}:${written.includes(e.level) ? 'stored' : 'absent'}`)
    },
  }
  const topics = await TopicService.open({ store: topicStore, createHandler: () => handler, logger: silentLogger() })
  t.teardown(async () => {
    await topics.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  await topics.createHandler('cpu', { id: 'probe', kind: 'probe', options: {} })
  const base = { topic: 'cpu', id: 'cpu:host=a', message: 'm', details: '', duration: 0n, recoverable: true, data: [], taskName: 't', tags: {} }
  await topics.publish({ ...base, time: 1n, level: 'CRITICAL', previousLevel: 'OK' })
  await topics.publish({ ...base, time: 2n, level: 'OK', previousLevel: 'CRITICAL' })
  await topics.flushed()
  for (let i = 0; i < 200 && storedWhenDelivered.length < 2; i++) await new Promise((r) => setImmediate(r))
  t.same(storedWhenDelivered, ['CRITICAL:stored', 'OK:stored'])
})
