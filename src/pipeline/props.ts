/**
 * Typed reads of a checked node's arguments and properties for runtimes: the evaluator
 * already checked every type, so these only unwrap values and apply the spec defaults.
 */
import type { Expr } from '../interp/ast.js'
import { compileLambda, type CompiledLambda } from '../interp/lambda/compile.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { NodeInstance, HandlerInstance, TickValue, DefaultValue } from '../nodes/define-node.js'

type WithProps = NodeInstance | HandlerInstance | PipelineNode

function specDefault(n: WithProps, name: string): DefaultValue | undefined {
  return n.spec.properties[name]?.default
}

/** The last call's single argument, or undefined (no default applied). */
export function propValue(n: WithProps, name: string): TickValue | undefined {
  const calls = n.props.get(name)
  return calls && calls.length > 0 ? calls[calls.length - 1]!.args[0] : undefined
}

export function propString(n: WithProps, name: string): string {
  const v = propValue(n, name)
  if (v?.type === 'string') return v.value
  const d = specDefault(n, name)
  return typeof d === 'string' ? d : ''
}

/** A duration property in nanoseconds (default from the spec, else 0). */
export function propDuration(n: WithProps, name: string): bigint {
  const v = propValue(n, name)
  if (v?.type === 'duration') return v.ns
  if (v?.type === 'int') return v.value
  const d = specDefault(n, name)
  return typeof d === 'bigint' ? d : 0n
}

export function propInt(n: WithProps, name: string): bigint {
  const v = propValue(n, name)
  if (v?.type === 'int') return v.value
  if (v?.type === 'float') return BigInt(Math.trunc(v.value))
  const d = specDefault(n, name)
  return typeof d === 'bigint' ? d : typeof d === 'number' ? BigInt(Math.trunc(d)) : 0n
}

export function propNumber(n: WithProps, name: string): number {
  const v = propValue(n, name)
  if (v?.type === 'int') return Number(v.value)
  if (v?.type === 'float') return v.value
  const d = specDefault(n, name)
  return typeof d === 'bigint' ? Number(d) : typeof d === 'number' ? d : 0
}

/** A flag (or bool-valued property): called ⇒ true unless called with FALSE. */
export function propFlag(n: WithProps, name: string): boolean {
  const calls = n.props.get(name)
  if (!calls || calls.length === 0) return specDefault(n, name) === true
  const v = calls[calls.length - 1]!.args[0]
  return v === undefined ? true : v.type === 'bool' ? v.value : true
}

/** Every argument of every call of a property, flattened (variadic and append properties). */
export function propArgs(n: WithProps, name: string): TickValue[] {
  return (n.props.get(name) ?? []).flatMap((c) => c.args)
}

/** Every call's argument list, in call order (`.tag(k, v)` pairs, `.field(name, value)`). */
export function propCalls(n: WithProps, name: string): Array<readonly TickValue[]> {
  return (n.props.get(name) ?? []).map((c) => c.args)
}

/** String values of a variadic/append property; `*` is returned as '*'. */
export function propStrings(n: WithProps, name: string): string[] {
  return propArgs(n, name).map(tickString)
}

export function tickString(v: TickValue): string {
  switch (v.type) {
    case 'string': return v.value
    case 'star': return '*'
    case 'ident': return v.name
    default: return String((v as { value?: unknown }).value ?? '')
  }
}

/** The compiled lambdas of a property (each call's, in order). */
export function propLambdas(n: WithProps, name: string): CompiledLambda[] {
  return propArgs(n, name).filter((v) => v.type === 'lambda').map((v) => compileLambda((v as { lambda: Expr }).lambda))
}

/** A lambda argument compiled. */
export function lambdaOf(v: TickValue | undefined): CompiledLambda | undefined {
  return v?.type === 'lambda' ? compileLambda(v.lambda) : undefined
}

/** A TickValue as a field value (for `.field(name, value)` defaults). */
export function fieldValueOf(v: TickValue): bigint | number | string | boolean | undefined {
  switch (v.type) {
    case 'int': return v.value
    case 'float': return v.value
    case 'string': return v.value
    case 'bool': return v.value
    case 'duration': return v.ns
    default: return undefined
  }
}
