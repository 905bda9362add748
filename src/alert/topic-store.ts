/**
 * Topics as stored in the daemon's LevelDB, sublevel `topics`: the last state of each
 * event (`events`, key `<topic>\0<event id>`) and the topic handlers defined through the
 * API (`handlers`, key `<topic>\0<handler id>`). JSON values; ns as decimal strings so
 * they stay exact.
 */
import type { Level } from 'level'
import type { AlertLevel, EventState, HandlerOptions } from './types.js'

/** A topic handler as the API defines it (Kapacitor's HandlerSpec). */
export interface HandlerSpec {
  readonly id: string
  readonly topic: string
  readonly kind: string
  readonly options: HandlerOptions
  /** a lambda expression over the event; '' matches every event */
  readonly match: string
}

interface StoredState {
  readonly level: AlertLevel
  readonly message: string
  readonly details: string
  readonly time: string
  readonly duration: string
}

export interface StoredEvent {
  readonly topic: string
  readonly id: string
  readonly state: EventState
}

/** One write of a batch: an event's new state, or (null) its removal. */
export interface EventWrite {
  readonly topic: string
  readonly id: string
  readonly state: EventState | null
}

const SEP = '\u0000'
const key = (topic: string, id: string): string => topic + SEP + id
/** the key range of one topic */
const range = (topic: string): { gte: string; lt: string } => ({ gte: topic + SEP, lt: topic + '\u0001' })

export class TopicStore {
  private readonly events
  private readonly handlers

  constructor(db: Level<string, string>) {
    const topics = db.sublevel<string, string>('topics', { valueEncoding: 'utf8' })
    this.events = topics.sublevel<string, StoredState>('events', { valueEncoding: 'json' })
    this.handlers = topics.sublevel<string, HandlerSpec>('handlers', { valueEncoding: 'json' })
  }

  async listEvents(): Promise<StoredEvent[]> {
    const out: StoredEvent[] = []
    for await (const [k, v] of this.events.iterator()) {
      const at = k.indexOf(SEP)
      out.push({
        topic: k.slice(0, at),
        id: k.slice(at + 1),
        state: { level: v.level, message: v.message, details: v.details, time: BigInt(v.time), duration: BigInt(v.duration) },
      })
    }
    return out
  }

  /** Applies event writes in one LevelDB batch (atomic, in order). */
  async writeEvents(writes: readonly EventWrite[]): Promise<void> {
    if (writes.length === 0) return
    const ops = writes.map((w) => w.state === null
      ? { type: 'del' as const, key: key(w.topic, w.id) }
      : {
          type: 'put' as const,
          key: key(w.topic, w.id),
          value: { level: w.state.level, message: w.state.message, details: w.state.details, time: w.state.time.toString(), duration: w.state.duration.toString() },
        })
    await this.events.batch(ops)
  }

  async listHandlers(): Promise<HandlerSpec[]> {
    return this.handlers.values().all()
  }

  async putHandler(spec: HandlerSpec): Promise<void> {
    await this.handlers.put(key(spec.topic, spec.id), spec)
  }

  async deleteHandler(topic: string, id: string): Promise<void> {
    await this.handlers.del(key(topic, id))
  }

  /** Removes the topic's event states and handlers. */
  async deleteTopic(topic: string): Promise<void> {
    await this.events.clear(range(topic))
    await this.handlers.clear(range(topic))
  }
}
