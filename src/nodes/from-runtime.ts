/**
 * from(): the matcher hands it every point of its (db, rp, measurement) key; it checks
 * db/rp/measurement (for a chained `from|from()`), the ANDed where lambdas, rewrites the
 * time (truncate, then round) and sets the group. The group comes from a cache keyed by
 * the parser's shared tags object, so no key is built per point.
 */
import { groupCacheFor, type GroupCache, type StarGroupCache } from '../model/group.js'
import type { Point } from '../model/point.js'
import type { CompiledLambda } from '../interp/lambda/compile.js'
import type { LambdaState } from '../interp/lambda/state.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { PointMessage } from '../pipeline/messages.js'
import { propArgs, propDuration, propFlag, propLambdas, propString, tickString } from '../pipeline/props.js'
import { BaseRuntime, type NodeContext, type StreamSourceRuntime } from '../pipeline/runtime.js'

/** Go's Time.Round: halfway values round up (away from zero for positive times). */
export function roundTime(t: bigint, d: bigint): bigint {
  if (d <= 0n) return t
  const r = ((t % d) + d) % d
  return r + r < d ? t - r : t + d - r
}

export function truncateTime(t: bigint, d: bigint): bigint {
  if (d <= 0n) return t
  return t - (((t % d) + d) % d)
}

export class FromRuntime extends BaseRuntime implements StreamSourceRuntime {
  private readonly db: string
  private readonly rp: string
  private readonly measurement: string
  private readonly where: CompiledLambda[]
  private readonly whereState: LambdaState[]
  private readonly truncate: bigint
  private readonly round: bigint
  private readonly groups: GroupCache | StarGroupCache

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.db = propString(node, 'database')
    this.rp = propString(node, 'retentionPolicy')
    this.measurement = propString(node, 'measurement')
    this.where = propLambdas(node, 'where')
    this.whereState = this.where.map((l) => l.newState({ clock: ctx.clock }))
    this.truncate = propDuration(node, 'truncate')
    this.round = propDuration(node, 'round')
    this.groups = groupCacheFor(propArgs(node, 'groupBy').map(tickString), propFlag(node, 'groupByMeasurement'))
  }

  acceptPoint(p: Point): void {
    this.forward(p.db, p.rp, p)
  }

  protected override point(m: PointMessage): void {
    this.forward(m.db, m.rp, m)
  }

  private forward(db: string, rp: string, p: Point | PointMessage): void {
    if ((this.db !== '' && db !== this.db) || (this.rp !== '' && rp !== this.rp) || (this.measurement !== '' && p.name !== this.measurement)) return
    const where = this.where
    for (let i = 0; i < where.length; i++) if (!where[i]!.evalBool(p, this.whereState[i]!)) return
    let time = p.time
    if (this.truncate > 0n) time = truncateTime(time, this.truncate)
    if (this.round > 0n) time = roundTime(time, this.round)
    this.ctx.emit({ kind: 'point', db, rp, name: p.name, tags: p.tags, fields: p.fields, time, group: this.groups.get(p.name, p.tags) })
  }
}
