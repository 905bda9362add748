/**
 * barrier(): per group, emits barrier messages stamped with the WALL clock — after `idle`
 * without a message for that group, or every `period` — so that windows and joins
 * downstream can close without new data (reference §2.3; Kapacitor's barrier.go). A
 * message (or batch point) older than the group's last barrier is dropped. With
 * `.delete(TRUE)` the barrier is followed by a delete-group message, which makes every
 * downstream node forget the group, and this node forgets it too until it shows up again.
 *
 * Timers: one pending `ctx.after` per group. For idle, a message only records the wall
 * time it was seen (no timer churn per point); when the timer fires early because data
 * arrived meanwhile, it re-arms for the remaining time.
 */
import type { Group } from '../model/group.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BarrierMessage, BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { propDuration, propFlag } from '../pipeline/props.js'
import { BaseRuntime, type GroupStates, type NodeContext } from '../pipeline/runtime.js'

interface GroupBarrier {
  readonly group: Group
  /** time of the last barrier emitted (ns); messages before it are dropped */
  lastBarrier: bigint
  /** wall time (ns) of the last accepted message, for idle */
  lastSeen: bigint
}

const NS_PER_MS = 1_000_000n

export class BarrierRuntime extends BaseRuntime {
  private readonly idle: bigint
  private readonly period: bigint
  private readonly deleteGroups: boolean
  private readonly states: GroupStates<GroupBarrier>

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.idle = propDuration(node, 'idle')
    this.period = propDuration(node, 'period')
    this.deleteGroups = propFlag(node, 'delete')
    this.states = ctx.groups((group) => this.start(group))
  }

  /** A new group: its state and its first timer. */
  private start(group: Group): GroupBarrier {
    const s: GroupBarrier = { group, lastBarrier: -(1n << 63n), lastSeen: this.ctx.clock.nowNs() }
    this.arm(s, this.idle > 0n ? this.idle : this.period)
    return s
  }

  private arm(s: GroupBarrier, ns: bigint): void {
    this.ctx.after(Number(ns / NS_PER_MS) + (ns % NS_PER_MS === 0n ? 0 : 1), () => this.fire(s))
  }

  private fire(s: GroupBarrier): void {
    // the group was deleted (by us or upstream) since this timer was set
    if (this.states.peek(s.group) !== s) return
    const now = this.ctx.clock.nowNs()
    if (this.idle > 0n) {
      const due = s.lastSeen + this.idle
      if (now < due) return this.arm(s, due - now)
    }
    s.lastBarrier = now
    this.ctx.emit({ kind: 'barrier', group: s.group, time: now })
    if (this.deleteGroups) {
      this.states.delete(s.group)
      this.ctx.emit({ kind: 'deleteGroup', group: s.group })
      return
    }
    s.lastSeen = now
    this.arm(s, this.idle > 0n ? this.idle : this.period)
  }

  /** The group's state when `time` is not older than its last barrier (and marks it seen). */
  private accept(group: Group, time: bigint): GroupBarrier | undefined {
    const s = this.states.get(group)
    if (time < s.lastBarrier) return undefined
    if (this.idle > 0n) s.lastSeen = this.ctx.clock.nowNs()
    return s
  }

  protected override point(p: PointMessage): void {
    if (this.accept(p.group, p.time)) this.ctx.emit(p)
  }

  protected override batch(b: BatchMessage): void {
    const s = this.states.get(b.group)
    const kept: BatchPoint[] = []
    for (const p of b.points) if (p.time >= s.lastBarrier) kept.push(p)
    if (kept.length > 0 && this.idle > 0n) s.lastSeen = this.ctx.clock.nowNs()
    this.ctx.emit(kept.length === b.points.length ? b : { ...b, points: kept })
  }

  protected override barrier(b: BarrierMessage): void {
    if (this.accept(b.group, b.time)) this.ctx.emit(b)
  }
}
