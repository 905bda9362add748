/**
 * Topics (Kapacitor's alert service): the last state of every event published to a
 * topic, and the handlers defined on a topic through the API, which get each published
 * event whose `match` is true.
 *
 * `publish` never blocks: it updates the in-memory state at once, hands the event to each
 * matching handler's queue (src/alert/delivery.ts: one Delivery per handler, in order,
 * retried, bounded) and marks the state dirty; dirty states are written to LevelDB in
 * batches, one write at a time, so the store sees them in publish order (the latest
 * state of an event wins). Handler definitions and topic deletions go through the same
 * write chain, so a delete is never overtaken by an earlier event write.
 *
 * Two handler kinds are topics' own: `aggregate` (collects events for `interval`, then
 * publishes one summary event to `topic`) and `publish` (re-publishes each event to
 * `topics`). Every other kind comes from the handler factory.
 */
import { formatGoDuration, parseGoDuration } from '../server/config.js'
import type { Logger } from '../server/logger.js'
import { realScheduler, type Cancel, type Scheduler } from '../pipeline/scheduler.js'
import { TickScriptError } from '../interp/errors.js'
import type { Row } from '../pipeline/result-json.js'
import { Delivery, type DeliveryOptions } from './delivery.js'
import { InhibitorRegistry } from './inhibitors.js'
import { compileMatch, type MatchFn } from './match.js'
import type { HandlerSpec, TopicStore, EventWrite } from './topic-store.js'
import { LEVELS, levelRank, type AlertEvent, type AlertHandler, type AlertLevel, type AlertPublisher, type EventState, type HandlerFactory } from './types.js'

export type { HandlerSpec } from './topic-store.js'

/** What a handler's events go through: a Delivery, or (tests) anything with the same two calls. */
export interface HandlerQueue {
  /** `ready` settles when the event's topic state is durable; the event is not sent before */
  enqueue(event: AlertEvent, ready?: Promise<unknown>): void
  close(): Promise<void>
}

export interface TopicServiceOptions {
  readonly store: TopicStore
  readonly createHandler: HandlerFactory
  readonly logger: Logger
  /** aggregate intervals and delivery retries; the real timers by default */
  readonly scheduler?: Scheduler
  readonly delivery?: Partial<DeliveryOptions>
  /** how a handler is wrapped in a queue; a Delivery by default */
  readonly newQueue?: (handler: AlertHandler, spec: HandlerSpec) => HandlerQueue
}

export interface TopicState {
  readonly id: string
  /** the highest level of its events (OK when none) */
  readonly level: AlertLevel
  /** events published to it since the daemon started */
  readonly collected: number
}

export interface TopicEventState {
  readonly id: string
  readonly state: EventState
}

/** A handler spec the API refused (answered 400). */
export class HandlerSpecError extends Error {
  override readonly name = 'HandlerSpecError'
}

/** Kapacitor's ID rule for handlers. */
const ID_RE = /^[-._\p{L}0-9]+$/u

const DONE: Promise<void> = Promise.resolve()

interface ActiveHandler {
  readonly spec: HandlerSpec
  readonly match: MatchFn
  /** `durable` settles when the event's topic state is in the store */
  receive(event: AlertEvent, durable: Promise<void>): void
  close(): Promise<void>
}

interface Topic {
  readonly id: string
  readonly events: Map<string, EventState>
  collected: number
  readonly handlers: Map<string, ActiveHandler>
}

const SEP = '\u0000'

export class TopicService implements AlertPublisher {
  /** daemon-wide: an alert node of one task inhibits the events of another's */
  readonly inhibitors = new InhibitorRegistry()
  private readonly topicsById = new Map<string, Topic>()
  private readonly store: TopicStore
  private readonly createHandlerOf: HandlerFactory
  private readonly logger: Logger
  private readonly scheduler: Scheduler
  private readonly newQueue: (handler: AlertHandler, spec: HandlerSpec) => HandlerQueue
  private dirty = new Map<string, EventWrite>()
  private flushQueued = false
  /** the flush that will include the writes queued now */
  private pendingFlush: Promise<void> = DONE
  private flushGen = 0
  private writes: Promise<void> = Promise.resolve()
  /** topics of the publish calls in progress (a publish handler re-publishing into its own chain is refused) */
  private readonly publishing = new Set<string>()
  /** handler keys (`topic\0id`) being written: a second define of the same id meanwhile is refused */
  private readonly reserved = new Set<string>()
  private closed = false

  private constructor(opts: TopicServiceOptions) {
    this.store = opts.store
    this.createHandlerOf = opts.createHandler
    this.logger = opts.logger
    this.scheduler = opts.scheduler ?? realScheduler
    this.newQueue = opts.newQueue ?? ((handler, spec) =>
      new Delivery(handler, this.logger.child({ topic: spec.topic, handler: spec.id }), opts.delivery, this.scheduler))
  }

