/**
 * join(others…): pairs the messages of its parents that have the same group and the same
 * time rounded to `.tolerance()` into one message whose fields are renamed
 * `<as><delimiter><field>` (reference §2.3, §10; Kapacitor's join.go).
 *
 * Per group, a join group keeps, per rounded time, a queue of sets (one slot per parent;
 * a second message of a parent at the same time opens a new set) and the head (latest
 * rounded time) of every parent. The oldest sets are emitted once complete; an
 * incomplete set is emitted (filled) or dropped once every parent's head has passed its
 * time. A barrier moves its parent's head to the barrier time. At task stop every set
 * left is flushed. Output: name = `.streamName()` or the first present message's name,
 * tags and group = the first present message's group, time = the set's rounded time.
 * Batches are joined batch to batch: their points are paired by rounded time.
 *
 * `.on(dims…)` joins a less specific parent (grouped by exactly the `on` dimensions) to
 * more specific ones: each more specific message is joined, in its own group, with the
 * less specific message of the same `on` group and time, which takes its tags. Messages
 * are held until a match arrives or every parent's low mark for that `on` group has
 * passed them (then a specific one goes on alone, to be filled or dropped).
 */
import { dimensions, GroupCache, makeGroup, type Group } from '../model/group.js'
import type { FieldValue, Fields } from '../model/point.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BarrierMessage, BatchMessage, BatchPoint, DeleteGroupMessage, PointMessage } from '../pipeline/messages.js'
import { propDuration, propFlag, propString, propStrings, propValue } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'
import { roundTime } from './from-runtime.js'

type Joinable = PointMessage | BatchMessage

interface Sourced {
  readonly src: number
  readonly msg: Joinable
}

/** Go's zero time: before every real time. */
const ZERO = -(1n << 63n)

type Fill = { readonly kind: 'none' } | { readonly kind: 'null' } | { readonly kind: 'number'; readonly value: FieldValue }

class JoinSet {
  readonly values: Array<Joinable | undefined>
  size = 0
  first: number

  constructor(readonly time: bigint, readonly expected: number) {
    this.values = new Array<Joinable | undefined>(expected)
    this.first = expected
  }

  get ready(): boolean {
    return this.size === this.expected
  }

  set(src: number, m: Joinable): void {
    if (src < this.first) this.first = src
    this.values[src] = m
    this.size++
  }
}

interface JoinGroup {
  readonly sets: Map<bigint, JoinSet[]>
  /** the times of `sets`, ascending from `first` (times mostly arrive in order: appended) */
  times: bigint[]
  first: number
  /** per parent, the latest rounded time seen (ZERO = none) */
  readonly head: bigint[]
  /** the oldest time in `sets` (null = no sets) */
  oldest: bigint | null
}

function timeOf(m: Joinable): bigint {
  return m.kind === 'batch' ? m.tmax : m.time
}

export class JoinRuntime extends BaseRuntime {
  private readonly parents: number
  private readonly prefixes: string[]
  private readonly delimiter: string
  private readonly tolerance: bigint
  private readonly streamName: string
  private readonly fill: Fill
  private readonly deleteAll: boolean
  private readonly groups: GroupStates<JoinGroup>

