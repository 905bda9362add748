/**
 * One node of a running task: its runtime, its stats and its outgoing edges. `deliver`
 * is the node boundary: it counts the message, times the runtime's own work (children's
 * time excluded) and turns a thrown error into a counted, logged node error, so a bad
 * point never stops the task.
 */
import { performance } from 'node:perf_hooks'
import type { Group } from '../model/group.js'
import type { Logger } from '../server/logger.js'
import type { Message } from './messages.js'
import type { Point } from '../model/point.js'
import type { Counter, ErrorDetail, GroupStates, NodeRuntime, NodeStatsView, StreamSourceRuntime } from './runtime.js'

/**
 * Exec time is sampled: one propagation in SAMPLE_MASK + 1 (a point from the matcher and
 * everything it causes downstream, synchronously) is timed at every node it reaches, the
 * others are not timed at all — reading the clock twice per delivery costs about as much
 * as the delivery itself. Within a timed propagation each node's own time excludes its
 * children's (nestedMs), as Kapacitor's avg_exec_time_ns does.
 */
const SAMPLE_MASK = 63
let sampleTick = 0
let timing = false
/** nesting of deliveries on the stack: 0 = a delivery that starts a propagation */
let depth = 0
/** Wall time spent in timed deliveries nested inside the one being timed. */
let nestedMs = 0

/** Errors logged per node before logging falls back to one line per second. */
const LOG_BURST = 10

class SimpleCounter implements Counter {
  value = 0
  add(n = 1): void { this.value += n }
}

export class NodeCell implements NodeStatsView {
  runtime!: NodeRuntime
  collected = 0
  emitted = 0
  errors = 0
  private execMs = 0
  private execCount = 0
  readonly children: Array<{ cell: NodeCell; parentIndex: number; processed: number }> = []
  readonly groupStates: Array<GroupStates<unknown>> = []
  readonly counters = new Map<string, SimpleCounter>()
  /** per-group emitted counts, kept only when a `stats` node watches this node */
  trackGroups = false
  private readonly byGroup = new Map<string, { group: Group; emitted: number }>()
  private logged = 0
  private lastLogMs = 0
  private suppressed = 0

  constructor(readonly name: string, readonly logger: Logger, readonly quiet: boolean) {}

  deliver(msg: Message, parent: number): void {
    this.collected++
    if (msg.kind === 'deleteGroup') for (const g of this.groupStates) g.delete(msg.group)
    if (depth === 0) timing = (++sampleTick & SAMPLE_MASK) === 0
    this.run(msg, parent, undefined)
  }

  /** A point from the matcher into a stream source (`from`): always the start of a propagation. */
  deliverPoint(p: Point): void {
    this.collected++
    timing = (++sampleTick & SAMPLE_MASK) === 0
    this.run(undefined, 0, p)
    timing = false
  }

  /** Runs the runtime on a message (or a matcher point) at the node boundary, timed when sampling. */
  private run(msg: Message | undefined, parent: number, p: Point | undefined): void {
    const timed = timing
    const outer = nestedMs
    let t0 = 0
    if (timed) {
      nestedMs = 0
      t0 = performance.now()
    }
    depth++
    try {
      if (msg !== undefined) this.runtime.receive(msg, parent)
      else (this.runtime as StreamSourceRuntime).acceptPoint(p!)
    } catch (err) {
      this.error(err, msg !== undefined ? { group: msg.group } : {})
    }
    depth--
    if (timed) this.timed(t0, outer)
  }

  private timed(t0: number, outer: number): void {
    const total = performance.now() - t0
    this.execMs += total - nestedMs
    this.execCount++
    nestedMs = outer + total
  }

  emit(msg: Message): void {
    this.emitted++
    if (this.trackGroups && msg.kind !== 'barrier' && msg.kind !== 'deleteGroup') {
      const e = this.byGroup.get(msg.group.id)
      if (e) e.emitted++
      else this.byGroup.set(msg.group.id, { group: msg.group, emitted: 1 })
    }
    const cs = this.children
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!
      c.processed++
      c.cell.deliver(msg, c.parentIndex)
    }
  }

  error(err: unknown, detail: ErrorDetail = {}): void {
    this.errors++
    if (this.quiet) return
    const now = performance.now()
    if (this.logged >= LOG_BURST && now - this.lastLogMs < 1000) {
      this.suppressed++
      return
    }
    this.logged++
    this.lastLogMs = now
    const message = err instanceof Error ? err.message : String(err)
    this.logger.error({
      err: message,
      ...(detail.group ? { group: detail.group.id === '' ? 'nil' : detail.group.id } : {}),
      ...(detail.field ? { field: detail.field } : {}),
      ...(this.suppressed > 0 ? { suppressed: this.suppressed } : {}),
    }, 'node error')
    this.suppressed = 0
  }

  counter(name: string): Counter {
    let c = this.counters.get(name)
    if (!c) {
      c = new SimpleCounter()
      this.counters.set(name, c)
    }
    return c
  }

  cardinality(): number {
    let n = 0
    for (const g of this.groupStates) n += g.size
    return n
  }

  avgExecTimeNs(): number {
    return this.execCount === 0 ? 0 : Math.round((this.execMs * 1e6) / this.execCount)
  }

  emittedByGroup(): ReadonlyMap<string, { group: Group; emitted: number }> {
    return this.byGroup
  }

  /** Kapacitor's node-stats object: the common keys plus this node's counters. */
  stats(): Record<string, number> {
    const out: Record<string, number> = {
      avg_exec_time_ns: this.avgExecTimeNs(),
      collected: this.collected,
      emitted: this.emitted,
      errors: this.errors,
      working_cardinality: this.cardinality(),
    }
    for (const [k, c] of this.counters) out[k] = c.value
    return out
  }
}