  /** Loads the stored event states and re-creates the stored handlers (one that fails is logged and left out). */
  static async open(opts: TopicServiceOptions): Promise<TopicService> {
    const s = new TopicService(opts)
    for (const e of await opts.store.listEvents()) s.topicOf(e.topic).events.set(e.id, e.state)
    for (const spec of await opts.store.listHandlers()) {
      try {
        s.topicOf(spec.topic).handlers.set(spec.id, s.build(spec))
      } catch (err) {
        s.logger.error({ err, topic: spec.topic, handler: spec.id }, 'failed to load topic handler')
      }
    }
    return s
  }

  // --- AlertPublisher -------------------------------------------------------------

  publish(event: AlertEvent): Promise<void> {
    if (this.closed) return DONE
    if (this.publishing.has(event.topic)) {
      this.logger.warn({ topic: event.topic, event: event.id }, 'publish loop: event not re-published to a topic it came through')
      return DONE
    }
    const topic = this.topicOf(event.topic)
    const prev = topic.events.get(event.id)
    const changed = (prev?.level ?? 'OK') !== event.level
    const state: EventState = { level: event.level, message: event.message, details: event.details, time: event.time, duration: event.duration }
    topic.events.set(event.id, state)
    topic.collected++
    const durable = this.persist({ topic: topic.id, id: event.id, state })
    if (topic.handlers.size === 0) return durable
    this.publishing.add(topic.id)
    try {
      for (const h of topic.handlers.values()) {
        let ok: boolean
        try {
          ok = h.match(event, changed)
        } catch (err) {
          this.logger.error({ err, topic: topic.id, handler: h.spec.id, event: event.id }, 'failed to evaluate match expression')
          continue
        }
        if (ok) h.receive(event, durable)
      }
    } finally {
      this.publishing.delete(topic.id)
    }
    return durable
  }

  lastState(topic: string, id: string): EventState | undefined {
    return this.topicsById.get(topic)?.events.get(id)
  }

  // --- reading --------------------------------------------------------------------

