/**
 * The daemon's one embedded store: LevelDB at `<data_dir>/kapacitor.db`, opened once at
 * start. Tasks, templates, topics and recording metadata live in sublevels of it
 * (`store.db.sublevel('tasks', { valueEncoding: 'json' })`).
 *
 * LevelDB takes an exclusive lock on its directory; a second kapacitord on the same data
 * directory gets `DataDirInUseError`, which makes the daemon exit at once with a
 * message that says so.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { Level } from 'level'

export class DataDirInUseError extends Error {
  readonly dataDir: string
  constructor(dataDir: string, options?: { cause?: unknown }) {
    super(`data directory ${dataDir} is in use by another kapacitord (LevelDB lock held on ${join(dataDir, STORE_NAME)})`, options)
    this.name = 'DataDirInUseError'
    this.dataDir = dataDir
  }
}

export const STORE_NAME = 'kapacitor.db'

export interface Store {
  readonly db: Level<string, string>
  /** The LevelDB directory. */
  readonly path: string
  /** Kapacitor's `cluster_id` and `server_id`: random UUIDs made on first start, kept in the store. */
  readonly clusterId: string
  readonly serverId: string
  close(): Promise<void>
}

export async function openStore(dataDir: string): Promise<Store> {
  await mkdir(dataDir, { recursive: true })
  const path = join(dataDir, STORE_NAME)
  const db = new Level<string, string>(path, { valueEncoding: 'utf8' })
  try {
    await db.open()
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause
    if (cause?.code === 'LEVEL_LOCKED') throw new DataDirInUseError(dataDir, { cause: err })
    throw err
  }
  const meta = db.sublevel<string, string>('meta', { valueEncoding: 'utf8' })
  const id = async (key: string): Promise<string> => {
    const existing = await meta.get(key)
    if (existing !== undefined) return existing
    const fresh = randomUUID()
    await meta.put(key, fresh)
    return fresh
  }
  const clusterId = await id('cluster_id')
  const serverId = await id('server_id')
  let closed = false
  return {
    db, path, clusterId, serverId,
    async close() {
      if (closed) return
      closed = true
      await db.close()
    },
  }
}
