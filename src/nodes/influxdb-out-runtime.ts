/**
 * influxDBOut(): writes points and batches to an InfluxDB cluster of `[[influxdb]]`.
 *
 * What is written (Kapacitor's influxdb_out.go): database and retention policy are the
 * node's `.database()` / `.retentionPolicy()`, else the message's own; the measurement is
 * `.measurement()`, else the message's name; tags are the point's (for a batch, the
 * batch's group tags under each point's own) with the static `.tag(k, v)`s over them;
 * fields as they are (ints written with `i`); the time divided by `.precision()` (integer
 * division, as Kapacitor's client) and written with that precision.
 *
 * How (nothing here ever blocks the task — no await in receive):
 *  - lines are buffered per db/rp; a buffer that reaches `.buffer()` points, and every
 *    buffer each `.flushInterval()` (on the injected scheduler), becomes one write request;
 *  - requests are sent one at a time, in order, through the cluster's client; a failed
 *    request is retried with exponential back-off (`retries`, from `retryBaseMs`, capped
 *    at `retryMaxMs`), except an HTTP 400 (influxd refused the data itself: a retry cannot
 *    help); what is still unwritten after the retries is dropped and logged;
 *  - the points buffered or waiting to be sent are bounded (`capacity`); a point that
 *    does not fit is dropped at once (rate-limited warning);
 *  - `.create()`: CREATE DATABASE, and CREATE RETENTION POLICY when one is named and
 *    missing, before the first write to it (at start when `.database()` is set), retried
 *    like a write;
 *  - at task stop what is buffered is sent (one attempt per request, no more retries).
 *
 * Stats: `points_written` (acknowledged by influxd), `write_errors` (failed requests, each
 * attempt), `points_dropped` (given up on).
 */
import { performance } from 'node:perf_hooks'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { Fields, Tags } from '../model/point.js'
import { encodePoint } from '../ingest/line-protocol-encoder.js'
import type { BatchMessage, PointMessage } from '../pipeline/messages.js'
import { propCalls, propDuration, propFlag, propInt, propString, tickString } from '../pipeline/props.js'
import { BaseRuntime, type Counter, type NodeContext } from '../pipeline/runtime.js'
import { TaskStartError } from '../pipeline/task-execution.js'
import { InfluxDBError, type InfluxDBClient } from '../query/influxdb.js'

export interface InfluxDBOutOptions {
  /** points buffered or waiting to be sent, at most (default max(10 × buffer, 10000)) */
  readonly capacity?: number
  /** retries of a failed request before its points are dropped (default 8) */
  readonly retries?: number
  /** first retry delay, doubled each time (default 500 ms) */
  readonly retryBaseMs?: number
  /** longest retry delay (default 30 s) */
  readonly retryMaxMs?: number
}

/** `.precision()` → [influxd's name ('' = ns), ns per unit] */
export const INFLUXDB_OUT_PRECISIONS: Readonly<Record<string, readonly [string, bigint]>> = {
  '': ['', 1n], n: ['', 1n], ns: ['', 1n],
  u: ['u', 1_000n], us: ['u', 1_000n], 'µs': ['u', 1_000n], 'μs': ['u', 1_000n],
  ms: ['ms', 1_000_000n], s: ['s', 1_000_000_000n], m: ['m', 60_000_000_000n], h: ['h', 3_600_000_000_000n],
}

interface Buffer {
  readonly db: string
  readonly rp: string
  lines: string[]
}

type Job =
  | { readonly kind: 'write'; readonly db: string; readonly rp: string; readonly body: string; readonly count: number; attempts: number }
  | { readonly kind: 'create'; readonly db: string; readonly rp: string; attempts: number }

const DROP_LOG_EVERY_MS = 1000

export class InfluxDBOutRuntime extends BaseRuntime {
  private readonly client: InfluxDBClient
  private readonly database: string
  private readonly retentionPolicy: string
  private readonly measurement: string
  private readonly consistency: string
  private readonly precision: string
  private readonly unit: bigint
  private readonly bufferSize: number
  private readonly staticTags: ReadonlyArray<readonly [string, string]>
  private readonly create: boolean
  private readonly capacity: number
  private readonly retries: number
  private readonly retryBaseMs: number
  private readonly retryMaxMs: number

  private readonly written: Counter
  private readonly writeErrors: Counter
  private readonly dropped: Counter
  /** merged tags per source tags object (the parser shares one per series) */
  private readonly merged = new WeakMap<Tags, Tags>()
  private readonly buffers = new Map<string, Buffer>()
  private readonly createdKeys = new Set<string>()
  private readonly jobs: Job[] = []
  /** points in buffers and jobs */
  private held = 0
  private sending = false
  private cancelRetry: (() => void) | undefined
  private stopped = false
  private lastDropLog = -Infinity
  private unloggedDrops = 0
  private waiters: Array<() => void> = []

