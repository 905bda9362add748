/**
 * Recordings: live stream recordings (the design's open-ended one of every point, and
 * Kapacitor's per task with a stop time), query recordings, batch recordings, imports of
 * Kapacitor's files; stored in LevelDB (recording-store.ts) and read back exactly by
 * replays and exports.
 *
 * Live recordings see every point the daemon accepts (`write`, chained into its sink).
 * With none running `write` returns undefined and costs one length check. While one
 * runs, the points it takes are appended in order and the returned promise resolves once
 * LevelDB has them: `/write` answers 204 only after that, so whatever was acknowledged is
 * in the recording even after a kill -9 (a recording left `running` by a crash is marked
 * failed, `interrupted: …`, at the next start, with its data).
 */
import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import type { Level } from 'level'
import type { Clock } from '../model/clock.js'
import type { Point } from '../model/point.js'
import { formatRFC3339Nano } from '../model/rfc3339.js'
import { parsePrecision } from '../model/time.js'
import { newTaskServices } from '../pipeline/services.js'
import { realScheduler, type Cancel, type Scheduler } from '../pipeline/scheduler.js'
import { createInfluxDBClient } from '../query/influxdb-client.js'
import { defaultClusterConfig } from '../query/influxdb-config.js'
import { batchesOverRange } from '../query/batch-range.js'
import { seriesToBatches } from '../query/result-batches.js'
import type { InfluxDBClient, InfluxDBService, QuerySeries } from '../query/influxdb.js'
import { BadRequestError, NotFoundError } from '../server/errors.js'
import type { Logger } from '../server/logger.js'
import type { TaskService } from '../server/task-service.js'
import { buildBrpl, encodeBatchLine, parseBrpl } from './brpl.js'
import { querySource } from './query-source.js'
import {
  RecordingStore, decodeBatchChunk, decodeStreamChunk, encodeBatchChunk, encodeStreamChunk, encodeStreamChunkTransient,
  type ChunkPut, type RecordingKind, type RecordingRecord,
} from './recording-store.js'
import { RecordingFormatError, parseSrpl, srplRecords } from './srpl.js'
import type { RecordedBatch, RecordingInfo, RecordingReader, RecordingType } from './types.js'

export interface RecordingServiceOptions {
  readonly db: Level<string, string>
  readonly logger: Logger
  readonly clock: Clock
  readonly influxdb: InfluxDBService
  readonly tasks: TaskService
  readonly defaultRetentionPolicy: string
  /** the wall-clock timer that ends a stream recording at its stop time (default: real timers) */
  readonly scheduler?: Scheduler
  /** a client for a query recording's `host` (default: an HTTP client for that URL) */
  readonly clientForHost?: (url: string) => InfluxDBClient
}

/** The error of a recording that was running when kapacitord stopped (or was killed). */
export const INTERRUPTED = 'interrupted: kapacitord stopped while recording'

const ID_PATTERN = /^[-._\p{L}0-9]+$/u
/** points per stored chunk of a query recording or an import */
const CHUNK_POINTS = 1000
/** chunks per LevelDB batch when storing a query result or an import */
const CHUNKS_PER_COMMIT = 64
/** setTimeout's longest delay */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface StreamRecordingRequest {
  readonly id?: string
  /** the task whose dbrps and measurements filter what is recorded; '' / absent = every point */
  readonly task?: string
  /** data time (ns): a point later than this ends the recording; so does the wall clock reaching it */
  readonly stop?: bigint
}

export interface QueryRecordingRequest {
  readonly id?: string
  readonly query: string
  readonly type: RecordingType
  readonly cluster?: string
  /** an InfluxDB URL to query instead of a configured cluster */
  readonly host?: string
  /** db/rp of the points of a stream recording when the query's FROM does not name them */
  readonly db?: string
  readonly rp?: string
}

export interface BatchRecordingRequest {
  readonly id?: string
  readonly task: string
  readonly start: bigint
  /** default: now */
  readonly stop?: bigint
}

export interface ImportRequest {
  readonly id?: string
  readonly type: RecordingType
  /** of a stream file's timestamps: n (default), u, ms, s, m, h */
  readonly precision?: string
  readonly data: Uint8Array
}

export interface RecordingFile {
  readonly filename: string
  readonly contentType: string
  readonly body: Readable | Buffer
}

