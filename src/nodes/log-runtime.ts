/**
 * log(): logs every message as one JSON line through the task's logger at `.level()`
 * and passes it on. A point is logged with what Kapacitor's LogPointData prints (name,
 * db, rp, group, dimension, tag, field, time); a batch with its name, group, tags, time
 * (tmax) and its points (tag, field, time each) — Kapacitor writes a batch as begin /
 * point / end lines, here it is one line per message. The data sits under `point` or
 * `batch` so that its `time` does not collide with the log line's own timestamp. Times
 * are RFC 3339 with nanoseconds; integers are JSON numbers (as strings beyond 2^53, which
 * a JSON number cannot carry exactly).
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { Fields } from '../model/point.js'
import { formatRFC3339Nano } from '../model/rfc3339.js'
import type { BatchMessage, PointMessage } from '../pipeline/messages.js'
import { propString } from '../pipeline/props.js'
import { BaseRuntime, type NodeContext } from '../pipeline/runtime.js'

export class LogRuntime extends BaseRuntime {
  private readonly method: 'debug' | 'info' | 'warn' | 'error'
  private readonly prefix: string

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    const level = propString(node, 'level').toUpperCase()
    this.method = level === 'DEBUG' ? 'debug' : level === 'WARN' ? 'warn' : level === 'ERROR' ? 'error' : 'info'
    this.prefix = propString(node, 'prefix')
  }

  // the level is checked per message: the logger's level can change while the task runs
  protected override point(p: PointMessage): void {
    if (this.ctx.logger.isLevelEnabled(this.method)) {
      this.ctx.logger[this.method]({
        prefix: this.prefix,
        point: {
          name: p.name, db: p.db, rp: p.rp, group: p.group.id, dimension: p.group.dims.tagNames,
          tag: p.tags, field: jsonFields(p.fields), time: formatRFC3339Nano(p.time),
        },
      }, 'point')
    }
    this.ctx.emit(p)
  }

  protected override batch(b: BatchMessage): void {
    if (this.ctx.logger.isLevelEnabled(this.method)) {
      this.ctx.logger[this.method]({
        prefix: this.prefix,
        batch: {
          name: b.name, group: b.group.id, tag: b.tags, time: formatRFC3339Nano(b.tmax),
          points: b.points.map((p) => ({ tag: p.tags, field: jsonFields(p.fields), time: formatRFC3339Nano(p.time) })),
        },
      }, 'batch')
    }
    this.ctx.emit(b)
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** Field values JSON can carry: bigint → number (string when beyond 2^53). */
export function jsonFields(fields: Fields): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {}
  for (const k in fields) {
    const v = fields[k]!
    out[k] = typeof v === 'bigint' ? (v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v.toString()) : v
  }
  return out
}