  // .on() matching (only used when `on` is set); keyed by the `on` group id
  private readonly on: readonly string[]
  private readonly onGroups: GroupCache
  private readonly onGroupsByName: GroupCache
  private readonly lowMarks = new Map<string, bigint>()
  private readonly matchBuffers = new Map<string, Sourced[]>()
  private readonly specificBuffers = new Map<string, Sourced[]>()
  private readonly reported = new Set<number>()
  private allReported = false

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.parents = node.parents.length
    this.prefixes = propStrings(node, 'as')
    this.delimiter = propString(node, 'delimiter')
    this.tolerance = propDuration(node, 'tolerance')
    this.streamName = propString(node, 'streamName')
    this.deleteAll = propFlag(node, 'deleteAll')
    this.fill = fillOf(node)
    this.on = propStrings(node, 'on')
    this.onGroups = new GroupCache(dimensions(this.on, false))
    this.onGroupsByName = new GroupCache(dimensions(this.on, true))
    this.groups = ctx.groups(() => ({ sets: new Map(), times: [], first: 0, head: new Array<bigint>(this.parents).fill(ZERO), oldest: null }))
  }

  protected override point(p: PointMessage, parent: number): void {
    this.message(parent, p)
  }

  protected override batch(b: BatchMessage, parent: number): void {
    this.message(parent, b)
  }

  private message(src: number, m: Joinable): void {
    if (this.on.length > 0) this.matchOn({ src, msg: m })
    else this.collect(this.groups.get(m.group), src, m)
  }

  protected override barrier(b: BarrierMessage, parent: number): void {
    const g = this.groups.get(b.group)
    g.head[parent] = roundTime(b.time, this.tolerance)
    this.emitSets(g, this.onlyReady(g))
    this.ctx.emit(b)
  }

  protected override deleteGroup(d: DeleteGroupMessage, parent: number): void {
    const id = d.group.id
    this.matchBuffers.delete(id)
    this.specificBuffers.delete(id)
    if (this.deleteAll) this.lowMarks.clear()
    else this.lowMarks.delete(markKey(parent, id))
    this.ctx.emit(d)
  }

  /** Task end: every set left is emitted (filled) or dropped. */
  flush(): void {
    for (const g of this.groups.values()) {
      while (g.sets.size > 0) this.emitSets(g, false)
    }
  }

  stop(): void {
    this.flush()
  }

  private collect(g: JoinGroup, src: number, m: Joinable): void {
    const t = roundTime(timeOf(m), this.tolerance)
    if (g.oldest === null || t < g.oldest) g.oldest = t
    let queue = g.sets.get(t)
    if (queue === undefined) {
      queue = []
      g.sets.set(t, queue)
      addTime(g, t)
    }
    let set: JoinSet | undefined
    for (const s of queue) {
      if (s.values[src] === undefined) {
        set = s
        break
      }
    }
    if (set === undefined) {
      set = new JoinSet(t, this.parents)
      queue.push(set)
    }
    set.set(src, m)
    g.head[src] = t
    this.emitSets(g, this.onlyReady(g))
  }

  /** True while some parent has not moved past the oldest time: only complete sets may go. */
  private onlyReady(g: JoinGroup): boolean {
    if (g.oldest === null) return true
    for (const h of g.head) if (h <= g.oldest) return true
    return false
  }

  /** Emits the sets of the oldest time (only complete ones when `onlyReady`), and further while every head is past. */
  private emitSets(g: JoinGroup, onlyReady: boolean): void {
    for (;;) {
      const oldest = g.oldest
      if (oldest === null) return
      const queue = g.sets.get(oldest)!
      let i = 0
      for (; i < queue.length; i++) {
        const set = queue[i]!
        if (!set.ready && onlyReady) break
        this.emitSet(set)
      }
      if (i === queue.length) {
        g.sets.delete(oldest)
        dropOldestTime(g)
      } else if (i > 0) queue.splice(0, i)
      if (onlyReady) return
      onlyReady = this.onlyReady(g)
    }
  }

  private emitSet(set: JoinSet): void {
    const first = set.values[set.first]!
    const out = first.kind === 'point' ? this.joinPoints(set, first) : this.joinBatches(set, first)
    if (out !== undefined) this.ctx.emit(out)
  }

  private outputName(first: Joinable): string {
    return this.streamName !== '' ? this.streamName : first.name
  }

  private outputGroup(first: Joinable, name: string): Group {
    const g = first.group
    return g.dims.byName && name !== first.name ? makeGroup(name, g.tags, g.dims) : g
  }

  private joinPoints(set: JoinSet, first: PointMessage): PointMessage | undefined {
    const fields: Record<string, FieldValue | null> = {}
    const firstKeys = Object.keys(first.fields)
    for (let i = 0; i < set.values.length; i++) {
      const v = set.values[i]
      const prefix = this.prefixes[i]! + this.delimiter
      if (v === undefined) {
        if (this.fill.kind === 'none') return undefined
        const value = this.fill.kind === 'null' ? null : this.fill.value
        for (const k of firstKeys) fields[prefix + k] = value
      } else {
        if (v.kind !== 'point') throw new Error(`join: cannot join a batch with a point (parent ${i})`)
        for (const k in v.fields) fields[prefix + k] = v.fields[k]!
      }
    }
    const name = this.outputName(first)
    const group = this.outputGroup(first, name)
    // a null-filled field is Kapacitor's nil value: shown as null, treated as missing by default()
    return { kind: 'point', db: '', rp: '', name, tags: first.group.tags, fields: fields as Fields, time: set.time, group }
  }

  /** Pairs the batches' points by rounded time (Kapacitor's JoinIntoBatch). */
  private joinBatches(set: JoinSet, first: BatchMessage): BatchMessage {
    const n = set.values.length
    const empty = new Array<boolean>(n).fill(false)
    const index = new Array<number>(n).fill(0)
    let emptyCount = 0
    let fieldNames: string[] | null = null
    const points: BatchPoint[] = []
    const name = this.outputName(first)
    const tags = first.tags
    nextSet: while (emptyCount < n) {
      const row = new Array<BatchPoint | undefined>(n)
      let rowTime: bigint | null = null
      let count = 0
      for (let i = 0; i < n; i++) {
        if (empty[i]) continue
        const b = set.values[i]
        if (b === undefined || (b.kind === 'batch' && index[i] === b.points.length)) {
          emptyCount++
          empty[i] = true
          continue
        }
        if (b.kind !== 'batch') throw new Error(`join: cannot join a point with a batch (parent ${i})`)
        const bp = b.points[index[i]!]!
        const t = roundTime(bp.time, this.tolerance)
        if (rowTime === null) rowTime = t
        if (t < rowTime) {
          // an older point: start the row again from it
          rowTime = t
          for (let j = 0; j < n; j++) {
            if (row[j] !== undefined) index[j]!--
            row[j] = undefined
          }
          row[i] = bp
          index[i]!++
          count = 1
        } else if (t === rowTime) {
          if (fieldNames === null) fieldNames = Object.keys(bp.fields)
          row[i] = bp
          index[i]!++
          count++
        }
      }
      if (count === 0 || rowTime === null) continue
      const fields: Record<string, FieldValue | null> = {}
      for (let i = 0; i < n; i++) {
        const bp = row[i]
        const prefix = this.prefixes[i]! + this.delimiter
        if (bp === undefined) {
          if (this.fill.kind === 'none') continue nextSet
          const value = this.fill.kind === 'null' ? null : this.fill.value
          for (const k of fieldNames ?? []) fields[prefix + k] = value
        } else {
          for (const k in bp.fields) fields[prefix + k] = bp.fields[k]!
        }
      }
      points.push({ name, tags, fields: fields as Fields, time: rowTime })
    }
    return { kind: 'batch', name, tmax: set.time, group: this.outputGroup(first, name), tags, points }
  }

  // ---- .on(): matching less specific messages to more specific ones ----

  private matchOn(p: Sourced): void {
    if (!this.allReported) {
      this.reported.add(p.src)
      this.allReported = this.reported.size === this.parents
    }
    const t = roundTime(timeOf(p.msg), this.tolerance)
    const g = p.msg.group
    const onId = (g.dims.byName ? this.onGroupsByName : this.onGroups).get(p.msg.name, g.tags).id
    this.lowMarks.set(markKey(p.src, onId), t)

    // the oldest time any parent has reached for this `on` group (null = Go's zero time)
    // (as Kapacitor: a parent without a mark yet is the zero time, which the next parent's mark replaces)
    let lowMark: bigint | null = null
    if (this.allReported) {
      for (let s = 0; s < this.parents; s++) {
        const lm = this.lowMarks.get(markKey(s, onId)) ?? null
        if (lowMark === null || lm === null || lm < lowMark) lowMark = lm
      }
    }

    if (this.allReported) {
      // specific messages that can no longer be matched go on alone
      const buf = this.specificBuffers.get(onId)
      if (buf !== undefined) {
        let i = 0
        for (; i < buf.length; i++) {
          const sp = buf[i]!
          if (!before(roundTime(timeOf(sp.msg), this.tolerance), lowMark)) break
          this.sendSpecific(sp)
        }
        buf.splice(0, i)
      }
    }

    if (g.dims.tagNames.length > this.on.length) {
      const matches = this.matchBuffers.get(onId)
      let matched = false
      if (matches !== undefined) {
        let i = 0
        for (; i < matches.length; i++) {
          const match = matches[i]!
          const mt = roundTime(timeOf(match.msg), this.tolerance)
          if (mt === t) {
            this.sendMatch(p, match)
            matched = true
          }
          if (!before(mt, lowMark)) break
        }
        // the low mark is only meaningful once every parent has reported
        if (this.allReported) matches.splice(0, i)
      }
      if (!matched) {
        if (this.allReported && before(t, lowMark)) this.sendSpecific(p)
        else bufferFor(this.specificBuffers, onId).push(p)
      }
    } else {
      bufferFor(this.matchBuffers, onId).push(p)
      const buf = this.specificBuffers.get(onId)
      if (buf !== undefined) {
        let i = 0
        for (; i < buf.length; i++) {
          const sp = buf[i]!
          if (roundTime(timeOf(sp.msg), this.tolerance) !== t) break
          this.sendMatch(sp, p)
        }
        buf.splice(0, i)
      }
    }
  }

  /** Joins a specific message with a less specific one, which takes the specific one's group. */
  private sendMatch(specific: Sourced, matched: Sourced): void {
    const sg = specific.msg.group
    const m = matched.msg
    const retagged: Joinable = m.kind === 'point'
      ? { ...m, tags: sg.tags, group: sg }
      : { ...m, tags: sg.tags, group: sg }
    const g = this.groups.get(sg)
    this.collect(g, specific.src, specific.msg)
    this.collect(g, matched.src, retagged)
  }

  private sendSpecific(specific: Sourced): void {
    this.collect(this.groups.get(specific.msg.group), specific.src, specific.msg)
  }
}