  constructor(node: PipelineNode, ctx: NodeContext, opts: InfluxDBOutOptions = {}) {
    super(ctx)
    const cluster = propString(node, 'cluster')
    try {
      this.client = ctx.services.influxdb.client(cluster)
    } catch (err) {
      throw new TaskStartError(`influxDBOut: ${(err as Error).message}`)
    }
    this.database = propString(node, 'database')
    this.retentionPolicy = propString(node, 'retentionPolicy')
    this.measurement = propString(node, 'measurement')
    this.consistency = propString(node, 'writeConsistency')
    const precision = INFLUXDB_OUT_PRECISIONS[propString(node, 'precision')]
    if (precision === undefined) throw new TaskStartError(`influxDBOut: invalid precision ${JSON.stringify(propString(node, 'precision'))}`)
    ;[this.precision, this.unit] = precision
    this.bufferSize = Math.max(1, Number(propInt(node, 'buffer')))
    this.staticTags = propCalls(node, 'tag').map(([k, v]) => [tickString(k!), tickString(v!)] as const)
    this.create = propFlag(node, 'create')
    this.capacity = opts.capacity ?? Math.max(10 * this.bufferSize, 10_000)
    this.retries = opts.retries ?? 8
    this.retryBaseMs = opts.retryBaseMs ?? 500
    this.retryMaxMs = opts.retryMaxMs ?? 30_000
    this.written = ctx.counter('points_written')
    this.writeErrors = ctx.counter('write_errors')
    this.dropped = ctx.counter('points_dropped')

    const flushMs = Number(propDuration(node, 'flushInterval') / 1_000_000n)
    if (flushMs > 0) ctx.every(flushMs, () => this.flush())
    if (this.create && this.database !== '') this.ensureCreated(this.database, this.retentionPolicy)
  }