/** A live stream recording. */
interface Live {
  rec: RecordingRecord
  seq: number
  /** which points it takes; null = all */
  readonly accepts: ((p: Point) => boolean) | null
  readonly stopNs: bigint | null
  cancelTimer: Cancel | null
}

function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new BadRequestError(`recording ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(id)}`)
}

export class RecordingService implements RecordingReader {
  private readonly store: RecordingStore
  private readonly scheduler: Scheduler
  /** live stream recordings, in start order */
  private live: Live[] = []
  /** query, batch and import jobs in progress (their records as last written) */
  private readonly jobs = new Map<string, { rec: RecordingRecord; cancelled: boolean }>()
  /** ids being created */
  private readonly reserved = new Set<string>()
  private closed = false

  private constructor(private readonly opts: RecordingServiceOptions) {
    this.store = new RecordingStore(opts.db)
    this.scheduler = opts.scheduler ?? realScheduler
  }

  static async open(opts: RecordingServiceOptions): Promise<RecordingService> {
    const s = new RecordingService(opts)
    await s.markInterrupted()
    return s
  }

  /** Recordings left `running` by a crash: failed, with their data. */
  private async markInterrupted(): Promise<void> {
    for (const rec of await this.store.list()) {
      if (rec.status !== 'running') continue
      const failed: RecordingRecord = { ...rec, status: 'failed', error: INTERRUPTED }
      await this.store.commit([], [[rec.id, () => failed]])
      this.opts.logger.warn({ recording: rec.id }, 'recording was interrupted by a stop of kapacitord')
    }
  }

  // -------------------------------------------------------------------------------
  // Live stream recordings

  /** Every accepted point (the daemon's sink); a promise while a recording must make them durable first. */
  write(points: readonly Point[]): void | Promise<void> {
    if (this.live.length === 0) return undefined
    return this.record(points)
  }

  private record(points: readonly Point[]): Promise<void> | undefined {
    let done: Promise<void> | undefined
    // the encoding of all of `points`, while the shared buffer still holds it
    let everything: Buffer | undefined
    for (const l of [...this.live]) {
      let taken: readonly Point[] = points
      let ended = false
      if (l.accepts !== null || l.stopNs !== null) {
        const some: Point[] = []
        for (const p of points) {
          // Kapacitor: a point later than the stop time ends the recording; it and the rest are dropped
          if (l.stopNs !== null && p.time > l.stopNs) { ended = true; break }
          if (l.accepts === null || l.accepts(p)) some.push(p)
        }
        taken = some.length === points.length ? points : some
      }
      const metas: [string, () => RecordingRecord][] = []
      const ops: ChunkPut[] = []
      if (taken.length > 0) {
        let value: Buffer
        if (taken === points) value = everything ??= encodeStreamChunkTransient(points)
        else {
          value = encodeStreamChunkTransient(taken)
          everything = undefined
        }
        ops.push({ id: l.rec.id, source: 0, seq: l.seq++, value })
        l.rec = { ...l.rec, size: l.rec.size + value.length, chunks: l.rec.chunks + 1 }
        metas.push([l.rec.id, () => this.snapshot(l)])
      }
      if (ended) {
        this.endLive(l)
        metas.push([l.rec.id, () => l.rec])
      }
      // committed at once: LevelDB copies the shared buffer before the next encoding
      if (ops.length > 0 || metas.length > 0) done = this.store.commit(ops, metas)
    }
    return done
  }

  /** The record of a live recording with its progress now. */
  private snapshot(l: Live): RecordingRecord {
    if (l.rec.status !== 'running' || l.stopNs === null || l.rec.startNs === undefined) return l.rec
    const start = BigInt(l.rec.startNs)
    const span = l.stopNs - start
    const done = this.opts.clock.nowNs() - start
    const progress = span <= 0n ? 1 : Math.min(1, Math.max(0, Number(done) / Number(span)))
    return { ...l.rec, progress }
  }

  /** Takes a live recording out of the write path, finished (or failed with `error`). */
  private endLive(l: Live, error = ''): void {
    this.live = this.live.filter((x) => x !== l)
    l.cancelTimer?.()
    l.cancelTimer = null
    l.rec = { ...l.rec, status: error === '' ? 'finished' : 'failed', error, progress: error === '' ? 1 : this.snapshot(l).progress }
  }

