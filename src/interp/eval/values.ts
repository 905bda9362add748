/**
 * Script-level values during evaluation (what a `var` holds, what an argument is), the
 * conversions to the lambda compiler's values and back to literal AST nodes (so that bare
 * identifiers inside lambdas are replaced by the var values), and Go type names for
 * Kapacitor's error wording (`*pipeline.WindowNode`, `int64`).
 */
import type { Expr, Loc } from '../ast.js'
import { Duration, type Value } from '../lambda/values.js'
import { compileRe2 } from '../lambda/regex.js'
import { goName, influxqlInfo, type HandlerInstance, type HandlerSpec, type NodeSpec, type PropertyCall, type TickValue } from '../../nodes/index.js'
import type { ScopeValue } from '../lambda/compile.js'

/** A node while the script is evaluated (mutable; frozen into a PipelineNode afterwards). */
export interface NodeBuilder {
  readonly id: number
  readonly name: string
  readonly spec: NodeSpec
  readonly args: TickValue[]
  readonly props: Map<string, PropertyCall[]>
  readonly handlers: HandlerBuilder[]
  current: HandlerBuilder | undefined
  readonly parents: NodeBuilder[]
  readonly children: NodeBuilder[]
  readonly loc: Loc | undefined
  watches?: NodeBuilder
  implicit?: boolean
}

export interface HandlerBuilder extends HandlerInstance {
  readonly spec: HandlerSpec
  readonly props: Map<string, PropertyCall[]>
}

/** Evaluation values: the nodes' TickValues, plus a `"reference"` outside a lambda and the error sentinel. */
export type Val =
  | TickValue
  | { readonly type: 'reference'; readonly name: string; readonly loc: Loc }
  /** an expression that already failed (its problem is reported); absorbs further use silently */
  | { readonly type: 'poison' }

export const POISON: Val = Object.freeze({ type: 'poison' })

export function nodeOf(v: Val): NodeBuilder | undefined {
  return v.type === 'node' ? (v.node as NodeBuilder) : undefined
}

/** Go's %T of a value, as Kapacitor's messages print it. */
export function goType(v: Val): string {
  switch (v.type) {
    case 'int': return 'int64'
    case 'float': return 'float64'
    case 'string': return 'string'
    case 'bool': return 'bool'
    case 'duration': return 'time.Duration'
    case 'regex': return '*regexp.Regexp'
    case 'star': return '*ast.StarNode'
    case 'lambda': return '*ast.LambdaNode'
    case 'list': return '[]interface {}'
    case 'node': return goNodeType((v.node as NodeBuilder).spec)
    case 'time': return 'time.Duration'
    case 'ident': return '*ast.IdentifierNode'
    case 'operator': return '*ast.OperatorNode'
    case 'reference': return '*ast.ReferenceNode'
    case 'poison': return 'nil'
  }
}

/** `*pipeline.WindowNode`; every InfluxQL function is `*pipeline.InfluxQLNode`; an expanding call is its last node. */
export function goNodeType(spec: NodeSpec): string {
  if (influxqlInfo(spec.name)) return '*pipeline.InfluxQLNode'
  const name = spec.expandsTo ? spec.expandsTo[spec.expandsTo.length - 1]! : spec.name
  // Go spells initialisms in capitals (HTTPOutNode)
  return `*pipeline.${goName(name).replace(/^Http/, 'HTTP')}Node`
}

/** A var's value as the lambda compiler's scope holds it (lambdas are inlined as expressions). */
export function toScopeValue(v: Val): ScopeValue | undefined {
  switch (v.type) {
    case 'int': return v.value
    case 'float': return v.value
    case 'string': return v.value
    case 'bool': return v.value
    case 'duration': return new Duration(v.ns)
    case 'regex':
      try { return compileRe2(v.source) } catch { return undefined }
    case 'lambda': return v.lambda.body
    default: return undefined
  }
}

/** A lambda compiler value back to a script value. */
export function fromValue(v: Value): TickValue | undefined {
  if (typeof v === 'bigint') return { type: 'int', value: v }
  if (typeof v === 'number') return { type: 'float', value: v }
  if (typeof v === 'string') return { type: 'string', value: v }
  if (typeof v === 'boolean') return { type: 'bool', value: v }
  if (v instanceof Duration) return { type: 'duration', ns: v.ns }
  return undefined
}

/** A literal AST node carrying `v`, located at `loc` (for inlining var values into lambdas). */
export function toLiteral(v: Val, loc: Loc): Expr | undefined {
  switch (v.type) {
    case 'int': return { kind: 'Int', value: v.value, text: v.value.toString(), loc }
    case 'float': return { kind: 'Float', value: v.value, text: String(v.value), loc }
    case 'string': return { kind: 'String', value: v.value, triple: false, loc }
    case 'bool': return { kind: 'Bool', value: v.value, loc }
    case 'duration': return { kind: 'Duration', ns: v.ns, text: `${v.ns}ns`, loc }
    case 'regex': return { kind: 'Regex', source: v.source, loc }
    case 'lambda': return v.lambda.body
    default: return undefined
  }
}

/** Replaces every bare identifier naming a scalar or lambda var by its value (Kapacitor's resolveIdents). */
export function inlineVars(e: Expr, lookup: (name: string) => Val | undefined): Expr {
  switch (e.kind) {
    case 'Ident': {
      const v = lookup(e.name)
      return (v && toLiteral(v, e.loc)) ?? e
    }
    case 'Lambda': return { ...e, body: inlineVars(e.body, lookup) }
    case 'Unary': return { ...e, operand: inlineVars(e.operand, lookup) }
    case 'Binary': return { ...e, left: inlineVars(e.left, lookup), right: inlineVars(e.right, lookup) }
    case 'Call': return { ...e, args: e.args.map((a) => inlineVars(a, lookup)) }
    case 'List': return { ...e, items: e.items.map((a) => inlineVars(a, lookup)) }
    default: return e
  }
}
