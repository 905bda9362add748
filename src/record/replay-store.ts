/**
 * Replay metadata in LevelDB (sublevel `replays` of the daemon's store), one JSON value
 * per replay id. Replays that were running when the daemon died are marked failed when
 * the store opens, as Kapacitor does ("unexpected Kapacitor shutdown").
 */
import type { Level } from 'level'
import type { RunStatus } from './types.js'
import type { ReplayClock } from './replay-run.js'

export type ReplayStats = { readonly 'task-stats': Record<string, unknown>; readonly 'node-stats': Record<string, unknown> }

export const NO_STATS: ReplayStats = { 'task-stats': {}, 'node-stats': {} }

export interface ReplayRecord {
  readonly id: string
  readonly task: string
  /** the recording replayed ('' for `/replays/batch` and `/replays/query`) */
  readonly recording: string
  readonly recordingTime: boolean
  readonly clock: ReplayClock
  /** RFC3339Nano: the start, then the end */
  readonly date: string
  readonly error: string
  readonly status: RunStatus
  readonly progress: number
  /** the task's final `{task-stats, node-stats}` */
  readonly stats: ReplayStats
}

export const SHUTDOWN_ERROR = 'unexpected Kapacitor shutdown'

export class ReplayStore {
  private readonly db

  constructor(root: Level<string, string>) {
    this.db = root.sublevel<string, string>('replays', { valueEncoding: 'utf8' })
  }

  async get(id: string): Promise<ReplayRecord | undefined> {
    const v = await this.db.get(id)
    return v === undefined ? undefined : (JSON.parse(v) as ReplayRecord)
  }

  put(r: ReplayRecord): Promise<void> {
    return this.db.put(r.id, JSON.stringify(r))
  }

  delete(id: string): Promise<void> {
    return this.db.del(id)
  }

  /** every replay, by id */
  async list(): Promise<ReplayRecord[]> {
    const out: ReplayRecord[] = []
    for await (const v of this.db.values()) out.push(JSON.parse(v) as ReplayRecord)
    return out
  }

  /** Marks every replay stored as running as failed (none can be running at start). */
  async markInterrupted(): Promise<number> {
    let n = 0
    for (const r of await this.list()) {
      if (r.status !== 'running') continue
      await this.put({ ...r, status: 'failed', error: SHUTDOWN_ERROR })
      n++
    }
    return n
  }
}
