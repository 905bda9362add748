/**
 * BoundedQueue (src/pipeline/bounded-queue.ts), the delivery queue behind httpPost:
 * push never waits, at most `concurrency` sends run, at most `capacity` wait, the rest
 * is refused; close aborts what runs and forgets what waits. Sends here are promises the
 * test resolves by hand.
 */
import t from 'tap'
import { BoundedQueue } from '../../src/pipeline/bounded-queue.js'

interface Pending { readonly item: number; readonly signal: AbortSignal; resolve(v: string): void; reject(e: unknown): void }

function queue(capacity: number, concurrency: number): { q: BoundedQueue<number, string>; pending: Pending[]; done: string[]; failed: string[] } {
  const pending: Pending[] = []
  const done: string[] = []
  const failed: string[] = []
  const q = new BoundedQueue<number, string>({
    capacity, concurrency,
    send: (item, signal) => new Promise<string>((resolve, reject) => {
      const p = { item, signal, resolve, reject }
      pending.push(p)
      signal.addEventListener('abort', () => reject(signal.reason))
    }),
    onDone: (item, r) => done.push(`${item}:${r}`),
    onError: (item, err) => failed.push(`${item}:${(err as Error).message}`),
  })
  return { q, pending, done, failed }
}

t.test('runs up to concurrency, queues up to capacity, refuses the rest', async (t) => {
  const { q, pending, done } = queue(2, 2)
  const accepted = [1, 2, 3, 4, 5, 6].map((i) => q.push(i))
  t.same(accepted, [true, true, true, true, false, false])
  t.equal(q.inFlight, 2)
  t.equal(q.queued, 2)
  t.same(pending.map((p) => p.item), [1, 2])
  const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
  pending[0]!.resolve('a')
  await tick()
  t.same(pending.map((p) => p.item), [1, 2, 3], 'the first waiting item starts when a send ends')
  t.equal(q.queued, 1)
  pending[1]!.resolve('b')
  pending[2]!.resolve('c')
  await tick()
  pending[3]!.resolve('d')
  await q.idle()
  t.same(done, ['1:a', '2:b', '3:c', '4:d'])
  t.same(pending.map((p) => p.item), [1, 2, 3, 4], 'waiting items start in push order')
  t.ok(q.push(7), 'room again once drained')
})

t.test('a failed send is reported and the next waiting item starts', async (t) => {
  const { q, pending, failed } = queue(1, 1)
  q.push(1)
  q.push(2)
  pending[0]!.reject(new Error('boom'))
  await new Promise<void>((resolve) => setImmediate(resolve))
  t.same(failed, ['1:boom'])
  t.same(pending.map((p) => p.item), [1, 2])
})

t.test('a send that throws synchronously is a failure, not an exception at push', async (t) => {
  const failed: string[] = []
  const q = new BoundedQueue<number, void>({
    capacity: 1, concurrency: 1,
    send: () => { throw new Error('sync') },
    onDone: () => {},
    onError: (i, e) => failed.push(`${i}:${(e as Error).message}`),
  })
  t.ok(q.push(1))
  await q.idle()
  t.same(failed, ['1:sync'])
})

t.test('close aborts the sends in flight, forgets the waiting ones and refuses new ones', async (t) => {
  const { q, pending, failed } = queue(5, 2)
  for (let i = 1; i <= 5; i++) q.push(i)
  q.close()
  t.ok(pending.every((p) => p.signal.aborted))
  await q.idle()
  t.same(failed.sort(), ['1:task stopped', '2:task stopped'])
  t.same(pending.map((p) => p.item), [1, 2], 'waiting items never start')
  t.notOk(q.push(9))
})
