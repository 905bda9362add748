/**
 * stats(interval): a source node on the wall clock. Every interval it emits, for each
 * group the watched node has emitted in, a point named `stats` with the int field
 * `emitted` (cumulative messages of that group), the group's tags and dimensions; before
 * the watched node has emitted anything, one nil-group point with emitted = 0 (Kapacitor's
 * nodeStatsByGroup). With `.align()` the ticks fall on multiples of the interval and the
 * time is the tick time rounded to the interval (Kapacitor rounds with Time.Round; its
 * first aligned emit carries the time the task started, rounded, which we do not copy:
 * every point carries its own tick's time). The watched node's messages are counted by
 * the executor (its cell tracks per-group counts because a stats node watches it).
 *
 * The stats node of a deadman expansion (the only implicit stats node) emits the deadman
 * signal instead (src/alert/deadman-signal.ts): per group, a virtual cumulative count whose
 * per-interval derivative is the group's rate over the last interval plus a grace, so
 * that a jittering sender is not seen as silent.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import { NIL_GROUP } from '../model/group.js'
import type { Fields } from '../model/point.js'
import type { Message } from '../pipeline/messages.js'
import { propDuration, propFlag } from '../pipeline/props.js'
import type { NodeContext, NodeRuntime, NodeStatsView } from '../pipeline/runtime.js'
import { roundTime } from './from-runtime.js'
import { DeadmanSignal, type GroupSignal } from '../alert/deadman-signal.js'
import type { Group } from '../model/group.js'

export class StatsRuntime implements NodeRuntime {
  private readonly intervalNs: bigint
  private readonly align: boolean
  private readonly watched: NodeStatsView

  constructor(node: PipelineNode, private readonly ctx: NodeContext) {
    const d = node.args[0]
    this.intervalNs = d?.type === 'duration' ? d.ns : propDuration(node, 'interval')
    this.align = propFlag(node, 'align')
    const watched = node.watches !== undefined ? ctx.nodeStats(node.watches) : undefined
    if (!watched) throw new Error(`no node found for ${node.watches ?? '(none)'}`)
    this.watched = watched
    if (node.implicit) {
      // its groups are set by the signal, never created on lookup
      const states = ctx.groups<GroupSignal>(() => { throw new Error('deadman: no state for this group') })
      this.startDeadman(new DeadmanSignal(this.intervalNs, watched, states))
      return
    }
    const ms = Math.max(1, Number(this.intervalNs / 1_000_000n))
    if (!this.align) {
      ctx.every(ms, () => this.emit())
      return
    }
    // wait until the next multiple of the interval, then tick on every multiple
    const now = ctx.clock.nowNs()
    const next = now - (((now % this.intervalNs) + this.intervalNs) % this.intervalNs) + this.intervalNs
    ctx.after(Number((next - now) / 1_000_000n), () => {
      this.emit()
      ctx.every(ms, () => this.emit())
    })
  }

  /** Samples on the signal's grid (aligned), from the next multiple of its step. */
  private startDeadman(signal: DeadmanSignal): void {
    const emit = (group: Group, value: number, time: bigint): void => {
      this.ctx.emit({ kind: 'point', name: 'stats', db: '', rp: '', tags: group.tags, fields: { emitted: value }, time, group })
    }
    const sample = (): void => { signal.sample(this.ctx.clock.nowNs(), emit) }
    const stepMs = signal.sampleMs
    const step = BigInt(stepMs) * 1_000_000n
    const now = this.ctx.clock.nowNs()
    const next = now - (((now % step) + step) % step) + step
    this.ctx.after(Number((next - now) / 1_000_000n), () => {
      sample()
      this.ctx.every(stepMs, sample)
    })
  }

  receive(_msg: Message): void {
    throw new Error('stats has no parent: it does not receive messages')
  }

  private emit(): void {
    let t = this.ctx.clock.nowNs()
    if (this.align) t = roundTime(t, this.intervalNs)
    const groups = this.watched.emittedByGroup()
    if (groups.size === 0) {
      // a root (stream) counts what it forwards without groups: report it as the nil group
      this.ctx.emit({ kind: 'point', name: 'stats', db: '', rp: '', tags: NIL_GROUP.tags, fields: emitted(this.watched.emitted), time: t, group: NIL_GROUP })
      return
    }
    for (const { group, emitted: n } of groups.values()) {
      this.ctx.emit({ kind: 'point', name: 'stats', db: '', rp: '', tags: group.tags, fields: emitted(n), time: t, group })
    }
  }
}

function emitted(n: number): Fields {
  return { emitted: BigInt(n) }
}
