/**
 * A running task: the node runtimes of a checked pipeline wired along its edges, with
 * their stats. The executor creates every runtime from its spec (`spec.create`), links
 * each node to its children (the parent index tells join/union which edge a message came
 * on), hands the matcher one input per (dbrp × from()) key, and at stop lets joins and
 * unions flush, clears every timer and removes the httpOut endpoints.
 */
import type { Clock } from '../model/clock.js'
import { NIL_GROUP } from '../model/group.js'
import type { Point } from '../model/point.js'
import type { Dbrp, PipelineDef, PipelineNode, TaskType } from '../interp/eval/pipeline-def.js'
import { toDot } from '../interp/eval/pipeline-def.js'
import type { Logger } from '../server/logger.js'
import { NodeCell } from './node-cell.js'
import { propFlag, propString } from './props.js'
import { GroupStates, type NodeContext, type NodeRuntime } from './runtime.js'
import type { TaskServices } from './services.js'
import { realScheduler, type Cancel, type Scheduler } from './scheduler.js'
import type { RecordedBatch } from '../record/types.js'
import { isBatchSource, type BatchSourceRuntime } from '../nodes/query-runtime.js'

/** One routing key of a task input: exact db and rp, measurement '' = any. */
export interface StreamInput {
  readonly task: string
  readonly db: string
  readonly rp: string
  readonly measurement: string
  deliver(p: Point): void
}

export interface TaskExecutionOptions {
  readonly id: string
  readonly type: TaskType
  readonly dbrps: readonly Dbrp[]
  readonly pipeline: PipelineDef
  readonly logger: Logger
  readonly clock: Clock
  readonly services: TaskServices
  /** wall-clock timers (default: real ones) */
  readonly scheduler?: Scheduler
  /**
   * Batch tasks: 'scheduled' (default) runs each query node on its schedule against
   * InfluxDB; 'external' leaves the query nodes idle, fed only through `batchInputs()`
   * (replays of batch recordings).
   */
  readonly queries?: 'scheduled' | 'external'
}

/** A batch task's query node: fed by its schedule when live, by recorded batches in a replay. */
export interface BatchInput {
  /** the query node's name (`query1`…) */
  readonly node: string
  /** 0-based index among the task's query nodes, in pipeline order (a `.brpl` entry) */
  readonly index: number
  /** Emits a recorded batch from this query node, grouped by its groupBy dimensions. */
  deliver(batch: RecordedBatch): void
}

export class TaskStartError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TaskStartError'
  }
}

export class TaskExecution {
  readonly id: string
  readonly type: TaskType
  readonly dbrps: readonly Dbrp[]
  readonly pipeline: PipelineDef
  private readonly cells = new Map<string, NodeCell>()
  private readonly cancels = new Set<Cancel>()
  private stopped = false
  private readonly opts: TaskExecutionOptions

  constructor(opts: TaskExecutionOptions) {
    this.opts = opts
    this.id = opts.id
    this.type = opts.type
    this.dbrps = opts.dbrps
    this.pipeline = opts.pipeline
    try {
      this.build()
      if (this.type === 'batch' && (opts.queries ?? 'scheduled') === 'scheduled') this.startQueries()
    } catch (err) {
      this.stop()
      throw err
    }
  }