  private async finishLive(l: Live, error = ''): Promise<void> {
    this.endLive(l, error)
    await this.store.commit([], [[l.rec.id, () => l.rec]])
  }

  /** A new running recording, stored; the id is held from the check on, so two requests cannot both take it. */
  private async newRecord(id: string | undefined, type: RecordingType, kind: RecordingKind, extra: Partial<RecordingRecord> = {}): Promise<RecordingRecord> {
    const rid = id !== undefined && id !== '' ? id : randomUUID()
    checkId(rid)
    const taken = (): BadRequestError => new BadRequestError(`recording ${rid} already exists`)
    if (this.reserved.has(rid) || this.liveOf(rid) || this.jobs.has(rid)) throw taken()
    this.reserved.add(rid)
    try {
      if (await this.store.get(rid)) throw taken()
      const rec: RecordingRecord = {
        id: rid, type, kind, size: 0, date: formatRFC3339Nano(this.opts.clock.nowNs()), error: '', status: 'running', progress: 0, chunks: 0,
        ...extra,
      }
      await this.store.commit([], [[rid, () => rec]])
      return rec
    } finally {
      this.reserved.delete(rid)
    }
  }

  private liveOf(id: string): Live | undefined {
    return this.live.find((l) => l.rec.id === id)
  }

  /** Whether a point is one the task would receive: its stream inputs (dbrps × from() measurements, "" = any). */
  private async taskFilter(task: string): Promise<(p: Point) => boolean> {
    const execution = await this.opts.tasks.isolatedExecution(task, { services: newTaskServices(), clock: this.opts.clock })
    let inputs
    try {
      if (execution.type !== 'stream') throw new BadRequestError(`task ${task} is a batch task: record it with a batch recording`)
      inputs = execution.inputs()
    } finally {
      execution.stop()
    }
    const keys = new Set(inputs.map((i) => `${i.db}\u0000${i.rp}\u0000${i.measurement}`))
    return (p) => keys.has(`${p.db}\u0000${p.rp}\u0000`) || keys.has(`${p.db}\u0000${p.rp}\u0000${p.name}`)
  }

  /**
   * Starts a live stream recording: of every point (no task) or of what the task would
   * receive; until `stop` (data time past it, or the wall clock reaching it) or until
   * `stopStream`.
   */
  async startStream(req: StreamRecordingRequest): Promise<RecordingInfo> {
    this.checkOpen()
    const accepts = req.task !== undefined && req.task !== '' ? await this.taskFilter(req.task) : null
    const now = this.opts.clock.nowNs()
    const rec = await this.newRecord(req.id, 'stream', 'stream', {
      ...(req.task ? { task: req.task } : {}),
      ...(req.stop !== undefined ? { startNs: now.toString(), stopNs: req.stop.toString() } : {}),
    })
    const l: Live = { rec, seq: 0, accepts, stopNs: req.stop ?? null, cancelTimer: null }
    this.live.push(l)
    if (req.stop !== undefined) l.cancelTimer = this.afterNs(req.stop - now, () => { if (this.live.includes(l)) void this.finishLive(l).catch((err) => this.logFailure(rec.id, err)) })
    this.opts.logger.info({ recording: rec.id, task: req.task ?? '', stop: req.stop !== undefined ? formatRFC3339Nano(req.stop) : '' }, 'stream recording started')
    return this.infoOf(l.rec)
  }

  /** A timer for a delay in ns, longer than setTimeout allows if need be. */
  private afterNs(ns: bigint, fn: () => void): Cancel {
    const ms = ns <= 0n ? 0 : Number((ns + 999_999n) / 1_000_000n)
    let cancel: Cancel
    const arm = (left: number): void => {
      if (left > MAX_TIMER_MS) cancel = this.scheduler.after(MAX_TIMER_MS, () => arm(left - MAX_TIMER_MS))
      else cancel = this.scheduler.after(left, fn)
    }
    arm(ms)
    return () => cancel()
  }

  /** Ends a running stream recording (`POST /recordings/<id>/stop`). */
  async stopStream(id: string): Promise<RecordingInfo> {
    const l = this.liveOf(id)
    if (l) {
      await this.finishLive(l)
      this.opts.logger.info({ recording: id, size: l.rec.size }, 'stream recording stopped')
      return this.infoOf(l.rec)
    }
    if (this.jobs.has(id)) throw new BadRequestError(`recording ${id} is not a live stream recording; it stops by itself`)
    return this.info(id)
  }

