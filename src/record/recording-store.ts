/**
 * Recordings as stored in the daemon's LevelDB: the recording objects (sublevel
 * `recordings/meta`, JSON, key = id) and their data (sublevel `recordings/data`, one
 * value per stored chunk, key `<id>!<source, 4 hex>:<sequence, 12 hex>` so that one
 * recording's chunks sort by source then by the order they were written; ids cannot
 * contain `!`).
 *
 * A stream chunk is the points of one `/write` (or of one slice of a query result or an
 * import) in the binary form of point-codec.ts (exact, and cheap enough for the `/write`
 * path: bench/recording-overhead.ts). A batch chunk is one batch as its `.brpl` JSON line.
 *
 * Every write of data goes through `commit`: group commit, one LevelDB batch at a time,
 * in call order. Writes that arrive while a batch is being written join the next one,
 * so the batches land in LevelDB in the order their points were accepted and a
 * recording's size is updated in the same atomic batch as its data. The batches are not
 * `sync`: a kill -9 of the process loses nothing LevelDB has been handed (the OS has
 * the write-ahead log), a power loss may lose the last writes.
 */
import type { Level } from 'level'
import type { Point } from '../model/point.js'
import { encodeBatchLine, parseBatchEntry } from './brpl.js'
import { decodePoints, encodePoints, encodePointsTransient } from './point-codec.js'
import type { RecordedBatch, RecordingType, RunStatus } from './types.js'

/** What a recording records (the API's kinds of recordings). */
export type RecordingKind = 'stream' | 'query' | 'batch' | 'import'

/** A recording object as stored. ns values as decimal strings so they stay exact. */
export interface RecordingRecord {
  readonly id: string
  readonly type: RecordingType
  readonly kind: RecordingKind
  readonly size: number
  /** RFC3339Nano, when the recording started */
  readonly date: string
  readonly error: string
  readonly status: RunStatus
  readonly progress: number
  /** stream recordings: the task whose dbrps and measurements filter ('' = every point) */
  readonly task?: string
  /** stream recordings with a stop time: wall-clock start and stop, ns */
  readonly startNs?: string
  readonly stopNs?: string
  /** chunks stored */
  readonly chunks: number
}

export interface ChunkPut {
  readonly id: string
  readonly source: number
  readonly seq: number
  readonly value: Buffer
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0')
const dataKey = (id: string, source: number, seq: number): string => `${id}!${hex(source, 4)}:${hex(seq, 12)}`
const dataRange = (id: string): { gt: string; lt: string } => ({ gt: `${id}!`, lt: `${id}"` })

// ---------------------------------------------------------------------------------
// Chunk encodings

export function encodeStreamChunk(points: readonly Point[]): Buffer {
  return encodePoints(points)
}

/** As encodeStreamChunk, in a buffer that the next call overwrites: commit it at once (the `/write` path). */
export function encodeStreamChunkTransient(points: readonly Point[]): Buffer {
  return encodePointsTransient(points)
}

export function decodeStreamChunk(value: Uint8Array): Point[] {
  return decodePoints(value)
}

export function encodeBatchChunk(b: RecordedBatch): Buffer {
  return Buffer.from(encodeBatchLine(b))
}

export function decodeBatchChunk(value: Uint8Array, source: number): RecordedBatch {
  const [b] = parseBatchEntry(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'), source)
  // batches without points are never stored
  if (!b) throw new Error('corrupt recording chunk: a batch without points')
  return b
}

// ---------------------------------------------------------------------------------

interface Group {
  /** the group's LevelDB batch: chunks are added (copied by LevelDB) as they are committed */
  readonly batch: ReturnType<Level<string, string>['batch']>
  readonly metas: Map<string, () => RecordingRecord>
  done?: Promise<void>
}

export class RecordingStore {
  private readonly meta
  private readonly data
  private tail: Promise<void> = Promise.resolve()
  private open: Group | null = null

  constructor(private readonly db: Level<string, string>) {
    this.meta = db.sublevel<string, RecordingRecord>(['recordings', 'meta'], { valueEncoding: 'json' })
    this.data = db.sublevel<string, Buffer>(['recordings', 'data'], { valueEncoding: 'buffer' })
  }

  async get(id: string): Promise<RecordingRecord | undefined> {
    return this.meta.get(id)
  }

  async list(): Promise<RecordingRecord[]> {
    const out: RecordingRecord[] = []
    for await (const v of this.meta.values()) out.push(v)
    return out
  }

  /**
   * Writes chunks and the recording objects they change in one LevelDB batch, after
   * every earlier commit. The chunk bytes are copied before this returns (the caller may
   * reuse its buffer); `metas` are read when the batch is cut (so they include every
   * chunk of that batch and nothing later).
   */
  commit(ops: readonly ChunkPut[], metas: ReadonlyArray<readonly [string, () => RecordingRecord]>): Promise<void> {
    let g = this.open
    if (g === null) {
      const group: Group = { batch: this.db.batch(), metas: new Map() }
      this.open = group
      group.done = this.tail.catch(() => {}).then(() => {
        if (this.open === group) this.open = null
        return this.write(group)
      })
      this.tail = group.done
      g = group
    }
    // LevelDB copies the bytes into its batch here: a value may be reused once this returns
    for (const op of ops) g.batch.put(dataKey(op.id, op.source, op.seq), op.value, { sublevel: this.data })
    for (const [id, m] of metas) g.metas.set(id, m)
    return g.done!
  }

  private async write(g: Group): Promise<void> {
    // one atomic batch over both sublevels: the chunks, then the records they change
    for (const m of g.metas.values()) {
      const rec = m()
      g.batch.put(rec.id, rec, { sublevel: this.meta })
    }
    if (g.batch.length > 0) await g.batch.write()
    else await g.batch.close()
  }

  /** Waits for every commit made so far. */
  async flushed(): Promise<void> {
    await this.tail.catch(() => {})
  }

  /** Removes the recording object and every chunk. */
  async delete(id: string): Promise<void> {
    await this.flushed()
    await this.data.clear(dataRange(id))
    await this.meta.del(id)
  }

  /** The chunks of a recording in key order (per source, then as written). */
  async *chunks(id: string): AsyncIterable<{ source: number; value: Buffer }> {
    for await (const [k, v] of this.data.iterator(dataRange(id))) {
      const at = k.lastIndexOf('!')
      yield { source: parseInt(k.slice(at + 1, at + 5), 16), value: v }
    }
  }
}
