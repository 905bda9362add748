/**
 * Recordings: live stream recordings (open-ended and per task with a stop time), query
 * recordings, batch recordings, stored in LevelDB; import/export of Kapacitor's files.
 * STUB (contract only): the recordings helper replaces this file.
 */
import type { Level } from 'level'
import type { Clock } from '../model/clock.js'
import type { Point } from '../model/point.js'
import type { InfluxDBService } from '../query/influxdb.js'
import { NotFoundError } from '../server/errors.js'
import type { Logger } from '../server/logger.js'
import type { TaskService } from '../server/task-service.js'
import type { RecordedBatch, RecordingInfo, RecordingReader } from './types.js'

export interface RecordingServiceOptions {
  readonly db: Level<string, string>
  readonly logger: Logger
  readonly clock: Clock
  readonly influxdb: InfluxDBService
  readonly tasks: TaskService
  readonly defaultRetentionPolicy: string
}

export class RecordingService implements RecordingReader {
  private constructor(private readonly opts: RecordingServiceOptions) {}

  static async open(opts: RecordingServiceOptions): Promise<RecordingService> {
    return new RecordingService(opts)
  }

  /** Every accepted point (chained into the daemon's sink); a promise while a recording must make them durable first. */
  write(_points: readonly Point[]): void | Promise<void> {}

  async info(id: string): Promise<RecordingInfo> {
    throw new NotFoundError(`no recording with id ${id}`)
  }

  // eslint-disable-next-line require-yield
  async *streamPoints(id: string): AsyncIterable<readonly Point[]> {
    throw new NotFoundError(`no recording with id ${id}`)
  }

  // eslint-disable-next-line require-yield
  async *batches(id: string): AsyncIterable<RecordedBatch> {
    throw new NotFoundError(`no recording with id ${id}`)
  }

  async close(): Promise<void> {
    void this.opts
  }
}