  // -------------------------------------------------------------------------------
  // Query, batch and import recordings (jobs)

  /** Runs `work` in the background as a running recording; finished or failed at its end. */
  private runJob(rec: RecordingRecord, work: (put: (source: number, values: Buffer[]) => Promise<void>, isCancelled: () => boolean) => Promise<void>): void {
    const job = { rec, cancelled: false }
    this.jobs.set(rec.id, job)
    let seq = 0
    const put = async (source: number, values: Buffer[]): Promise<void> => {
      for (let i = 0; i < values.length; i += CHUNKS_PER_COMMIT) {
        if (job.cancelled || this.closed) return
        const ops = values.slice(i, i + CHUNKS_PER_COMMIT).map((value) => ({ id: rec.id, source, seq: seq++, value }))
        const bytes = ops.reduce((n, o) => n + o.value.length, 0)
        job.rec = { ...job.rec, size: job.rec.size + bytes, chunks: job.rec.chunks + ops.length }
        await this.store.commit(ops, [[rec.id, () => job.rec]])
      }
    }
    void (async () => {
      let error = ''
      try {
        await work(put, () => job.cancelled || this.closed)
      } catch (err) {
        error = err instanceof Error ? err.message : String(err)
        this.opts.logger.error({ recording: rec.id, err: error }, 'recording failed')
      }
      if (job.cancelled) return
      if (this.closed) error ||= INTERRUPTED
      job.rec = { ...job.rec, status: error === '' ? 'finished' : 'failed', error, progress: 1 }
      try {
        await this.store.commit([], [[rec.id, () => job.rec]])
      } catch (err) {
        this.logFailure(rec.id, err)
      } finally {
        this.jobs.delete(rec.id)
      }
    })()
  }

  private clientFor(cluster: string | undefined, host: string | undefined): InfluxDBClient {
    try {
      if (host !== undefined && host !== '') {
        if (this.opts.clientForHost) return this.opts.clientForHost(host)
        let url: URL
        try { url = new URL(host) } catch { throw new BadRequestError(`invalid host ${JSON.stringify(host)}: it must be a URL such as http://localhost:8086`) }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadRequestError(`invalid host ${JSON.stringify(host)}: the scheme must be http or https`)
        return createInfluxDBClient(defaultClusterConfig({ name: 'host', urls: [host] }), this.opts.logger)
      }
      return this.opts.influxdb.client(cluster ?? '')
    } catch (err) {
      if (err instanceof BadRequestError) throw err
      throw new BadRequestError(err instanceof Error ? err.message : String(err))
    }
  }

  /** `POST /recordings/query`: the result of one query, as points (stream) or as batches of source 0 (batch). */
  async startQuery(req: QueryRecordingRequest): Promise<RecordingInfo> {
    this.checkOpen()
    if (req.query.trim() === '') throw new BadRequestError('must provide query')
    if (req.type !== 'stream' && req.type !== 'batch') throw new BadRequestError(`invalid type ${JSON.stringify(req.type)}: must be stream or batch`)
    const src = querySource(req.query)
    const db = src?.db || req.db || ''
    const rp = src?.rp || req.rp || this.opts.defaultRetentionPolicy
    if (req.type === 'stream' && db === '') throw new BadRequestError('could not determine database and retention policy. Is the query fully qualified?')
    const client = this.clientFor(req.cluster, req.host)
    const rec = await this.newRecord(req.id, req.type, 'query')
    this.runJob(rec, async (put) => {
      const series = await client.query(req.query, { ...(req.db ? { db: req.db } : {}), ...(req.rp ? { rp: req.rp } : {}) })
      if (req.type === 'stream') {
        const points = pointsOfSeries(series, db, rp)
        const values: Buffer[] = []
        for (let i = 0; i < points.length; i += CHUNK_POINTS) values.push(encodeStreamChunk(points.slice(i, i + CHUNK_POINTS)))
        await put(0, values)
      } else {
        await put(0, batchesOfSeries(series).map(encodeBatchChunk))
      }
    })
    return this.infoOf(rec)
  }

