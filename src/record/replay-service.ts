/**
 * Replays: a recording (or a live query) into an isolated execution of a task.
 * STUB (contract only): the replays helper replaces this file.
 */
import type { Clock } from '../model/clock.js'
import type { HttpOutRegistry } from '../pipeline/http-out-registry.js'
import type { TaskServices } from '../pipeline/services.js'
import type { TaskExecution } from '../pipeline/task-execution.js'
import type { Logger } from '../server/logger.js'
import type { TaskService } from '../server/task-service.js'
import type { RecordingReader } from './types.js'

export interface ReplayServiceOptions {
  readonly db: import('level').Level<string, string>
  readonly tasks: TaskService
  readonly recordings: RecordingReader
  /** the daemon's services; a replay copies them with its own httpOut and alert topics */
  readonly services: TaskServices
  readonly logger: Logger
  readonly clock: Clock
}

export class ReplayService {
  constructor(private readonly opts: ReplayServiceOptions) {}

  httpOut(_replayId: string): HttpOutRegistry | undefined {
    return undefined
  }

  execution(_replayId: string, _task: string): TaskExecution | undefined {
    return undefined
  }

  async close(): Promise<void> {
    void this.opts
  }
}
