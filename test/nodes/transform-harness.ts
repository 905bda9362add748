/**
 * Shared by the transform node tests (groupBy, eval, default, delete, derivative, sample,
 * changeDetect, stateDuration, stateCount, trickle): line-protocol input, a whole task run
 * through the real executor, a runtime driven directly with a recording context (for
 * batches and barriers a script cannot produce on its own), and the type-chaos check.
 */
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import { definePipeline } from '../../src/interp/eval/define.js'
import type { PipelineNode } from '../../src/interp/eval/pipeline-def.js'
import { fixedClock } from '../../src/model/clock.js'
import { NIL_GROUP, type Group } from '../../src/model/group.js'
import type { Point } from '../../src/model/point.js'
import type { BatchPoint, Message } from '../../src/pipeline/messages.js'
import { GroupStates, type NodeContext, type NodeRuntime } from '../../src/pipeline/runtime.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { startStream, ZERO_NS, type StreamRun } from '../fixtures/stream-harness.js'

/** Line protocol in db "dbname", rp "rpname", precision s (times are seconds, not shifted). */
export function lp(text: string): Point[] {
  const { points, errors } = parseLineProtocol(Buffer.from(text), { db: 'dbname', rp: 'rpname', precision: 's', now: 0n })
  if (errors.length > 0) throw new Error(errors[0]!.reason)
  return points
}

export interface Series {
  readonly name: string
  readonly tags?: Record<string, string>
  readonly columns: string[]
  readonly values: unknown[][]
}

/** Runs a script on the points and returns the run (stop it) and the endpoint's series. */
export function run(script: string, text: string, endpoint = 'out'): { run: StreamRun; series: Series[] } {
  const r = startStream(script)
  r.write(lp(text))
  const out = r.output(endpoint) as { series: Series[] | null }
  return { run: r, series: out.series ?? [] }
}

/** A node's stats by its name in the task (`eval2`, `derivative2` …). */
export function nodeStats(r: StreamRun, name: string): Record<string, number> {
  const s = r.execution.stats()['node-stats'][name]
  if (s === undefined) throw new Error(`no node ${name}`)
  return s
}

export const sec = (s: number): bigint => BigInt(s) * 1_000_000_000n

/** A runtime of `type` from the script, fed by hand; what it emits, errors and counts is recorded. */
export function direct(script: string, type: string, create: (node: PipelineNode, ctx: NodeContext) => NodeRuntime): {
  runtime: NodeRuntime
  emitted: Message[]
  errors: unknown[]
  counters: Map<string, number>
  states: Array<GroupStates<unknown>>
} {
  const def = definePipeline(script, { type: 'stream', dbrps: [{ db: 'dbname', rp: 'rpname' }] })
  const node = def.pipeline.nodes.find((n) => n.type === type)
  if (node === undefined) throw new Error(`no ${type} node`)
  const emitted: Message[] = []
  const errors: unknown[] = []
  const counters = new Map<string, number>()
  const states: Array<GroupStates<unknown>> = []
  const ctx = {
    task: 't', dbrps: [{ db: 'dbname', rp: 'rpname' }], node, clock: fixedClock(ZERO_NS), services: newTaskServices(),
    logger: undefined as never,
    emit: (m: Message) => { emitted.push(m) },
    error: (e: unknown) => { errors.push(e) },
    groups: <S>(c: (g: Group) => S) => {
      const g = new GroupStates<S>(c)
      states.push(g as GroupStates<unknown>)
      return g
    },
    counter: (name: string) => ({
      add: (n = 1) => { counters.set(name, (counters.get(name) ?? 0) + n) },
      get value() { return counters.get(name) ?? 0 },
    }),
    every: () => {},
    after: () => () => {},
    nodeStats: () => undefined,
  } satisfies NodeContext
  return { runtime: create(node, ctx), emitted, errors, counters, states }
}

/** A batch message for direct tests (nil group unless given). */
export function batch(tmax: bigint, points: BatchPoint[], group: Group = NIL_GROUP, name = 'm'): Message {
  return { kind: 'batch', name, tmax, group, tags: group.tags, points }
}

export function bp(time: bigint, fields: BatchPoint['fields'], tags: BatchPoint['tags'] = {}, name = 'm'): BatchPoint {
  return { name, tags, fields, time }
}

/**
 * Type chaos: `script` must read measurement `m` grouped by `host`, put `<node>` under
 * test, collect every output point per group (a count window) into httpOut('out'). Host
 * "chaos" gets a `value` that flips int → float → string → bool → missing; host "clean"
 * gets floats. Returns the clean series alone and mixed, the chaos series and the run.
 */
export function typeChaos(script: string): { alone: Series[]; mixed: Series[]; chaos: Series | undefined; run: StreamRun } {
  const chaosValues = ['20i', '30.5', '"str"', 'true', null]
  let clean = ''
  let both = ''
  for (let i = 0; i < 11; i++) {
    const line = `m,host=clean value=${i * 3}.5 ${i}\n`
    clean += line
    both += line
    const v = chaosValues[i % chaosValues.length]
    both += v === null ? `m,host=chaos other=1 ${i}\n` : `m,host=chaos value=${v} ${i}\n`
  }
  const a = run(script, clean)
  a.run.stop()
  const m = run(script, both)
  return {
    alone: a.series,
    mixed: m.series.filter((s) => s.tags?.['host'] === 'clean'),
    chaos: m.series.find((s) => s.tags?.['host'] === 'chaos'),
    run: m.run,
  }
}

/** Appended to a node under test: every point of a group so far, as one httpOut series. */
export const COLLECT = `|window().periodCount(100).everyCount(1)
  |httpOut('out')`

/** Kapacitor's TestStream_Cardinality recording: cpu0…cpu7 and cpu-total of one host, once a second for 10 s. */
export function cardinalityData(): string {
  let s = ''
  for (let t = 1; t <= 10; t++) {
    for (const cpu of ['cpu0', 'cpu1', 'cpu2', 'cpu3', 'cpu4', 'cpu5', 'cpu6', 'cpu7', 'cpu-total']) s += `cpu,cpu=${cpu},host=localhost usage_user=20.1 ${t}\n`
  }
  return s
}

/** Runs a script without an httpOut and returns the run (stop it). */
export function runOnly(script: string, text: string): StreamRun {
  const r = startStream(script)
  r.write(lp(text))
  return r
}