  /** `POST /recordings/batch`: a batch task's queries over [start, stop). */
  async startBatch(req: BatchRecordingRequest): Promise<RecordingInfo> {
    this.checkOpen()
    const t = await this.opts.tasks.get(req.task)
    if (t.type !== 'batch') throw new BadRequestError(`task ${req.task} is a stream task: record it with a stream recording`)
    const stop = req.stop ?? this.opts.clock.nowNs()
    if (stop <= req.start) throw new BadRequestError('stop must be after start')
    const execution = await this.opts.tasks.isolatedExecution(req.task, { services: newTaskServices(), clock: this.opts.clock, queries: 'external' })
    const pipeline = execution.pipeline
    execution.stop()
    const rec = await this.newRecord(req.id, 'batch', 'batch')
    this.runJob(rec, async (put, cancelled) => {
      let pending: RecordedBatch[] = []
      const flush = async (): Promise<void> => {
        // one put per source, in arrival order within it (keys sort by source anyway)
        const bySource = new Map<number, Buffer[]>()
        for (const b of pending) {
          const list = bySource.get(b.source) ?? []
          list.push(encodeBatchChunk(b))
          bySource.set(b.source, list)
        }
        pending = []
        for (const [source, values] of bySource) await put(source, values)
      }
      // each query node's queries, on its schedule, over the range; every node's own cluster
      for await (const b of batchesOverRange(pipeline, this.opts.influxdb, req.start, stop, { clock: this.opts.clock })) {
        if (cancelled()) return
        if (b.points.length === 0) continue
        pending.push(b)
        if (pending.length >= CHUNKS_PER_COMMIT) await flush()
      }
      await flush()
    })
    return this.infoOf(rec)
  }

  /**
   * `POST /recordings/import`: a Kapacitor recording file, stored before the answer
   * (status finished). Stream: `.srpl` gzip or plain; batch: `.brpl` zip or plain JSON.
   */
  async importFile(req: ImportRequest): Promise<RecordingInfo> {
    this.checkOpen()
    if (req.type !== 'stream' && req.type !== 'batch') throw new BadRequestError(`invalid type ${JSON.stringify(req.type)}: must be stream or batch`)
    const precision = parsePrecision(req.precision ?? 'n')
    let values: { source: number; value: Buffer }[]
    try {
      if (req.type === 'stream') {
        const points = parseSrpl(req.data, { precision, now: this.opts.clock.nowNs() })
        values = []
        for (let i = 0; i < points.length; i += CHUNK_POINTS) values.push({ source: 0, value: encodeStreamChunk(points.slice(i, i + CHUNK_POINTS)) })
      } else {
        values = parseBrpl(req.data).map((b) => ({ source: b.source, value: encodeBatchChunk(b) }))
      }
    } catch (err) {
      if (err instanceof RecordingFormatError) throw new BadRequestError(`invalid ${req.type === 'stream' ? '.srpl' : '.brpl'} file: ${err.message}`)
      throw err
    }
    let rec = await this.newRecord(req.id, req.type, 'import')
    const seqs = new Map<number, number>()
    for (let i = 0; i < values.length; i += CHUNKS_PER_COMMIT) {
      const ops = values.slice(i, i + CHUNKS_PER_COMMIT).map(({ source, value }) => {
        const seq = seqs.get(source) ?? 0
        seqs.set(source, seq + 1)
        return { id: rec.id, source, seq, value }
      })
      rec = { ...rec, size: rec.size + ops.reduce((n, o) => n + o.value.length, 0), chunks: rec.chunks + ops.length }
      const snapshot = rec
      await this.store.commit(ops, [[rec.id, () => snapshot]])
    }
    rec = { ...rec, status: 'finished', progress: 1 }
    const done = rec
    await this.store.commit([], [[rec.id, () => done]])
    this.opts.logger.info({ recording: rec.id, type: rec.type, size: rec.size }, 'recording imported')
    return this.infoOf(rec)
  }

  // -------------------------------------------------------------------------------
  // Reading

  private infoOf(rec: RecordingRecord): RecordingInfo {
    return { id: rec.id, type: rec.type, size: rec.size, date: rec.date, error: rec.error, status: rec.status, progress: rec.progress, chunks: rec.chunks }
  }

  private async record0(id: string): Promise<RecordingRecord> {
    const l = this.liveOf(id)
    if (l) return this.snapshot(l)
    const job = this.jobs.get(id)
    if (job) return job.rec
    // a recording that just ended: its last record may still be on its way to LevelDB
    await this.store.flushed()
    const rec = await this.store.get(id)
    if (!rec) throw new NotFoundError(`no recording with id ${id}`)
    return rec
  }

