/**
 * eval(lambda…).as(names…): evaluates the lambdas in order on each point (reference §2.3;
 * Kapacitor's eval.go). A later lambda sees an earlier result by its name, unless the
 * point itself has a field or tag of that name (Kapacitor refills its scope from the point
 * before each expression). Output fields:
 * - no keep: only the results (those named in `.tags()` become tags instead);
 * - `.keep()`: every field of the point plus every result (tag results too);
 * - `.keep(names…)`: exactly the listed names, each from the results or else from the
 *   point's fields; a name found in neither is an error.
 * Results named in `.tags()` must be strings and are set as tags; a tag that is one of the
 * group's dimensions re-derives the group id.
 * An error (lambda failure, unknown keep name, non-string tag) drops the point and is
 * counted in `errors` and `eval_errors`; for a batch only that point is dropped.
 * Stateful functions (count(), sigma() …) keep their state per group.
 * Time functions (hour(), weekday() …) read the time in UTC, where Kapacitor uses the
 * server's local zone (a deliberate difference, see the lambda functions).
 */
import { makeGroup, type Group } from '../model/group.js'
import type { FieldValue, Fields, Tags } from '../model/point.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { CompiledLambda } from '../interp/lambda/compile.js'
import type { LambdaState } from '../interp/lambda/state.js'
import { Duration, LambdaEvalError, Missing, typeOf, type PointLike, type Value } from '../interp/lambda/values.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { lambdaOf, propStrings } from '../pipeline/props.js'
import { BaseRuntime, type Counter, type GroupStates, type NodeContext } from '../pipeline/runtime.js'

interface Evaluated {
  readonly fields: Fields
  readonly tags: Tags
}

export class EvalRuntime extends BaseRuntime {
  private readonly lambdas: CompiledLambda[]
  private readonly as: string[]
  private readonly isTag: boolean[]
  private readonly tagNames: string[]
  private readonly keepAll: boolean
  private readonly keepList: string[]
  private readonly states: GroupStates<LambdaState[]>
  private readonly evalErrors: Counter

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.lambdas = node.args.map((a) => lambdaOf(a)!)
    this.as = propStrings(node, 'as')
    const tags = new Set(propStrings(node, 'tags'))
    this.isTag = this.as.map((n) => tags.has(n))
    this.tagNames = this.as.filter((n) => tags.has(n))
    const keep = node.props.get('keep')
    this.keepList = propStrings(node, 'keep')
    this.keepAll = keep !== undefined && keep.length > 0 && this.keepList.length === 0
    this.states = ctx.groups(() => this.lambdas.map((l) => l.newState({ clock: ctx.clock })))
    this.evalErrors = ctx.counter('eval_errors')
  }

  protected override point(p: PointMessage): void {
    let out: Evaluated
    try {
      out = this.evaluate(p, this.states.get(p.group))
    } catch (err) {
      this.evalErrors.add()
      throw err
    }
    this.ctx.emit({ ...p, fields: out.fields, tags: out.tags, group: out.tags === p.tags ? p.group : regroup(p.group, p.name, out.tags) })
  }

  protected override batch(b: BatchMessage): void {
    const states = this.states.get(b.group)
    const points: BatchPoint[] = []
    for (const p of b.points) {
      try {
        const out = this.evaluate(p, states)
        points.push({ name: p.name, tags: out.tags, fields: out.fields, time: p.time })
      } catch (err) {
        this.evalErrors.add()
        this.ctx.error(err, { group: b.group })
      }
    }
    this.ctx.emit({ ...b, points })
  }

  private evaluate(p: PointLike, states: LambdaState[]): Evaluated {
    const n = this.lambdas.length
    const results: Record<string, FieldValue> = {}
    let scope: PointLike = p
    let scopeFields: Record<string, FieldValue> | undefined
    for (let i = 0; i < n; i++) {
      const name = this.as[i]!
      const v = fieldValue(this.lambdas[i]!.eval(scope, states[i]!), name)
      results[name] = v
      if (i + 1 === n) break
      // later lambdas see this result, unless the point has a field or tag of that name
      if (scopeFields === undefined) {
        scopeFields = { ...p.fields }
        scope = { name: p.name, tags: p.tags, time: p.time, fields: scopeFields }
      }
      if (!Object.hasOwn(p.fields, name) && !Object.hasOwn(p.tags, name)) scopeFields[name] = v
    }
    let fields: Record<string, FieldValue>
    if (this.keepList.length > 0) {
      fields = {}
      for (const k of this.keepList) {
        if (Object.hasOwn(results, k)) fields[k] = results[k]!
        else if (Object.hasOwn(p.fields, k)) fields[k] = p.fields[k]!
        else throw new LambdaEvalError(`cannot keep field ${JSON.stringify(k)}, field does not exist`)
      }
    } else if (this.keepAll) {
      fields = { ...p.fields, ...results }
    } else {
      fields = {}
      for (let i = 0; i < n; i++) if (!this.isTag[i]) fields[this.as[i]!] = results[this.as[i]!]!
    }
    let tags = p.tags
    if (this.tagNames.length > 0) {
      const t: Record<string, string> = { ...p.tags }
      for (const name of this.tagNames) {
        const v = results[name]
        if (typeof v !== 'string') throw new LambdaEvalError(`result of a tag expression must be of type string, got ${valueTypeName(v!)}`)
        t[name] = v
      }
      tags = t
    }
    return { fields, tags }
  }
}

/** A lambda result as a field value: durations become int nanoseconds (as Kapacitor stores a time.Duration). */
function fieldValue(v: Value, name: string): FieldValue {
  switch (typeof v) {
    case 'bigint': case 'number': case 'string': case 'boolean': return v
  }
  if (v instanceof Duration) return v.ns
  if (v instanceof Missing) throw new LambdaEvalError(`missing value for ${JSON.stringify(v.reference)}`)
  throw new LambdaEvalError(`cannot store a ${typeOf(v)} value as field ${JSON.stringify(name)}`)
}

function valueTypeName(v: FieldValue): string {
  switch (typeof v) {
    case 'bigint': return 'int64'
    case 'number': return 'float64'
    case 'boolean': return 'bool'
    default: return 'string'
  }
}

/** The point's group after its tags changed: same dimensions, id from the new tag values. */
export function regroup(group: Group, name: string, tags: Tags): Group {
  const dims = group.dims.tagNames
  for (let i = 0; i < dims.length; i++) {
    if (group.tags[dims[i]!] !== (tags[dims[i]!] ?? '')) return makeGroup(name, tags, group.dims)
  }
  return group
}