  /** Topics whose id matches `match` and whose level is at least `minLevel`, in id order. */
  topics(match: (id: string) => boolean = () => true, minLevel: AlertLevel = 'OK'): TopicState[] {
    const min = levelRank(minLevel)
    const out: TopicState[] = []
    for (const t of this.topicsById.values()) {
      if (!match(t.id)) continue
      const s = stateOf(t)
      if (levelRank(s.level) >= min) out.push(s)
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  topic(id: string): TopicState | undefined {
    const t = this.topicsById.get(id)
    return t && stateOf(t)
  }

  /** The topic's events at `minLevel` or above, highest level first, then by id; undefined for an unknown topic. */
  events(topic: string, minLevel: AlertLevel = 'OK'): TopicEventState[] | undefined {
    const t = this.topicsById.get(topic)
    if (!t) return undefined
    const min = levelRank(minLevel)
    const out: TopicEventState[] = []
    for (const [id, state] of t.events) if (levelRank(state.level) >= min) out.push({ id, state })
    return out.sort((a, b) => levelRank(b.state.level) - levelRank(a.state.level) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  handlers(topic: string, match: (id: string) => boolean = () => true): HandlerSpec[] {
    const t = this.topicsById.get(topic)
    if (!t) return []
    return [...t.handlers.values()].map((h) => h.spec).filter((s) => match(s.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  handler(topic: string, id: string): HandlerSpec | undefined {
    return this.topicsById.get(topic)?.handlers.get(id)?.spec
  }

  // --- changing -------------------------------------------------------------------

  /** Deletes the topic: its event states and its handlers (closed). */
  async deleteTopic(topic: string): Promise<void> {
    const t = this.topicsById.get(topic)
    this.topicsById.delete(topic)
    for (const k of [...this.dirty.keys()]) if (k.startsWith(topic + SEP)) this.dirty.delete(k)
    // a flush queued before the delete would write events published after this call
    // ahead of the delete: it is superseded by one queued after the delete
    this.flushGen++
    this.flushQueued = false
    const deleted = this.write(() => this.store.deleteTopic(topic))
    if (this.dirty.size > 0) this.scheduleFlush()
    if (t) await Promise.all([...t.handlers.values()].map((h) => h.close()))
    await deleted
  }

  /** Defines a handler on `topic` (created if new); throws HandlerSpecError for a bad spec or an id in use. */
  async createHandler(topic: string, input: HandlerInput): Promise<HandlerSpec> {
    const spec = normalize(topic, input)
    const key = topic + SEP + spec.id
    if (this.topicsById.get(topic)?.handlers.has(spec.id) || this.reserved.has(key)) {
      throw new HandlerSpecError(`cannot register handler, handler with ID ${JSON.stringify(spec.id)} already exists`)
    }
    const active = this.buildChecked(spec)
    this.reserved.add(key)
    try {
      await this.write(() => this.store.putHandler(spec))
    } catch (err) {
      await active.close()
      throw err
    } finally {
      this.reserved.delete(key)
    }
    this.topicOf(topic).handlers.set(spec.id, active)
    return spec
  }

  /** Replaces handler `id` (PUT, or PATCH after applying the patch); the new spec may rename it. undefined: no such handler. */
  async replaceHandler(topic: string, id: string, input: HandlerInput): Promise<HandlerSpec | undefined> {
    const t = this.topicsById.get(topic)
    const old = t?.handlers.get(id)
    if (!t || !old) return undefined
    const spec = normalize(topic, input)
    if (spec.id !== id && (t.handlers.has(spec.id) || this.reserved.has(topic + SEP + spec.id))) throw new HandlerSpecError(`cannot rename handler ${JSON.stringify(id)}: handler with ID ${JSON.stringify(spec.id)} already exists`)
    const active = this.buildChecked(spec)
    try {
      await this.write(async () => {
        await this.store.putHandler(spec)
        if (spec.id !== id) await this.store.deleteHandler(topic, id)
      })
    } catch (err) {
      await active.close()
      throw err
    }
    t.handlers.delete(id)
    t.handlers.set(spec.id, active)
    await old.close()
    return spec
  }

  /**
   * Deletes handler `id`; false when none was running. The stored spec is deleted either
   * way (a handler that failed to load at start is not running but can be deleted).
   */
  async deleteHandler(topic: string, id: string): Promise<boolean> {
    const t = this.topicsById.get(topic)
    const h = t?.handlers.get(id)
    t?.handlers.delete(id)
    await this.write(() => this.store.deleteHandler(topic, id))
    if (!h) return false
    await h.close()
    return true
  }

  /** Resolves when every state published so far is in the store. */
  async flushed(): Promise<void> {
    await this.write(async () => {})
  }

  /** Closes every handler (their deliveries abort what is in flight) and waits for the pending writes. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const all: ActiveHandler[] = []
    for (const t of this.topicsById.values()) all.push(...t.handlers.values())
    await Promise.all(all.map((h) => h.close()))
    await this.flushed()
  }

  // --- internals ------------------------------------------------------------------

  private topicOf(id: string): Topic {
    let t = this.topicsById.get(id)
    if (!t) {
      t = { id, events: new Map(), collected: 0, handlers: new Map() }
      this.topicsById.set(id, t)
    }
    return t
  }

  /** Queues the write; the promise settles when the flush that includes it is done (failures are logged). */
  private persist(w: EventWrite): Promise<void> {
    this.dirty.set(w.topic + SEP + w.id, w)
    if (!this.flushQueued) this.scheduleFlush()
    return this.pendingFlush
  }

  private scheduleFlush(): void {
    this.flushQueued = true
    const gen = this.flushGen
    this.pendingFlush = this.write(async () => {
      if (gen !== this.flushGen) return // superseded: a topic delete queued a flush of its own after it
      this.flushQueued = false
      const batch = [...this.dirty.values()]
      this.dirty = new Map()
      await this.store.writeEvents(batch)
    }).catch(() => {}) // logged by write()
  }

  /** Runs `fn` after every write queued before it; a failure is logged and does not stop later writes. */
  private write(fn: () => Promise<void>): Promise<void> {
    const p = this.writes.then(fn)
    this.writes = p.catch((err: unknown) => { this.logger.error({ err }, 'topic store write failed') })
    return p
  }

  private buildChecked(spec: HandlerSpec): ActiveHandler {
    try {
      return this.build(spec)
    } catch (err) {
      if (err instanceof HandlerSpecError) throw err
      if (err instanceof TickScriptError) throw new HandlerSpecError(`invalid match expression: ${err.message}`)
      throw new HandlerSpecError(err instanceof Error ? err.message : String(err))
    }
  }

  private build(spec: HandlerSpec): ActiveHandler {
    const match = compileMatch(spec.match)
    switch (spec.kind) {
      case 'publish': return this.publishHandler(spec, match)
      case 'aggregate': return this.aggregateHandler(spec, match)
      default: {
        const queue = this.newQueue(this.createHandlerOf(spec.kind, spec.options), spec)
        return { spec, match, receive: (e, durable) => queue.enqueue(e, durable), close: () => queue.close() }
      }
    }
  }

  private publishHandler(spec: HandlerSpec, match: MatchFn): ActiveHandler {
    const topics = spec.options['topics']
    if (!Array.isArray(topics) || !topics.every((t): t is string => typeof t === 'string')) {
      throw new HandlerSpecError('publish handler: option "topics" must be a list of topic names')
    }
    return {
      spec, match,
      receive: (e) => { for (const t of topics) void this.publish({ ...e, topic: t }) },
      close: async () => {},
    }
  }

  private aggregateHandler(spec: HandlerSpec, match: MatchFn): ActiveHandler {
    const o = spec.options
    const intervalNs = durationOption(o['interval'])
    if (intervalNs === undefined || intervalNs <= 0n) throw new HandlerSpecError('aggregate handler: option "interval" must be a positive duration')
    const target = o['topic']
    if (typeof target !== 'string' || target === '') throw new HandlerSpecError('aggregate handler: option "topic" is required')
    const messageOpt = o['message'] ?? 'Received {{ .Count }} events in the last {{.Interval}}.'
    if (typeof messageOpt !== 'string') throw new HandlerSpecError('aggregate handler: option "message" must be a string')
    const message = aggregateMessage(messageOpt)
    const id = typeof o['id'] === 'string' && o['id'] !== '' ? o['id'] : spec.id
    let buffered: AlertEvent[] = []
    const interval = formatGoDuration(intervalNs)
    const cancel: Cancel = this.scheduler.every(Math.max(1, Number(intervalNs / 1_000_000n)), () => {
      if (buffered.length === 0) return
      const events = buffered
      buffered = []
      let level: AlertLevel = 'OK'
      let time = 0n
      let duration = 0n
      const data: Row[] = []
      for (const e of events) {
        if (levelRank(e.level) > levelRank(level)) level = e.level
        if (e.time > time) time = e.time
        if (e.duration > duration) duration = e.duration
        data.push(...e.data)
      }
      void this.publish({
        topic: target, id, level, time, duration, data,
        message: message(events.length, interval),
        details: events.map((e) => e.message).join('\n'),
        previousLevel: this.lastState(target, id)?.level ?? 'OK',
        recoverable: true, taskName: '', tags: {},
      })
    })
    return {
      spec, match,
      receive: (e) => { buffered.push(e) },
      close: async () => { cancel(); buffered = [] },
    }
  }
}

/** A handler as the API sends it: `{id, kind, options, match}`. */
export interface HandlerInput {
  readonly id?: unknown
  readonly kind?: unknown
  readonly options?: unknown
  readonly match?: unknown
}

function normalize(topic: string, input: HandlerInput): HandlerSpec {
  const { id, kind, options, match } = input
  if (typeof id !== 'string' || id === '') throw new HandlerSpecError('handler spec must have an ID')
  if (!ID_RE.test(id)) throw new HandlerSpecError(`handler ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(id)}`)
  if (typeof kind !== 'string' || kind === '') throw new HandlerSpecError('handler spec must have a kind')
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) throw new HandlerSpecError('handler options must be an object')
  if (match !== undefined && match !== null && typeof match !== 'string') throw new HandlerSpecError('handler match must be a string')
  return { id, topic, kind, options: (options ?? {}) as Record<string, unknown>, match: match ?? '' }
}

function stateOf(t: Topic): TopicState {
  let level = 0
  for (const s of t.events.values()) level = Math.max(level, levelRank(s.level))
  return { id: t.id, level: LEVELS[level]!, collected: t.collected }
}

/** `"5m"` (Go duration) or a number of ns. */
function durationOption(v: unknown): bigint | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v)
  if (typeof v === 'string') return parseGoDuration(v) ?? undefined
  return undefined
}

/**
 * The aggregate message template: Kapacitor's is a Go text/template over `{Count,
 * Interval}`; `{{.Count}}` and `{{.Interval}}` are what it offers, so those two actions
 * are substituted and any other action is refused.
 */
function aggregateMessage(template: string): (count: number, interval: string) => string {
  const parts = template.split(/(\{\{-?\s*[^}]*?\s*-?\}\})/)
  const actions = parts.map((p, i) => {
    if (i % 2 === 0) return null
    const m = /^\{\{-?\s*\.(Count|Interval)\s*-?\}\}$/.exec(p)
    if (!m) throw new HandlerSpecError(`aggregate handler: message template: unsupported action ${p} (use {{.Count}} and {{.Interval}})`)
    return m[1] as 'Count' | 'Interval'
  })
  return (count, interval) => parts.map((p, i) => (actions[i] === 'Count' ? String(count) : actions[i] === 'Interval' ? interval : p)).join('')
}
