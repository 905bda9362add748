/**
 * A batch task's queries over a past range (agreement §3; Kapacitor's BatchNode.Queries and
 * the replay service's batch recording): for every query node, in pipeline order, each tick
 * of its schedule from `start` up to `stop` whose query stop is not in the future, its
 * query for `[tick − offset − period, tick − offset)`; every result series is one batch
 * tagged with the node's index (`source`, the `.brpl` zip entry). Used by batch recordings
 * and `/replays/batch`.
 */
import type { PipelineDef } from '../interp/eval/pipeline-def.js'
import { systemClock, type Clock } from '../model/clock.js'
import { queryPlan } from '../nodes/query-runtime.js'
import { seriesToBatches } from './result-batches.js'
import { pipelineOrder } from '../pipeline/task-execution.js'
import type { RecordedBatch } from '../record/types.js'
import type { InfluxDBService } from './influxdb.js'
import { queryBounds, ticksOver } from './query-schedule.js'

export interface BatchRangeOptions {
  /** "now": no query may end after it (default: the system clock) */
  readonly clock?: Clock
}

/**
 * The query nodes of a batch pipeline in Kapacitor's order of its collectors (the walk
 * order, as `TaskExecution.batchInputs()`): a `.brpl` entry `n` belongs to node n.
 */
export function queryNodesOf(pipeline: PipelineDef): PipelineDef['nodes'] {
  const byName = new Map(pipeline.nodes.map((n) => [n.name, n]))
  return pipelineOrder(pipeline).map((name) => byName.get(name)!).filter((n) => n.type === 'query')
}

/**
 * Runs the queries; rejects on the first failing query (InfluxDBError) or a query node
 * whose query or schedule is invalid.
 */
export async function* batchesOverRange(
  pipeline: PipelineDef, influxdb: InfluxDBService, start: bigint, stop: bigint, opts: BatchRangeOptions = {},
): AsyncIterable<RecordedBatch> {
  const now = (opts.clock ?? systemClock).nowNs()
  const nodes = queryNodesOf(pipeline)
  for (let source = 0; source < nodes.length; source++) {
    const plan = queryPlan(nodes[source]!)
    const client = influxdb.client(plan.cluster)
    for (const tick of ticksOver(plan.schedule, { start, stop, now, offset: plan.offset })) {
      const bounds = queryBounds(tick, plan)
      const series = await client.query(plan.render(bounds.start, bounds.stop), {
        ...(plan.prepared.database ? { db: plan.prepared.database } : {}),
        ...(plan.prepared.retentionPolicy ? { rp: plan.prepared.retentionPolicy } : {}),
      })
      yield* seriesToBatches(series, { source, stop: bounds.stop, groupedByTime: plan.groupedByTime })
    }
  }
}
