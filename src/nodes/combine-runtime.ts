/**
 * combine(lambda…): a self-join (reference §2.3; Kapacitor's combine.go). Per group, the
 * points of one rounded time (`.tolerance()`) are buffered; when a point of another time
 * arrives, every combination of k = (number of lambdas) buffered points is tried in order
 * (n choose k, refused over `.max()`): slot i takes the first remaining point of the
 * combination for which lambda i is true. Each complete combination becomes one point:
 * fields and the non-group tags are prefixed `<as><delimiter>`, group tags are kept. In a
 * batch, each run of same-time points is combined, up to the end of the batch. A lambda
 * failing on a point counts an error and does not match it. The last stream buffer is not
 * flushed at stop (as Kapacitor).
 */
import type { Group } from '../model/group.js'
import type { FieldValue, Tags } from '../model/point.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { CompiledLambda } from '../interp/lambda/compile.js'
import type { LambdaState } from '../interp/lambda/state.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { lambdaOf, propDuration, propInt, propString, propStrings } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'
import { roundTime } from './from-runtime.js'

interface Buffer {
  time: bigint
  name: string
  group: Group
  points: BatchPoint[]
}

interface CombineGroup {
  readonly states: LambdaState[]
  /** stream: the buffer of the current time */
  current: Buffer | null
}

export class CombineRuntime extends BaseRuntime {
  private readonly lambdas: CompiledLambda[]
  private readonly names: string[]
  private readonly delimiter: string
  private readonly tolerance: bigint
  private readonly max: bigint
  private readonly groups: GroupStates<CombineGroup>

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.lambdas = node.args.map((a) => lambdaOf(a)).filter((l): l is CompiledLambda => l !== undefined)
    this.names = propStrings(node, 'as')
    this.delimiter = propString(node, 'delimiter')
    this.tolerance = propDuration(node, 'tolerance')
    this.max = propInt(node, 'max')
    this.groups = ctx.groups(() => ({
      states: this.lambdas.map((l) => l.newState({ clock: ctx.clock })),
      current: null,
    }))
  }

  protected override point(p: PointMessage): void {
    const g = this.groups.get(p.group)
    const t = roundTime(p.time, this.tolerance)
    const buf = g.current
    if (buf === null) {
      g.current = { time: t, name: p.name, group: p.group, points: [p] }
    } else if (buf.time === t) {
      buf.points.push(p)
    } else {
      this.combine(g, buf)
      g.current = { time: t, name: p.name, group: p.group, points: [p] }
    }
  }

  protected override batch(b: BatchMessage): void {
    const g = this.groups.get(b.group)
    let run: Buffer | null = null
    for (const p of b.points) {
      const t = roundTime(p.time, this.tolerance)
      if (run === null || run.time !== t) {
        if (run !== null) this.combine(g, run)
        run = { time: t, name: b.name, group: b.group, points: [] }
      }
      run.points.push(p)
    }
    if (run !== null) this.combine(g, run)
  }

  private combine(g: CombineGroup, buf: Buffer): void {
    const n = buf.points.length
    const k = this.lambdas.length
    if (n < k) return
    const count = choose(n, k)
    if (count > this.max) {
      this.ctx.error(new Error(`refusing to perform combination as total combinations ${count} exceeds max combinations ${this.max}`), { group: buf.group })
      return
    }
    // matches[s][i]: lambda s is true for point i
    const matches: boolean[][] = []
    for (let s = 0; s < k; s++) {
      const row = new Array<boolean>(n)
      for (let i = 0; i < n; i++) {
        try {
          row[i] = this.lambdas[s]!.evalBool(buf.points[i]!, g.states[s]!)
        } catch (err) {
          this.ctx.error(err, { group: buf.group })
          row[i] = false
        }
      }
      matches.push(row)
    }
    const dims = new Set(buf.group.dims.tagNames)
    const indices = Array.from({ length: k }, (_, i) => i)
    const members = new Array<BatchPoint>(k)
    for (;;) {
      if (this.pick(indices, matches, buf.points, members)) this.ctx.emit(this.merge(buf, members, dims))
      // next combination in lexicographic order
      let i = k - 1
      while (i >= 0 && indices[i] === i + n - k) i--
      if (i < 0) return
      indices[i]!++
      for (let j = i + 1; j < k; j++) indices[j] = indices[j - 1]! + 1
    }
  }

  /** Slot s takes the first not yet taken index of the combination whose point lambda s matches. */
  private pick(indices: readonly number[], matches: boolean[][], points: readonly BatchPoint[], members: BatchPoint[]): boolean {
    const left = indices.slice()
    for (let s = 0; s < members.length; s++) {
      const at = left.findIndex((idx) => matches[s]![idx])
      if (at < 0) return false
      members[s] = points[left[at]!]!
      left.splice(at, 1)
    }
    return true
  }

  private merge(buf: Buffer, members: readonly BatchPoint[], dims: ReadonlySet<string>): PointMessage {
    const fields: Record<string, FieldValue> = {}
    const tags: Record<string, string> = {}
    for (let s = 0; s < members.length; s++) {
      const p = members[s]!
      const prefix = this.names[s]! + this.delimiter
      for (const f in p.fields) fields[prefix + f] = p.fields[f]!
      for (const t in p.tags) {
        if (dims.has(t)) tags[t] = p.tags[t]!
        else tags[prefix + t] = p.tags[t]!
      }
    }
    return { kind: 'point', db: '', rp: '', name: buf.name, tags: tags as Tags, fields, time: buf.time, group: buf.group }
  }
}

/** n choose k (n ≥ k). */
function choose(n: number, k: number): bigint {
  let c = 1n
  for (let i = 0; i < k; i++) c = (c * BigInt(n - i)) / BigInt(i + 1)
  return c
}
