/**
 * A bounded asynchronous delivery queue for output nodes (httpPost): `push` never waits.
 * At most `concurrency` sends run at once and at most `capacity` items wait behind them;
 * an item pushed when both are full is refused (`push` returns false) so that a slow or
 * hanging target costs a bounded amount of memory and never stalls the task that feeds
 * it. `close()` aborts the sends in flight (their signal fires) and forgets the waiting
 * items, so stopping a task never waits for a remote server.
 */

export interface BoundedQueueOptions<T, R> {
  /** items that may wait while `concurrency` sends are in flight */
  readonly capacity: number
  /** sends in flight at once */
  readonly concurrency: number
  /** delivers one item; must honour `signal` (aborted at close) */
  readonly send: (item: T, signal: AbortSignal) => Promise<R>
  /** a send resolved (called before the next waiting item starts) */
  readonly onDone: (item: T, result: R) => void
  /** a send rejected (network error, abort at close, timeout) */
  readonly onError: (item: T, err: unknown) => void
}

export class BoundedQueue<T, R> {
  private waiting: T[] = []
  private head = 0
  private running = 0
  private closed = false
  private readonly controllers = new Set<AbortController>()
  private idleWaiters: Array<() => void> = []

  constructor(private readonly opts: BoundedQueueOptions<T, R>) {
    if (opts.capacity < 0 || opts.concurrency < 1) throw new Error('bounded queue: capacity >= 0 and concurrency >= 1 required')
  }

  /** Queues `item`; false when the queue is full or closed (the item is not delivered). */
  push(item: T): boolean {
    if (this.closed) return false
    if (this.running < this.opts.concurrency) {
      this.start(item)
      return true
    }
    if (this.waiting.length - this.head >= this.opts.capacity) return false
    this.waiting.push(item)
    return true
  }

  /** items waiting (not in flight) */
  get queued(): number {
    return this.waiting.length - this.head
  }

  get inFlight(): number {
    return this.running
  }

  /** Aborts every send in flight and drops the waiting items. Idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.waiting = []
    this.head = 0
    for (const c of this.controllers) c.abort(new Error('task stopped'))
    this.controllers.clear()
  }

  /** Resolves once nothing is queued or in flight (tests, draining). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queued === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private start(item: T): void {
    this.running++
    const ac = new AbortController()
    this.controllers.add(ac)
    let p: Promise<R>
    try {
      p = this.opts.send(item, ac.signal)
    } catch (err) {
      p = Promise.reject(err)
    }
    p.then(
      (r) => this.settle(ac, () => this.opts.onDone(item, r)),
      (err: unknown) => this.settle(ac, () => this.opts.onError(item, err)),
    )
  }

  private settle(ac: AbortController, report: () => void): void {
    this.running--
    this.controllers.delete(ac)
    try {
      report()
    } finally {
      this.next()
    }
  }

  private next(): void {
    while (!this.closed && this.running < this.opts.concurrency && this.head < this.waiting.length) {
      const item = this.waiting[this.head]!
      this.waiting[this.head++] = undefined as unknown as T
      // compact once the consumed prefix dominates, so the array does not grow forever
      if (this.head > 64 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head)
        this.head = 0
      }
      this.start(item)
    }
    if (this.running === 0 && this.queued === 0 && this.idleWaiters.length > 0) {
      const ws = this.idleWaiters
      this.idleWaiters = []
      for (const w of ws) w()
    }
  }
}