  /** A live batch task: every query node starts its schedule. */
  private startQueries(): void {
    for (const { node, runtime } of this.batchSources()) {
      try {
        runtime.start()
      } catch (err) {
        // a query that does not parse, or a schedule croner refuses: the task cannot start
        throw new TaskStartError(`${node.name}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
  }

  /**
   * The query nodes in Kapacitor's order of a batch task's collectors (the index of a `.brpl`
   * entry): the order of the pipeline walk (`pipelineOrder`), which is not always the
   * order the queries were written in.
   */
  private batchSources(): Array<{ node: PipelineNode; runtime: BatchSourceRuntime }> {
    const out: Array<{ node: PipelineNode; runtime: BatchSourceRuntime }> = []
    const byName = new Map(this.pipeline.nodes.map((n) => [n.name, n]))
    for (const name of pipelineOrder(this.pipeline)) {
      const runtime = this.cells.get(name)?.runtime
      if (runtime && isBatchSource(runtime)) out.push({ node: byName.get(name)!, runtime })
    }
    return out
  }

  private build(): void {
    const { pipeline, logger } = this.opts
    const watched = new Set(pipeline.nodes.map((n) => n.watches).filter((w): w is string => w !== undefined))
    for (const n of pipeline.nodes) {
      const cell = new NodeCell(n.name, logger.child({ task: this.id, node: n.name }), propFlag(n, 'quiet'))
      cell.trackGroups = watched.has(n.name)
      this.cells.set(n.name, cell)
    }
    for (const n of pipeline.nodes) {
      const cell = this.cells.get(n.name)!
      for (const c of n.children) {
        const child = this.opts.pipeline.nodes.find((x) => x.name === c)!
        cell.children.push({ cell: this.cells.get(c)!, parentIndex: child.parents.indexOf(n.name), processed: 0 })
      }
    }
    // children first, so that a runtime may look at its children's cells when it starts
    for (const n of [...pipeline.nodes].reverse()) {
      const create = n.spec.create
      if (!create) throw new TaskStartError(`${n.name}: the ${n.type} node cannot run in this version`)
      const cell = this.cells.get(n.name)!
      cell.runtime = create(n, this.contextFor(n, cell)) as NodeRuntime
    }
  }

  private contextFor(node: PipelineNode, cell: NodeCell): NodeContext {
    const exec = this
    const scheduler = this.opts.scheduler ?? realScheduler
    return {
      task: this.id,
      dbrps: this.dbrps,
      node,
      logger: cell.logger,
      clock: this.opts.clock,
      services: this.opts.services,
      // a query node is fed by its own queries: Kapacitor counts them as collected on its input edge
      emit: node.type === 'query' ? (msg) => { cell.collected++; cell.emit(msg) } : (msg) => cell.emit(msg),
      error: (err, detail) => cell.error(err, detail),
      groups: <S>(create: (g: typeof NIL_GROUP) => S) => {
        const gs = new GroupStates<S>(create)
        cell.groupStates.push(gs as GroupStates<unknown>)
        return gs
      },
      counter: (name) => cell.counter(name),
      every(ms, fn) {
        if (exec.stopped) return
        exec.cancels.add(scheduler.every(ms, () => {
          try { fn() } catch (err) { cell.error(err) }
        }))
      },
      after(ms, fn) {
        if (exec.stopped) return () => {}
        const cancel = scheduler.after(ms, () => {
          exec.cancels.delete(cancel)
          try { fn() } catch (err) { cell.error(err) }
        })
        exec.cancels.add(cancel)
        return () => { cancel(); exec.cancels.delete(cancel) }
      },
      nodeStats: (name) => this.cells.get(name),
    }
  }

  /** A batch task's query nodes in Kapacitor's collector order, for replays (empty for a stream task). */
  batchInputs(): BatchInput[] {
    if (this.type !== 'batch') return []
    return this.batchSources().map(({ node, runtime }, index) => ({
      node: node.name,
      index,
      deliver: (b: RecordedBatch): void => {
        if (!this.stopped) runtime.deliver(b)
      },
    }))
  }

  /**
   * The matcher's inputs: for the stream root's children, one per task dbrp the child can
   * see (a `from().database()`/`.retentionPolicy()` other than the dbrp's never matches)
   * and its measurement ('' = any). A point goes through the root's stats to the child.
   */
  inputs(): StreamInput[] {
    if (this.type !== 'stream') return []
    const out: StreamInput[] = []
    for (const rootName of this.pipeline.sources) {
      const root = this.pipeline.nodes.find((n) => n.name === rootName)!
      if (root.type !== 'stream') continue
      const rootCell = this.cells.get(root.name)!
      rootCell.children.forEach((edge, i) => {
        const child = this.pipeline.nodes.find((n) => n.name === root.children[i])!
        const isFrom = child.type === 'from'
        const db = isFrom ? propString(child, 'database') : ''
        const rp = isFrom ? propString(child, 'retentionPolicy') : ''
        const measurement = isFrom ? propString(child, 'measurement') : ''
        const deliver = isFrom
          ? (p: Point): void => {
            rootCell.collected++
            rootCell.emitted++
            edge.processed++
            edge.cell.deliverPoint(p)
          }
          : (p: Point): void => {
            rootCell.collected++
            rootCell.emitted++
            edge.processed++
            edge.cell.deliver({ kind: 'point', db: p.db, rp: p.rp, name: p.name, tags: p.tags, fields: p.fields, time: p.time, group: NIL_GROUP }, edge.parentIndex)
          }
        for (const d of this.dbrps) {
          if ((db !== '' && db !== d.db) || (rp !== '' && rp !== d.rp)) continue
          out.push({ task: this.id, db: d.db, rp: d.rp, measurement, deliver })
        }
      })
    }
    return out
  }

  get executing(): boolean {
    return !this.stopped
  }

  /**
   * The input has ended: joins and unions flush (Kapacitor flushes those when their edges
   * close, not windows), every timer stops; the httpOut endpoints stay readable (a replay
   * or a test reads them after the end). Idempotent.
   */
  /**
   * Emits what joins and unions hold (as finish() would) while every node still runs, so
   * that what it fires downstream (alerts) can be handed on before the nodes stop. A replay
   * calls it at the end of its data, waits a turn of the event loop, then finish().
   */
  flush(): void {
    if (this.stopped) return
    for (const n of this.pipeline.nodes) {
      const cell = this.cells.get(n.name)
      if (!cell?.runtime?.flush) continue
      try { cell.runtime.flush() } catch (err) { cell.error(err) }
    }
  }

  finish(): void {
    if (this.stopped) return
    this.stopped = true
    for (const c of this.cancels) c()
    this.cancels.clear()
    for (const n of this.pipeline.nodes) {
      const cell = this.cells.get(n.name)
      if (!cell?.runtime?.stop) continue
      try { cell.runtime.stop() } catch (err) { cell.error(err) }
    }
  }

  /** finish(), then the httpOut endpoints go away. Idempotent. */
  stop(): void {
    this.finish()
    this.opts.services.httpOut.unregisterTask(this.id)
  }

  /** Kapacitor's execution stats: task-stats and node-stats. */
  stats(): { 'task-stats': { throughput: number }; 'node-stats': Record<string, Record<string, number>> } {
    const nodeStats: Record<string, Record<string, number>> = {}
    for (const n of this.pipeline.nodes) nodeStats[n.name] = this.cells.get(n.name)!.stats()
    return { 'task-stats': { throughput: 0 }, 'node-stats': nodeStats }
  }

  cell(name: string): NodeCell | undefined {
    return this.cells.get(name)
  }

  /**
   * Kapacitor's EDot: the graph with each node's stats as attributes (or labels) and each
   * edge's processed count.
   */
  dot(labels = false): string {
    const unit = this.type === 'batch' ? 'batches' : 'points'
    let out = `digraph ${this.id} {\n`
    out += labels ? `graph [label="Throughput: 0.00 ${unit}/s" forcelabels=true pad="0.8,0.5"];\n` : `graph [throughput="0.00 ${unit}/s"];\n`
    for (const name of pipelineOrder(this.pipeline)) {
      const n = this.pipeline.nodes.find((x) => x.name === name)!
      if (!n.spec.dot) continue
      const cell = this.cells.get(name)!
      const stats = cell.stats()
      const keys = Object.keys(stats).filter((k) => k !== 'collected' && k !== 'emitted').sort()
      const val = (k: string): string => (k === 'avg_exec_time_ns' ? goDuration(stats[k]!) : String(stats[k]))
      if (labels) {
        out += `\n${name} [xlabel="${keys.map((k) => `${k}=${val(k)}`).join('\\n')}" ];\n`
        cell.children.forEach((c) => { out += `${name} -> ${c.cell.name} [label="processed=${c.processed}"];\n` })
      } else {
        out += `\n${name} [${keys.map((k) => `${k}="${val(k)}" `).join('')}];\n`
        cell.children.forEach((c) => { out += `${name} -> ${c.cell.name} [processed="${c.processed}"];\n` })
      }
    }
    return out + '}'
  }
}

/**
 * Kapacitor's Pipeline.Walk order (a depth-first topological sort: the sources from the last
 * to the first, each node after all its children, then reversed): the order of the DOT
 * graph and of a batch task's query collectors.
 */
export function pipelineOrder(p: PipelineDef): string[] {
  const order: string[] = []
  const seen = new Set<string>()
  const byName = new Map(p.nodes.map((n) => [n.name, n]))
  const visit = (name: string): void => {
    if (seen.has(name)) return
    seen.add(name)
    for (const c of byName.get(name)!.children) visit(c)
    order.push(name)
  }
  for (let i = p.sources.length - 1; i >= 0; i--) visit(p.sources[i]!)
  return order.reverse()
}

/** Go's time.Duration String() for a nanosecond count (DOT shows avg_exec_time_ns this way). */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s'
  if (ns < 1000) return `${ns}ns`
  if (ns < 1e6) return `${trim(ns / 1e3)}µs`
  if (ns < 1e9) return `${trim(ns / 1e6)}ms`
  return `${trim(ns / 1e9)}s`
}

function trim(x: number): string {
  return String(Number(x.toFixed(3)))
}

export { toDot }
