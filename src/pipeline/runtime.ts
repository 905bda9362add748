/**
 * What a node runtime is and what it gets from the executor. A runtime receives one
 * message at a time (`receive(msg, parent)`; `parent` is the index of the parent edge,
 * for join/union) and sends downstream only through `ctx.emit`. It never catches its own
 * per-point errors: it throws, and the executor counts the error on the node, logs it
 * with task/node/group and goes on with the next message (STYLE: catch at the node
 * boundary). Per-group state lives only in `ctx.groups(…)` maps, which the executor
 * counts (`working_cardinality`) and clears on delete-group messages.
 */
import type { Clock } from '../model/clock.js'
import type { Group } from '../model/group.js'
import type { Point } from '../model/point.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { Logger } from '../server/logger.js'
import { assertNever, type BarrierMessage, type BatchMessage, type DeleteGroupMessage, type Message, type PointMessage } from './messages.js'
import type { TaskServices } from './services.js'

export interface NodeRuntime {
  receive(msg: Message, parent: number): void
  /** The task is stopping: flush what Kapacitor flushes at stop (join, union), stop timers. */
  stop?(): void
  /** Emits what is held for later (join, union) as at the end of the task; stop() does it too. Idempotent. */
  flush?(): void
}

/** A node fed by the matcher (`from`): takes the written points themselves. */
export interface StreamSourceRuntime extends NodeRuntime {
  acceptPoint(p: Point): void
}

/** A counter shown in the node's stats and DOT (`fields_defaulted`, `points_written`…). */
export interface Counter {
  add(n?: number): void
  readonly value: number
}

export interface ErrorDetail {
  readonly group?: Group
  readonly field?: string
}

export interface NodeContext {
  /** the task id */
  readonly task: string
  /** the task's dbrps (kapacitorLoopback's loop detection) */
  readonly dbrps: ReadonlyArray<{ readonly db: string; readonly rp: string }>
  readonly node: PipelineNode
  /** child logger bound to {task, node} */
  readonly logger: Logger
  /** the wall clock: only barrier, stats and handler timeouts may read it (stream time is data time) */
  readonly clock: Clock
  readonly services: TaskServices
  /** Sends a message to every child. */
  emit(msg: Message): void
  /** Counts an error on this node and logs it (unless `.quiet()`); for errors a runtime handles itself (one bad point in a batch). */
  error(err: unknown, detail?: ErrorDetail): void
  /** A per-group state map counted in `working_cardinality` and cleared on delete-group. */
  groups<S>(create: (group: Group) => S): GroupStates<S>
  /** A node-specific stat. */
  counter(name: string): Counter
  /** Runs `fn` every `ms` wall-clock milliseconds until the task stops (errors counted like a message's). */
  every(ms: number, fn: () => void): void
  /** Runs `fn` once after `ms` until the task stops; returns a cancel function. */
  after(ms: number, fn: () => void): () => void
  /** Stats of another node of the same task (the `stats` node watches one). */
  nodeStats(name: string): NodeStatsView | undefined
}

export interface NodeStatsView {
  readonly collected: number
  readonly emitted: number
  /** messages emitted per group id (for `stats`: Kapacitor's per-group emitted count) */
  emittedByGroup(): ReadonlyMap<string, { group: Group; emitted: number }>
}

/** Lazily created per-group state (one instance per group id). */
export class GroupStates<S> {
  private readonly map = new Map<string, S>()
  constructor(private readonly create: (group: Group) => S) {}

  get(group: Group): S {
    let s = this.map.get(group.id)
    if (s === undefined) {
      s = this.create(group)
      this.map.set(group.id, s)
    }
    return s
  }

  /** Replaces (or creates) a group's state, for states that need the group's first message. */
  set(group: Group, state: S): void {
    this.map.set(group.id, state)
  }

  peek(group: Group): S | undefined {
    return this.map.get(group.id)
  }

  delete(group: Group): boolean {
    return this.map.delete(group.id)
  }

  get size(): number {
    return this.map.size
  }

  entries(): IterableIterator<[string, S]> {
    return this.map.entries()
  }

  values(): IterableIterator<S> {
    return this.map.values()
  }
}

/**
 * The usual shape of a runtime: one method per message kind, exhaustively dispatched.
 * Defaults: barriers and delete-group pass through (the executor has already cleared
 * this node's group states); a message kind a node cannot take is an error.
 */
export abstract class BaseRuntime implements NodeRuntime {
  constructor(protected readonly ctx: NodeContext) {}

  receive(msg: Message, parent: number): void {
    switch (msg.kind) {
      case 'point': return this.point(msg, parent)
      case 'batch': return this.batch(msg, parent)
      case 'barrier': return this.barrier(msg, parent)
      case 'deleteGroup': return this.deleteGroup(msg, parent)
      default: return assertNever(msg)
    }
  }

  protected point(_msg: PointMessage, _parent: number): void {
    throw new Error(`${this.ctx.node.name} does not accept points`)
  }

  protected batch(_msg: BatchMessage, _parent: number): void {
    throw new Error(`${this.ctx.node.name} does not accept batches`)
  }

  protected barrier(msg: BarrierMessage, _parent: number): void {
    this.ctx.emit(msg)
  }

  protected deleteGroup(msg: DeleteGroupMessage, _parent: number): void {
    this.ctx.emit(msg)
  }
}
