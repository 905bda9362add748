/**
 * Replays (reference §9; Kapacitor's services/replay): a recording, a batch task's own
 * queries over a past range, or one query's result, fed into an ISOLATED execution of a
 * stored task — its own httpOut endpoints (served with `?replay-id=`), its own alert
 * topics, a private matcher, never the daemon's. Each replay runs in the background; its
 * metadata (status, progress, error, final stats) is kept in LevelDB, and what its
 * httpOut nodes last showed stays readable until the replay is deleted.
 */
import { randomUUID } from 'node:crypto'
import type { Level } from 'level'
import type { Clock } from '../model/clock.js'
import type { Point } from '../model/point.js'
import { formatRFC3339Nano } from '../model/rfc3339.js'
import type { HttpOutRegistry } from '../pipeline/http-out-registry.js'
import type { TaskServices } from '../pipeline/services.js'
import type { TaskExecution } from '../pipeline/task-execution.js'
import { batchesOverRange } from '../query/batch-range.js'
import { parseInfluxQL } from '../query/batch-query.js'
import { seriesToBatches } from '../query/result-batches.js'
import { BadRequestError, NotFoundError } from '../server/errors.js'
import type { Logger } from '../server/logger.js'
import type { TaskService } from '../server/task-service.js'
import type { TaskRecord } from '../server/task-store.js'
import { isolate, type Isolated } from './replay-isolation.js'
import { planBatches, replayBatches, replayStream, ReplayStoppedError, yieldToLoop, type Pacing, type ReplayClock } from './replay-run.js'
import { NO_STATS, ReplayStore, type ReplayRecord, type ReplayStats } from './replay-store.js'
import type { RecordedBatch, RecordingInfo, RecordingReader } from './types.js'

export interface ReplayServiceOptions {
  readonly db: Level<string, string>
  readonly tasks: TaskService
  readonly recordings: RecordingReader
  /** the daemon's services; a replay copies them with its own httpOut and alert topics */
  readonly services: TaskServices
  readonly logger: Logger
  readonly clock: Clock
  /** waits of the real clock (tests inject one that moves a fake clock) */
  readonly sleep?: (ms: number) => Promise<void>
  /** how long a replay waits for alert handlers that make no progress before it gives up on them (ms) */
  readonly handlerStallMs?: number
}

/** What every kind of replay is asked with. */
export interface ReplayCommon {
  readonly id?: string
  readonly task: string
  readonly recordingTime?: boolean
  /** 'fast' (default) or 'real' */
  readonly clock?: string
}

export interface ReplayRecordingOptions extends ReplayCommon {
  readonly recording: string
}

export interface ReplayBatchOptions extends ReplayCommon {
  readonly start: bigint
  readonly stop: bigint
  /** accepted as Kapacitor does, and as there unused: each query node queries its own `.cluster()` */
  readonly cluster?: string
}

export interface ReplayQueryOptions extends ReplayCommon {
  readonly query: string
  readonly cluster?: string
}

/** Feeds a replay's data; reports progress as a fraction when it knows the total. */
type Progress = (fraction: number) => void
type Feed = (p: Pacing, progress: Progress) => Promise<Fed>

/** Kapacitor's ID rule. */
const ID_PATTERN = /^[-._\p{L}0-9]+$/u

/** A replay this daemon runs or ran since it started. */
interface LiveReplay {
  record: ReplayRecord
  readonly httpOut: HttpOutRegistry
  readonly abort: AbortController
  execution: TaskExecution | undefined
  running: boolean
  done: Promise<void>
}

/** What a replay's feeding step reports. */
interface Fed {
  /** a note for the replay's error field although it finished (nothing reached the task) */
  readonly note?: string
}

export class ReplayService {
  private readonly store: ReplayStore
  private readonly live = new Map<string, LiveReplay>()
  /** ids of replays being created */
  private readonly reserved = new Set<string>()
  private readonly ready: Promise<void>
  private closed = false

  constructor(private readonly opts: ReplayServiceOptions) {
    this.store = new ReplayStore(opts.db)
    // none can be running at start: those stored as running died with the daemon
    this.ready = this.store.markInterrupted().then(
      (n) => { if (n > 0) opts.logger.warn({ replays: n }, 'replays interrupted by a shutdown marked failed') },
      (err: unknown) => { opts.logger.error({ err }, 'could not mark interrupted replays') },
    )
  }

  // ---------------------------------------------------------------- lookup (ReplayLookup)

  httpOut(replayId: string): HttpOutRegistry | undefined {
    return this.live.get(replayId)?.httpOut
  }