  async info(id: string): Promise<RecordingInfo> {
    return this.infoOf(await this.record0(id))
  }

  /** Every recording, by id. */
  async list(): Promise<RecordingInfo[]> {
    const out: RecordingInfo[] = []
    for (const rec of await this.store.list()) out.push(await this.info(rec.id).catch(() => this.infoOf(rec)))
    return out
  }

  async *streamPoints(id: string): AsyncIterable<readonly Point[]> {
    const rec = await this.record0(id)
    if (rec.type !== 'stream') throw new BadRequestError(`recording ${id} is a batch recording; a stream task cannot replay it`)
    await this.store.flushed()
    for await (const c of this.store.chunks(id)) yield decodeStreamChunk(c.value)
  }

  async *batches(id: string): AsyncIterable<RecordedBatch> {
    const rec = await this.record0(id)
    if (rec.type !== 'batch') throw new BadRequestError(`recording ${id} is a stream recording; a batch task cannot replay it`)
    await this.store.flushed()
    for await (const c of this.store.chunks(id)) yield decodeBatchChunk(c.value, c.source)
  }

  /**
   * Kapacitor's file of a recording: `<id>.srpl` (gzip of db / rp / line-protocol
   * records, ns times) for a stream recording, `<id>.brpl` (zip, one JSON-lines entry per
   * source) for a batch recording.
   */
  async exportFile(id: string): Promise<RecordingFile> {
    const rec = await this.record0(id)
    if (rec.type === 'stream') {
      const chunks = this.streamPoints(id)
      const records = Readable.from((async function* () {
        for await (const points of chunks) yield Buffer.from(srplRecords(points))
      })())
      const gzip = createGzip()
      records.on('error', (err) => gzip.destroy(err))
      return { filename: `${id}.srpl`, contentType: 'application/gzip', body: records.pipe(gzip) }
    }
    const bySource = new Map<number, string>()
    for await (const b of this.batches(id)) bySource.set(b.source, (bySource.get(b.source) ?? '') + encodeBatchLine(b))
    return { filename: `${id}.brpl`, contentType: 'application/zip', body: Buffer.from(buildBrpl(bySource)) }
  }

  /** Removes a recording (stopping it first when it runs); no error for an unknown one (Kapacitor answers 204). */
  async delete(id: string): Promise<void> {
    const l = this.liveOf(id)
    if (l) this.endLive(l)
    const job = this.jobs.get(id)
    if (job) {
      job.cancelled = true
      this.jobs.delete(id)
    }
    await this.store.delete(id)
  }

  private checkOpen(): void {
    if (this.closed) throw new BadRequestError('kapacitord is stopping')
  }

  private logFailure(id: string, err: unknown): void {
    this.opts.logger.error({ recording: id, err: err instanceof Error ? err.message : String(err) }, 'failed to save recording')
  }

  /** Live recordings and jobs still running end as failed (`interrupted: …`); waits for the last writes. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const l of [...this.live]) await this.finishLive(l, INTERRUPTED).catch((err) => this.logFailure(l.rec.id, err))
    for (const [id, job] of this.jobs) {
      job.rec = { ...job.rec, status: 'failed', error: INTERRUPTED }
      const rec = job.rec
      await this.store.commit([], [[id, () => rec]]).catch((err) => this.logFailure(id, err))
    }
    await this.store.flushed()
  }
}

/** A query result's rows as points of db/rp, merged by time across series (ties in series order), as Kapacitor's record query. */
export function pointsOfSeries(series: readonly QuerySeries[], db: string, rp: string): Point[] {
  const out: Point[] = []
  for (const b of batchesOfSeries(series)) {
    for (const p of b.points) out.push({ db, rp, name: b.name, tags: p.tags, fields: p.fields, time: p.time })
  }
  // stable: equal times keep series order, each series is in time order already
  return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
}

/** A query result as batches of source 0 with points, each one's time (tmax) its last point's, as Kapacitor's ResultToBufferedBatches. */
export function batchesOfSeries(series: readonly QuerySeries[]): RecordedBatch[] {
  return seriesToBatches(series, { source: 0, stop: 0n, groupedByTime: true }).filter((b) => b.points.length > 0)
}