/** Inserts a new set time in order (usually at the end). */
function addTime(g: JoinGroup, t: bigint): void {
  const times = g.times
  let i = times.length
  while (i > g.first && times[i - 1]! > t) i--
  if (i === times.length) times.push(t)
  else times.splice(i, 0, t)
}

/** Forgets the oldest set time; `oldest` becomes the next one. */
function dropOldestTime(g: JoinGroup): void {
  g.first++
  if (g.first === g.times.length) {
    g.times = []
    g.first = 0
  } else if (g.first > 64 && g.first * 2 > g.times.length) {
    g.times = g.times.slice(g.first)
    g.first = 0
  }
  g.oldest = g.first < g.times.length ? g.times[g.first]! : null
}

/** Go's t.Before(lowMark), where a null low mark is the zero time. */
function before(t: bigint, lowMark: bigint | null): boolean {
  return lowMark !== null && t < lowMark
}

function markKey(src: number, id: string): string {
  return `${src}\u0000${id}`
}

function bufferFor(map: Map<string, Sourced[]>, id: string): Sourced[] {
  let b = map.get(id)
  if (b === undefined) {
    b = []
    map.set(id, b)
  }
  return b
}

function fillOf(node: PipelineNode): Fill {
  const v = propValue(node, 'fill')
  if (v?.type === 'int') return { kind: 'number', value: v.value }
  if (v?.type === 'float') return { kind: 'number', value: v.value }
  if (v?.type === 'string' && v.value === 'null') return { kind: 'null' }
  return { kind: 'none' }
}