  execution(replayId: string, task: string): TaskExecution | undefined {
    const r = this.live.get(replayId)
    return r?.running && r.record.task === task ? r.execution : undefined
  }

  // ---------------------------------------------------------------- queries

  async get(id: string): Promise<ReplayRecord> {
    await this.ready
    const r = this.live.get(id)
    if (r) return this.current(r)
    const stored = await this.store.get(id)
    if (!stored) throw new NotFoundError(`no replay exists with ID ${id}`)
    return stored
  }

  async list(): Promise<ReplayRecord[]> {
    await this.ready
    return (await this.store.list()).map((r) => {
      const l = this.live.get(r.id)
      return l ? this.current(l) : r
    })
  }

  /** Resolves with the replay's record once it has ended (tests, benches). */
  async wait(id: string): Promise<ReplayRecord> {
    const r = this.live.get(id)
    if (r) await r.done
    return this.get(id)
  }

  /** A running replay shows its execution's stats so far. */
  private current(r: LiveReplay): ReplayRecord {
    if (!r.running || !r.execution) return r.record
    return { ...r.record, stats: statsOf(r.execution) }
  }

  // ---------------------------------------------------------------- create

  /** `POST /replays`: a recording into a task. */
  create(o: ReplayRecordingOptions): Promise<ReplayRecord> {
    return this.reserving(o, (id, clock) => this.fromRecording(o, id, clock))
  }

  /** `POST /replays/batch`: a batch task's own queries over [start, stop), replayed as they come back; nothing stored. */
  createBatch(o: ReplayBatchOptions): Promise<ReplayRecord> {
    return this.reserving(o, (id, clock) => this.fromRange(o, id, clock))
  }

  /** `POST /replays/query`: one query's result into a task (a batch task's first query node, or a stream task's matcher). */
  createQuery(o: ReplayQueryOptions): Promise<ReplayRecord> {
    if (o.query === '') return Promise.reject(new BadRequestError('must provide query'))
    return this.reserving(o, (id, clock) => this.fromQuery(o, id, clock))
  }

  /** Checks what every replay is asked with and holds its id until the replay exists (or failed to start). */
  private async reserving(o: ReplayCommon, make: (id: string, clock: ReplayClock) => Promise<ReplayRecord>): Promise<ReplayRecord> {
    await this.ready
    const { id, clock } = this.checkCommon(o)
    // taken at once, so that two requests with one id cannot both pass the store check
    if (this.live.has(id) || this.reserved.has(id)) throw new BadRequestError(`replay ${id} already exists`)
    this.reserved.add(id)
    try {
      if (await this.store.get(id)) throw new BadRequestError(`replay ${id} already exists`)
      return await make(id, clock)
    } finally {
      this.reserved.delete(id)
    }
  }

  private async fromRecording(o: ReplayRecordingOptions, id: string, clock: ReplayClock): Promise<ReplayRecord> {
    const task = await this.loadTask(o.task)
    let info
    try {
      info = await this.opts.recordings.info(o.recording)
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError(`recording not found: ${err.message}`)
      throw err
    }
    if (task.type !== info.type) throw new BadRequestError(`cannot replay ${info.type} recording ${o.recording} into ${task.type} task ${o.task}`)
    if (info.status === 'running') throw new BadRequestError(`recording ${o.recording} is still running`)
    const iso = await isolate({ tasks: this.opts.tasks, services: this.opts.services, logger: this.opts.logger, clock: this.opts.clock }, o.task, id)
    // a reader that says how many chunks it stored lets a stream replay report progress
    const chunks = info.chunks
    const feed = iso.execution.type === 'stream'
      ? (p: Pacing, progress: Progress): Promise<Fed> => this.feedStream(iso, counted(this.opts.recordings.streamPoints(o.recording), typeof chunks === 'number' ? chunks : 0, progress), p)
      : async (p: Pacing, progress: Progress): Promise<Fed> => this.feedBatches(iso, await collect(this.opts.recordings.batches(o.recording)), p, progress)
    return this.start({ id, task: o.task, recording: o.recording, recordingTime: o.recordingTime ?? false, clock }, iso, feed)
  }

