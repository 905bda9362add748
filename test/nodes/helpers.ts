/** Builds NodeInstances for validate() tests without the evaluator. */
import type { NodeInstance, NodeSpec, PropertyCall, TickValue } from '../../src/nodes/index.js'

export const dur = (ns: bigint): TickValue => ({ type: 'duration', ns })
export const i = (v: number): TickValue => ({ type: 'int', value: BigInt(v) })
export const f = (v: number): TickValue => ({ type: 'float', value: v })
export const s = (value: string): TickValue => ({ type: 'string', value })
export const star: TickValue = { type: 'star' }
export const nodeRef: TickValue = { type: 'node', node: {} }

export function instance(spec: NodeSpec, args: TickValue[], props: Record<string, TickValue[][]> = {}): NodeInstance {
  const m = new Map<string, PropertyCall[]>()
  for (const [k, calls] of Object.entries(props)) m.set(k, calls.map((c) => ({ args: c })))
  return { spec, args, props: m, handlers: [], input: 'stream' }
}

export function problems(spec: NodeSpec, args: TickValue[], props: Record<string, TickValue[][]> = {}): string[] {
  const out: string[] = []
  spec.validate?.(instance(spec, args, props), (m) => out.push(m))
  return out
}

export function atStart(spec: NodeSpec, args: TickValue[], props: Record<string, TickValue[][]> = {}): string[] {
  const out: string[] = []
  spec.validateAtStart?.(instance(spec, args, props), (m) => out.push(m))
  return out
}
