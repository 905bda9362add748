/**
 * The contract between recordings (src/record/recording-service.ts, the recordings API)
 * and what reads them (replays, export). Recorded values are exact: points keep their
 * field types and nanosecond times.
 */
import type { Point, Tags, Fields } from '../model/point.js'

export type RecordingType = 'stream' | 'batch'
export type RunStatus = 'running' | 'finished' | 'failed'

/** Kapacitor's recording object (`GET /kapacitor/v1/recordings/<id>`), without `link`. */
export interface RecordingInfo {
  readonly id: string
  readonly type: RecordingType
  /** bytes stored */
  readonly size: number
  /** RFC3339Nano of the start */
  readonly date: string
  readonly error: string
  readonly status: RunStatus
  /** 0..1 */
  readonly progress: number
  /** chunks stored (not in the API object; lets a replay report its progress) */
  readonly chunks?: number
}

/** One point of a batch in a recording (`.brpl` JSON: `{"fields","tags"?,"time"}`). */
export interface RecordedBatchPoint {
  readonly time: bigint
  readonly tags: Tags
  readonly fields: Fields
}

/**
 * One batch of a batch recording. `source` is the index of the query node that produced it
 * (the `.brpl` zip entry name, Kapacitor's order of query nodes in the task).
 */
export interface RecordedBatch {
  readonly source: number
  readonly name: string
  readonly tags: Tags
  readonly points: readonly RecordedBatchPoint[]
  /** the batch time when known (query stop or grouped-by-time max point time) */
  readonly tmax?: bigint
}

/** What replays and exports read. */
export interface RecordingReader {
  /** rejects with the server's NotFoundError for an unknown id */
  info(id: string): Promise<RecordingInfo>
  /** a stream recording's points, in the order they were recorded (chunks as stored) */
  streamPoints(id: string): AsyncIterable<readonly Point[]>
  /** a batch recording's batches, per source in order */
  batches(id: string): AsyncIterable<RecordedBatch>
}
