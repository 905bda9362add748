/**
 * The contract of the alerting pieces (src/alert): levels, the event an alert node fires,
 * Kapacitor's event JSON that handlers send, and the handler interface that delivery
 * (src/alert/delivery.ts) drives. A handler makes ONE attempt per call and throws on
 * failure; retries, timeouts, ordering and the bounded queue are delivery's job, written
 * once.
 */
import { formatRFC3339Nano } from '../model/rfc3339.js'
import { rowJSON, type Row } from '../pipeline/result-json.js'
import { InhibitorRegistry } from './inhibitors.js'

export type AlertLevel = 'OK' | 'INFO' | 'WARNING' | 'CRITICAL'

export const LEVELS: readonly AlertLevel[] = ['OK', 'INFO', 'WARNING', 'CRITICAL']

export function levelRank(l: AlertLevel): number {
  return LEVELS.indexOf(l)
}

export interface AlertEvent {
  /** the topic it is published to (an alert node without `.topic()` has the anonymous `main:<task>:<node>`) */
  readonly topic: string
  readonly id: string
  readonly message: string
  readonly details: string
  /** ns */
  readonly time: bigint
  /** ns since the first non-OK event of the episode */
  readonly duration: bigint
  readonly level: AlertLevel
  readonly previousLevel: AlertLevel
  readonly recoverable: boolean
  /** the data that triggered it: Kapacitor's `data.series` (one row) */
  readonly data: readonly Row[]
  readonly taskName: string
  /** the alert node's group tags (handlers like alerta/sensu read tags) */
  readonly tags: Readonly<Record<string, string>>
  readonly category?: string
  /**
   * What handler templates see as `.Name`, `.Group` and `.Fields` (Kapacitor's
   * EventData): the measurement, the group id (`nil` for the nil group) and the fields of
   * the point that fired (for a batch, its highest-level point). Set by alert nodes;
   * absent on events a topic makes itself (aggregate).
   */
  readonly name?: string
  readonly group?: string
  readonly fields?: Readonly<Record<string, unknown>>
}

/**
 * Kapacitor's alert.Data JSON, posted by post/tcp/exec/log handlers:
 * `{"id","message","details","time","duration","level","data":{"series":[…]},"previousLevel","recoverable"}`.
 */
export function eventJSON(e: AlertEvent): string {
  const series = e.data.length === 0 ? 'null' : `[${e.data.map(rowJSON).join(',')}]`
  return goEscape(`{"id":${JSON.stringify(e.id)},"message":${JSON.stringify(e.message)},"details":${JSON.stringify(e.details)},` +
    `"time":${JSON.stringify(formatRFC3339Nano(e.time))},"duration":${e.duration.toString()},"level":${JSON.stringify(e.level)},` +
    `"data":{"series":${series}},"previousLevel":${JSON.stringify(e.previousLevel)},"recoverable":${e.recoverable ? 'true' : 'false'}}`)
}

const GO_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' }

/**
 * Go's encoding/json escapes <, >, & and U+2028/2029 inside strings; doing the same keeps the
 * bytes a receiver gets identical to Kapacitor's (those characters only occur inside strings
 * in this JSON).
 */
function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!)
}

/** One delivery target. `handle` makes one attempt; it must honour `signal` (delivery aborts it on timeout or close). */
export interface AlertHandler {
  readonly kind: string
  handle(event: AlertEvent, signal: AbortSignal): Promise<void>
  /** releases connections/processes (task stop, handler deleted) */
  close?(): Promise<void> | void
}

/**
 * Options of a handler as Kapacitor's topic-handler API spells them (`{"url": …,
 * "headers": {…}}` — snake_case keys of the handler's config/options); a TICKscript
 * handler call (`.post('u').header('k','v')`) is converted into the same shape, so each
 * handler is built one way.
 */
export type HandlerOptions = Readonly<Record<string, unknown>>

/** What the topic store remembers of an event (restored when a group is first seen after a restart). */
export interface EventState {
  readonly level: AlertLevel
  readonly message: string
  readonly details: string
  /** ns */
  readonly time: bigint
  readonly duration: bigint
}

/**
 * Where alert nodes send fired events: the topic's state is updated (and persisted) and
 * the topic's handlers (API-defined) get the event. The alert node's own TICKscript
 * handlers are delivered by the node itself (through src/alert/delivery.ts).
 */
export interface AlertPublisher {
  /**
   * Records the event in its topic and hands it to the topic's handlers; resolves when the
   * new state is durable. Handlers deliver an event only after that, so an alert that was
   * sent is never sent again after a crash (kill -9) and a restart.
   */
  publish(event: AlertEvent): Promise<void>
  /** the last state of `id` in `topic`, if any (after a restart: what was last sent) */
  lastState(topic: string, id: string): EventState | undefined
  /**
   * The daemon-wide inhibitors (`.inhibit()` / `.category()`), shared by every task that
   * publishes here; without one, nothing is inhibited.
   */
  readonly inhibitors?: InhibitorRegistry
}

/** Builds a handler from its kind (`post`, `smtp`, `slack`…) and options; throws a clear error for a bad or disabled one. */
export type HandlerFactory = (kind: string, options: HandlerOptions) => AlertHandler

const DONE: Promise<void> = Promise.resolve()

/** An in-memory publisher: topic state without persistence and without topic handlers (tests, replays). */
export class MemoryAlertPublisher implements AlertPublisher {
  readonly events: AlertEvent[] = []
  readonly inhibitors = new InhibitorRegistry()
  private readonly states = new Map<string, EventState>()
  publish(e: AlertEvent): Promise<void> {
    this.events.push(e)
    this.states.set(`${e.topic}\u0000${e.id}`, { level: e.level, message: e.message, details: e.details, time: e.time, duration: e.duration })
    return DONE
  }
  lastState(topic: string, id: string): EventState | undefined {
    return this.states.get(`${topic}\u0000${id}`)
  }
}