  private async fromRange(o: ReplayBatchOptions, id: string, clock: ReplayClock): Promise<ReplayRecord> {
    const task = await this.loadTask(o.task)
    if (task.type !== 'batch') throw new BadRequestError(`cannot replay batch against stream task: ${o.task}`)
    if (o.stop < o.start) throw new BadRequestError('stop must not be before start')
    const iso = await isolate({ tasks: this.opts.tasks, services: this.opts.services, logger: this.opts.logger, clock: this.opts.clock }, o.task, id)
    const pipeline = iso.execution.pipeline
    const feed = async (p: Pacing, progress: Progress): Promise<Fed> => {
      const batches = await collect(batchesOverRange(pipeline, this.opts.services.influxdb, o.start, o.stop, { clock: this.opts.clock }))
      return this.feedBatches(iso, batches, p, progress)
    }
    return this.start({ id, task: o.task, recording: '', recordingTime: o.recordingTime ?? false, clock }, iso, feed)
  }

  private async fromQuery(o: ReplayQueryOptions, id: string, clock: ReplayClock): Promise<ReplayRecord> {
    const task = await this.loadTask(o.task)
    let statement
    try {
      statement = parseInfluxQL(o.query)
    } catch (err) {
      throw new BadRequestError(err instanceof Error ? err.message : String(err))
    }
    const stream = task.type === 'stream'
    const from = statement.sources.length === 1 ? statement.sources[0]! : undefined
    if (stream && (!from?.database || !from.retentionPolicy)) {
      throw new BadRequestError('could not determine database and retention policy. Is the query fully qualified?')
    }
    const iso = await isolate({ tasks: this.opts.tasks, services: this.opts.services, logger: this.opts.logger, clock: this.opts.clock }, o.task, id)
    const influxdb = this.opts.services.influxdb
    const feed = async (p: Pacing, progress: Progress): Promise<Fed> => {
      const series = await influxdb.client(o.cluster ?? '').query(o.query)
      // without a query stop the batch time is set by the replay (its last point)
      const batches = seriesToBatches(series, { source: 0, stop: 0n, groupedByTime: false }).map(withoutTmax)
      if (!stream) return this.feedBatches(iso, batches, p, progress)
      return this.feedStream(iso, [pointsInTimeOrder(batches, from!.database!, from!.retentionPolicy!)], p)
    }
    return this.start({ id, task: o.task, recording: '', recordingTime: o.recordingTime ?? false, clock }, iso, feed)
  }

  private checkCommon(o: ReplayCommon): { id: string; clock: ReplayClock } {
    if (this.closed) throw new BadRequestError('replays are shutting down')
    const id = o.id !== undefined && o.id !== '' ? o.id : randomUUID()
    if (!ID_PATTERN.test(id)) throw new BadRequestError(`replay ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(id)}`)
    const clock = o.clock === undefined || o.clock === '' ? 'fast' : o.clock
    if (clock !== 'fast' && clock !== 'real') throw new BadRequestError(`invalid clock type ${clock}`)
    return { id, clock }
  }

  private async loadTask(task: string): Promise<TaskRecord> {
    try {
      return await this.opts.tasks.get(task)
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError(`task load: ${err.message}`)
      throw err
    }
  }



  // ---------------------------------------------------------------- running

  private async start(head: Pick<ReplayRecord, 'id' | 'task' | 'recording' | 'recordingTime' | 'clock'>, iso: Isolated, feed: Feed): Promise<ReplayRecord> {
    const startNs = this.opts.clock.nowNs()
    const record: ReplayRecord = { ...head, date: formatRFC3339Nano(startNs), error: '', status: 'running', progress: 0, stats: NO_STATS }
    const r: LiveReplay = { record, httpOut: iso.httpOut, abort: new AbortController(), execution: iso.execution, running: true, done: Promise.resolve() }
    this.live.set(head.id, r)
    try {
      await this.store.put(record)
    } catch (err) {
      this.live.delete(head.id)
      iso.execution.finish()
      await iso.handlers.close()
      throw err
    }
    const pacing: Pacing = {
      recordingTime: head.recordingTime, clock: head.clock, startNs, wall: this.opts.clock,
      sleep: this.opts.sleep ?? ((ms) => sleepUnlessAborted(ms, r.abort.signal)),
      signal: r.abort.signal,
    }
    r.done = this.run(r, iso, feed, pacing).catch((err: unknown) => { this.opts.logger.error({ err, replay: head.id }, 'replay crashed') })
    return record
  }

