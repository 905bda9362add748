/**
 * Routing of written points to running stream tasks (reference §10.7): an index
 * (db, rp) → measurement → task inputs, plus the inputs of `from()`s without a
 * measurement, which see every point of their (db, rp). A point costs one map lookup
 * for its (db, rp) — reused across a body, which has one — one for its measurement, and
 * then only the inputs that can match it; each input's own where-lambda runs in its
 * `from` runtime. db and rp match exactly (an empty rp was already replaced by the
 * default retention policy at ingest).
 */
import type { Point } from '../model/point.js'
import type { PointSink } from '../ingest/sink.js'
import type { StreamInput } from '../pipeline/task-execution.js'

interface DbrpEntry {
  readonly byName: Map<string, StreamInput[]>
  readonly any: StreamInput[]
}

export class Matcher implements PointSink {
  private readonly index = new Map<string, DbrpEntry>()
  private readonly byTask = new Map<string, readonly StreamInput[]>()
  /** points routed to at least one input / to none */
  routed = 0
  unrouted = 0

  /** Registers a task's inputs (replacing any it had). */
  add(task: string, inputs: readonly StreamInput[]): void {
    this.remove(task)
    this.byTask.set(task, inputs)
    for (const i of inputs) {
      const key = dbrpKey(i.db, i.rp)
      let e = this.index.get(key)
      if (e === undefined) {
        e = { byName: new Map(), any: [] }
        this.index.set(key, e)
      }
      if (i.measurement === '') e.any.push(i)
      else {
        const list = e.byName.get(i.measurement)
        if (list) list.push(i)
        else e.byName.set(i.measurement, [i])
      }
    }
  }

  remove(task: string): void {
    const inputs = this.byTask.get(task)
    if (!inputs) return
    this.byTask.delete(task)
    for (const i of inputs) {
      const key = dbrpKey(i.db, i.rp)
      const e = this.index.get(key)
      if (!e) continue
      if (i.measurement === '') removeFrom(e.any, i)
      else {
        const list = e.byName.get(i.measurement)
        if (list) {
          removeFrom(list, i)
          if (list.length === 0) e.byName.delete(i.measurement)
        }
      }
      if (e.any.length === 0 && e.byName.size === 0) this.index.delete(key)
    }
  }

  get taskCount(): number {
    return this.byTask.size
  }

  write(points: readonly Point[]): void {
    let db: string | undefined
    let rp: string | undefined
    let entry: DbrpEntry | undefined
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!
      if (p.db !== db || p.rp !== rp) {
        db = p.db
        rp = p.rp
        entry = this.index.get(dbrpKey(db, rp))
      }
      if (entry === undefined) {
        this.unrouted++
        continue
      }
      const named = entry.byName.get(p.name)
      const any = entry.any
      if (named === undefined && any.length === 0) {
        this.unrouted++
        continue
      }
      this.routed++
      if (named !== undefined) for (let j = 0; j < named.length; j++) named[j]!.deliver(p)
      for (let j = 0; j < any.length; j++) any[j]!.deliver(p)
    }
  }
}

function dbrpKey(db: string, rp: string): string {
  return `${db}\u0000${rp}`
}

function removeFrom<T>(list: T[], x: T): void {
  const i = list.indexOf(x)
  if (i >= 0) list.splice(i, 1)
}