  /** Resolves once no request is in flight and none can start now (all sent, or waiting for a retry timer). */
  settled(): Promise<void> {
    if (this.isSettled()) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** points buffered or waiting to be sent */
  get pending(): number {
    return this.held
  }

  protected override point(p: PointMessage): void {
    this.add(this.database || p.db, this.retentionPolicy || p.rp, this.measurement || p.name, this.withStatic(p.tags), p.fields, p.time)
  }

  protected override batch(b: BatchMessage): void {
    const db = this.database || (b.db ?? '')
    const rp = this.retentionPolicy || (b.rp ?? '')
    const name = this.measurement || b.name
    for (const p of b.points) this.add(db, rp, name, this.withStatic(withGroupTags(b.tags, p.tags)), p.fields, p.time)
  }

  protected override barrier(): void {}

  protected override deleteGroup(): void {}

  stop(): void {
    if (this.stopped) return
    this.flush()
    this.stopped = true
    // a request waiting for its retry gets its last attempt now
    if (this.cancelRetry !== undefined) {
      this.cancelRetry()
      this.cancelRetry = undefined
    }
    this.pump()
  }

  /** Every buffer becomes a request. */
  flush(): void {
    for (const [key, buf] of this.buffers) {
      if (buf.lines.length > 0) this.cut(key, buf)
    }
  }

  private add(db: string, rp: string, name: string, tags: Tags, fields: Fields, time: bigint): void {
    if (this.stopped) return
    if (db === '') {
      this.drop(1, 'no database: the data has none and .database() is not set')
      return
    }
    if (this.held >= this.capacity) {
      this.drop(1, 'buffer full')
      return
    }
    const line = encodePoint({ db, rp, name, tags, fields, time: this.unit === 1n ? time : time / this.unit })
    if (line === '') {
      this.drop(1, 'no field that line protocol can carry')
      return
    }
    const key = rp === '' ? db : `${db}\u0000${rp}`
    let buf = this.buffers.get(key)
    if (buf === undefined) {
      buf = { db, rp, lines: [] }
      this.buffers.set(key, buf)
      if (this.create) this.ensureCreated(db, rp)
    }
    buf.lines.push(line)
    this.held++
    if (buf.lines.length >= this.bufferSize) this.cut(key, buf)
  }

  private cut(_key: string, buf: Buffer): void {
    const lines = buf.lines
    buf.lines = []
    this.jobs.push({ kind: 'write', db: buf.db, rp: buf.rp, body: lines.join('\n') + '\n', count: lines.length, attempts: 0 })
    this.pump()
  }

  private ensureCreated(db: string, rp: string): void {
    const key = `${db}\u0000${rp}`
    if (this.createdKeys.has(key)) return
    this.createdKeys.add(key)
    this.jobs.push({ kind: 'create', db, rp, attempts: 0 })
    this.pump()
  }

  private withStatic(tags: Tags): Tags {
    if (this.staticTags.length === 0) return tags
    let t = this.merged.get(tags)
    if (t === undefined) {
      const m: Record<string, string> = { ...tags }
      for (const [k, v] of this.staticTags) m[k] = v
      t = Object.freeze(m)
      this.merged.set(tags, t)
    }
    return t
  }

  // ---- sending ----

  private pump(): void {
    if (this.sending || this.cancelRetry !== undefined) return
    const job = this.jobs[0]
    if (job === undefined) {
      this.notify()
      return
    }
    this.sending = true
    job.attempts++
    const done = job.kind === 'write'
      ? this.client.write(job.body, { db: job.db, rp: job.rp, precision: this.precision, consistency: this.consistency })
      : this.runCreate(job.db, job.rp)
    done.then(() => this.succeeded(job), (err: unknown) => this.failed(job, err))
  }

  private async runCreate(db: string, rp: string): Promise<void> {
    await this.client.query(`CREATE DATABASE ${quoteIdent(db)}`)
    if (rp === '') return
    const rps = await this.client.query(`SHOW RETENTION POLICIES ON ${quoteIdent(db)}`)
    if (rps.some((s) => s.values.some((row) => row[0] === rp))) return
    await this.client.query(`CREATE RETENTION POLICY ${quoteIdent(rp)} ON ${quoteIdent(db)} DURATION INF REPLICATION 1`)
  }

  private succeeded(job: Job): void {
    this.jobs.shift()
    this.sending = false
    if (job.kind === 'write') {
      this.held -= job.count
      this.written.add(job.count)
    }
    this.pump()
  }

  private failed(job: Job, err: unknown): void {
    this.sending = false
    const message = err instanceof Error ? err.message : String(err)
    const status = err instanceof InfluxDBError ? err.status : undefined
    if (job.kind === 'write') this.writeErrors.add(1)
    // influxd refused the data itself (bad line, type conflict): sending it again cannot help
    const retryable = !(job.kind === 'write' && status === 400)
    if (retryable && !this.stopped && job.attempts <= this.retries) {
      const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (job.attempts - 1))
      this.ctx.logger.warn({ err: message, db: job.db, rp: job.rp, attempt: job.attempts, retry_in_ms: delay },
        job.kind === 'write' ? 'failed to write points to InfluxDB; retrying' : 'failed to create the database; retrying')
      this.cancelRetry = this.ctx.after(delay, () => {
        this.cancelRetry = undefined
        this.pump()
      })
      this.notify()
      return
    }
    this.jobs.shift()
    if (job.kind === 'write') {
      // a partial write names how many points influxd dropped; the others are stored
      const partial = status === 400 ? /dropped=(\d+)/.exec(message) : null
      const lost = partial !== null ? Math.min(job.count, Number(partial[1])) : job.count
      this.held -= job.count
      this.written.add(job.count - lost)
      this.dropped.add(lost)
      this.ctx.logger.error({ err: message, db: job.db, rp: job.rp, attempts: job.attempts, dropped: lost }, 'failed to write points to InfluxDB; points dropped')
    } else {
      this.ctx.logger.error({ err: message, db: job.db, rp: job.rp, attempts: job.attempts }, 'failed to create the database/retention policy in InfluxDB; giving up')
    }
    this.pump()
  }

  private drop(n: number, why: string): void {
    this.dropped.add(n)
    this.unloggedDrops += n
    const now = performance.now()
    if (now - this.lastDropLog < DROP_LOG_EVERY_MS) return
    this.ctx.logger.warn({ dropped: this.unloggedDrops, reason: why }, 'influxDBOut: points dropped')
    this.lastDropLog = now
    this.unloggedDrops = 0
  }

  private isSettled(): boolean {
    return !this.sending && (this.jobs.length === 0 || this.cancelRetry !== undefined)
  }

  private notify(): void {
    if (!this.isSettled() || this.waiters.length === 0) return
    const ws = this.waiters
    this.waiters = []
    for (const w of ws) w()
  }
}

/** A batch point's tags with the batch's group tags under them (the point's own win). */
function withGroupTags(group: Tags, tags: Tags): Tags {
  for (const k in group) {
    if (tags[k] !== group[k] && !Object.hasOwn(tags, k)) return { ...group, ...tags }
  }
  return tags
}

function quoteIdent(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"'
}
