/**
 * In-process stream tasks for the stream benches: scripts defined and started with the
 * real parts (definePipeline, TaskExecution, one shared Matcher), as
 * test/fixtures/stream-harness.ts does for one task, but many tasks behind one matcher,
 * a silent logger and a fixed clock. Also the line-protocol bodies → parsed points step,
 * through the daemon's parser (which shares one tags object per series).
 */
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import { definePipeline } from '../../src/interp/eval/define.js'
import { Matcher } from '../../src/match/matcher.js'
import { fixedClock } from '../../src/model/clock.js'
import type { Point } from '../../src/model/point.js'
import { newTaskServices, type TaskServices } from '../../src/pipeline/services.js'
import { TaskExecution } from '../../src/pipeline/task-execution.js'
import { silentLogger } from '../../src/server/logger.js'

export const DB = 'telegraf'
export const RP = 'autogen'

export interface TaskSet {
  readonly matcher: Matcher
  readonly services: TaskServices
  readonly executions: TaskExecution[]
  stop(): void
}

/** Defines and starts one stream task per script (ids `t0`, `t1`, …), all registered with one matcher. */
export function startTasks(scripts: readonly string[]): TaskSet {
  const logger = silentLogger()
  const services = newTaskServices()
  const matcher = new Matcher()
  const clock = fixedClock(0n)
  const executions: TaskExecution[] = []
  scripts.forEach((script, i) => {
    const id = `t${i}`
    const defined = definePipeline(script, { type: 'stream', dbrps: [{ db: DB, rp: RP }] })
    const execution = new TaskExecution({ id, type: defined.type, dbrps: defined.dbrps, pipeline: defined.pipeline, logger, clock, services })
    executions.push(execution)
    matcher.add(id, execution.inputs())
  })
  return {
    matcher, services, executions,
    stop() { for (const e of executions) e.stop() },
  }
}

/** Parses line-protocol lines (ns precision) in bodies of `perBody` lines, as `/write` would; throws on a refused line. */
export function parseBodies(lines: readonly string[], perBody: number): Point[][] {
  const out: Point[][] = []
  for (let i = 0; i < lines.length; i += perBody) {
    const body = Buffer.from(lines.slice(i, i + perBody).join('\n') + '\n')
    out.push(parseBody(body))
  }
  return out
}

export function parseBody(body: Buffer): Point[] {
  const { points, errors } = parseLineProtocol(body, { db: DB, rp: RP, precision: 'ns', now: 0n })
  if (errors.length > 0) throw new Error(`refused line ${errors[0]!.line}: ${errors[0]!.reason}`)
  return points
}
