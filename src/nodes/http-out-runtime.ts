/**
 * httpOut(endpoint): keeps the last message of each group (a point as a one-row series, a
 * batch as all its rows), in group creation order, and serves them as Kapacitor's JSON at
 * GET /kapacitor/v1/tasks/<task>/<endpoint>. Passes every message on (chainable).
 * A delete-group message removes the group's series.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { BatchMessage, DeleteGroupMessage, PointMessage } from '../pipeline/messages.js'
import { batchRow, pointRow, resultJSON, type Row } from '../pipeline/result-json.js'
import { tickString } from '../pipeline/props.js'
import { BaseRuntime, type NodeContext } from '../pipeline/runtime.js'

export class HttpOutRuntime extends BaseRuntime {
  /** the last message per group; rows are built only when the endpoint is read */
  private readonly last = new Map<string, PointMessage | BatchMessage>()

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    const endpoint = tickString(node.args[0]!)
    ctx.services.httpOut.register(ctx.task, endpoint, { render: () => resultJSON([...this.last.values()].map(toRow)) })
  }

  protected override point(p: PointMessage): void {
    this.last.set(p.group.id, p)
    this.ctx.emit(p)
  }

  protected override batch(b: BatchMessage): void {
    this.last.set(b.group.id, b)
    this.ctx.emit(b)
  }

  protected override deleteGroup(m: DeleteGroupMessage): void {
    this.last.delete(m.group.id)
    this.ctx.emit(m)
  }
}

function toRow(m: PointMessage | BatchMessage): Row {
  return m.kind === 'point' ? pointRow(m) : batchRow(m)
}