  private async run(r: LiveReplay, iso: Isolated, feed: Feed, pacing: Pacing): Promise<void> {
    const log = this.opts.logger.child({ replay: r.record.id, task: r.record.task })
    let error = ''
    let status: ReplayRecord['status'] = 'finished'
    let stats: ReplayStats = NO_STATS
    try {
      const fed = await feed(pacing, (fraction) => { r.record = { ...r.record, progress: fraction } })
      // joins and unions emit what they hold while every node still runs; the alert nodes
      // hand what they fired to the replay's handlers; then the task ends
      iso.execution.flush()
      await yieldToLoop()
      iso.execution.finish()
      stats = statsOf(iso.execution)
      const undelivered = await iso.handlers.drain(r.abort.signal, this.opts.handlerStallMs)
      if (r.abort.signal.aborted) throw new ReplayStoppedError()
      if (undelivered > 0) error = `${undelivered} alert event${undelivered === 1 ? '' : 's'} not delivered: the handler made no progress`
      else if (fed.note) error = fed.note
      log.info({ error }, 'replay finished')
    } catch (err) {
      status = 'failed'
      error = err instanceof ReplayStoppedError ? (this.closed ? 'replay stopped: kapacitord shut down' : 'replay stopped') : `running replay: ${err instanceof Error ? err.message : String(err)}`
      iso.execution.finish()
      stats = statsOf(iso.execution)
      log.warn({ error }, 'replay failed')
    } finally {
      await iso.handlers.close()
    }
    r.running = false
    r.execution = undefined
    r.record = { ...r.record, status, error, stats, progress: 1, date: formatRFC3339Nano(this.opts.clock.nowNs()) }
    if (this.live.get(r.record.id) !== r) return
    try {
      await this.store.put(r.record)
    } catch (err) {
      log.error({ err }, 'could not store the replay result')
    }
  }

  private async feedStream(iso: Isolated, source: AsyncIterable<readonly Point[]> | Iterable<readonly Point[]>, p: Pacing): Promise<Fed> {
    const res = await replayStream(toAsync(source), iso.matcher, iso.scheduler, p)
    if (res.points > 0 && iso.matcher.routed === 0) {
      const dbrps = iso.execution.dbrps.map((d) => `${d.db}.${d.rp}`).join(', ')
      return { note: `none of the ${res.points} points replayed matched the task's dbrps (${dbrps}) and measurements` }
    }
    return {}
  }

  private async feedBatches(iso: Isolated, batches: readonly RecordedBatch[], p: Pacing, progress: Progress): Promise<Fed> {
    const steps = planBatches(batches, { recordingTime: p.recordingTime, startNs: p.startNs })
    await replayBatches(steps, iso.execution.batchInputs(), iso.scheduler, {
      ...p, onProgress: (done) => { if (steps.length > 0) progress(done / steps.length) },
    })
    return {}
  }

  // ---------------------------------------------------------------- delete, close

  /** Stops a running replay and forgets it (its httpOut too); 204 for an unknown id, as Kapacitor. */
  async delete(id: string): Promise<void> {
    await this.ready
    const r = this.live.get(id)
    if (r) {
      this.live.delete(id)
      r.abort.abort()
      await r.done
    }
    await this.store.delete(id)
  }

  async close(): Promise<void> {
    this.closed = true
    await this.ready
    for (const r of this.live.values()) r.abort.abort()
    await Promise.all([...this.live.values()].map((r) => r.done))
  }
}

function statsOf(e: TaskExecution): ReplayStats {
  return e.stats() as unknown as ReplayStats
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

async function* toAsync<T>(it: AsyncIterable<T> | Iterable<T>): AsyncIterable<T> {
  yield* it
}

/** Reports the fraction of `total` items read (nothing when the total is unknown). */
async function* counted<T>(it: AsyncIterable<T>, total: number, progress: Progress): AsyncIterable<T> {
  let n = 0
  for await (const x of it) {
    yield x
    if (total > 0) progress(Math.min(++n / total, 0.99))
  }
}

function withoutTmax(b: RecordedBatch): RecordedBatch {
  return { source: b.source, name: b.name, tags: b.tags, points: b.points }
}

/** A query result as stream points of db/rp, across series in time order (series order for equal times), as Kapacitor's runQueryStream. */
function pointsInTimeOrder(batches: readonly RecordedBatch[], db: string, rp: string): Point[] {
  const out: Array<{ p: Point; s: number; i: number }> = []
  batches.forEach((b, s) => b.points.forEach((x, i) => out.push({ p: { db, rp, name: b.name, tags: x.tags, fields: x.fields, time: x.time }, s, i })))
  out.sort((a, b) => (a.p.time < b.p.time ? -1 : a.p.time > b.p.time ? 1 : a.s - b.s || a.i - b.i))
  return out.map((x) => x.p)
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = (): void => {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const t = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
