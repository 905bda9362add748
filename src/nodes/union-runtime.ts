/**
 * union(others…): merges its parents in time order (reference §2.3; Kapacitor's union.go).
 * Each parent's messages are buffered; nothing leaves until every parent has shown a time
 * (a message, or a barrier — a barrier counts as that parent having advanced to its
 * time). The low-water mark is the oldest head of the buffers, or a parent's last seen
 * time when its buffer is empty; everything at or before the mark is emitted, parent by
 * parent, until nothing moves. At task stop the buffers are drained. `.rename(name)`
 * renames points and batches. Delete-group messages pass straight through.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BarrierMessage, BatchMessage, Message, PointMessage } from '../pipeline/messages.js'
import { propString } from '../pipeline/props.js'
import { BaseRuntime, type NodeContext } from '../pipeline/runtime.js'

type Timed = PointMessage | BatchMessage | BarrierMessage

function timeOf(m: Timed): bigint {
  return m.kind === 'batch' ? m.tmax : m.time
}

/** A FIFO that drops from the front without shifting the array every time. */
class Fifo {
  items: Timed[] = []
  head = 0
  get length(): number { return this.items.length - this.head }
  peek(): Timed | undefined { return this.items[this.head] }
  push(m: Timed): void { this.items.push(m) }
  drop(): void {
    this.head++
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
  }
}

export class UnionRuntime extends BaseRuntime {
  private readonly rename: string
  private readonly sources: Fifo[]
  /** per parent: the last time it showed (null = nothing yet) */
  private readonly lowMarks: Array<bigint | null>

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.rename = propString(node, 'rename')
    const n = Math.max(1, node.parents.length)
    this.sources = Array.from({ length: n }, () => new Fifo())
    this.lowMarks = new Array<bigint | null>(n).fill(null)
  }

  protected override point(p: PointMessage, parent: number): void {
    this.add(parent, this.rename !== '' && p.name !== this.rename ? { ...p, name: this.rename } : p)
  }

  protected override batch(b: BatchMessage, parent: number): void {
    if (this.rename !== '' && b.name !== this.rename) {
      const points = b.points.map((p) => ({ ...p, name: this.rename }))
      this.add(parent, { ...b, name: this.rename, points })
    } else this.add(parent, b)
  }

  protected override barrier(b: BarrierMessage, parent: number): void {
    this.add(parent, b)
  }

  private add(parent: number, m: Timed): void {
    this.sources[parent]!.push(m)
    this.emitReady(false)
  }

  /** Task end: everything held is emitted in time order. */
  flush(): void {
    this.emitReady(true)
  }

  stop(): void {
    this.flush()
  }

  private emitReady(drain: boolean): void {
    const { sources, lowMarks } = this
    for (let moved = true; moved;) {
      moved = false
      let mark: bigint | null = null
      let valid = 0
      for (let i = 0; i < sources.length; i++) {
        const head = sources[i]!.peek()
        if (head !== undefined) {
          const t = timeOf(head)
          if (mark === null || t < mark) mark = t
          lowMarks[i] = t
        }
        const lm: bigint | null = lowMarks[i] ?? null
        if (lm !== null) {
          valid++
          if (!drain && (mark === null || lm < mark)) mark = lm
        }
      }
      if (mark === null || (!drain && valid !== sources.length)) return
      for (const src of sources) {
        for (let m = src.peek(); m !== undefined && timeOf(m) <= mark; m = src.peek()) {
          src.drop()
          this.ctx.emit(m as Message)
          moved = true
        }
      }
    }
  }
}
