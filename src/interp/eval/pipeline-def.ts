/**
 * The checked pipeline definition: what definePipeline() produces and the runtime executes.
 * Plain data: every node with its Kapacitor name (`<desc><id>`), spec type, the values of
 * its chaining call, every property call (NodeInstance, so a spec's validate() reads it
 * directly), its handlers, its edge types and its parents/children by name. Lambdas are
 * kept as ASTs whose bare identifiers were already replaced by the `var` values, so the
 * runtime compiles them with an empty scope (`compileLambda(lambda)`).
 */
import type { Loc } from '../ast.js'
import { formatExpr } from '../format.js'
import { formatInfluxDuration } from '../lambda/durations.js'
import {
  type DefaultValue, type EdgeType, type HandlerInstance, type NodeInstance, type NodeSpec, type PropertyCall,
  type PropertySpec, type TickValue, COMMON_PROPERTIES,
} from '../../nodes/index.js'
import type { VarType } from '../ast.js'

export type TaskType = 'stream' | 'batch'

export interface Dbrp { readonly db: string; readonly rp: string }

export interface PipelineNode extends NodeInstance {
  /** creation order, Kapacitor's node id */
  readonly id: number
  /** `<desc><id>`: `stream0`, `from1`, `influxdb_out5` — stats and DOT key */
  readonly name: string
  /** the spec name (`influxDBOut`) */
  readonly type: string
  readonly desc: string
  /** the edge type this node emits (null for sinks) */
  readonly output: EdgeType | null
  readonly parents: readonly string[]
  readonly children: readonly string[]
  /** for `stats` nodes (sources without parent edges): the node they watch */
  readonly watches?: string
  /** created by the evaluator, not by a call in the script (design-doc implicit from, deadman expansion) */
  readonly implicit?: boolean
}

export interface PipelineDef {
  /** every node in creation (id) order */
  readonly nodes: readonly PipelineNode[]
  /** nodes without parents (the root, `stats` nodes), in creation order */
  readonly sources: readonly string[]
}

/** A declared var (for templates): Kapacitor's vars JSON entry. */
export interface DeclaredVar {
  readonly type: VarType | 'node'
  readonly value: unknown
  readonly description: string
}

// ---------------------------------------------------------------------------------
// Reading properties

export type Resolved = TickValue | readonly TickValue[] | DefaultValue | undefined

/**
 * The value of a property: the last call's single argument (or argument list when the
 * property takes several), `true` for a called flag, every call's arguments for 'append'
 * properties, else the spec default (undefined when none).
 */
export function resolveProperty(spec: PropertySpec, calls: readonly PropertyCall[] | undefined): Resolved {
  if (!calls || calls.length === 0) return spec.default
  if (spec.flag) return true
  const one = (c: PropertyCall): TickValue | readonly TickValue[] =>
    spec.params.length === 1 && !spec.params[0]!.variadic ? (c.args[0] ?? { type: 'bool', value: true }) : c.args
  if (spec.repeat === 'append') return calls.map((c) => one(c)) as TickValue[] | TickValue[][] as readonly TickValue[]
  return one(calls[calls.length - 1]!)
}

// ---------------------------------------------------------------------------------
// JSON view (API, golden files)

export type JSONValue = null | boolean | number | string | JSONValue[] | { [k: string]: JSONValue }

export function tickValueJSON(v: TickValue): JSONValue {
  switch (v.type) {
    case 'int': return Number.isSafeInteger(Number(v.value)) ? Number(v.value) : v.value.toString()
    case 'float': return Number.isFinite(v.value) ? v.value : String(v.value)
    case 'duration': return formatInfluxDuration(v.ns)
    case 'string': return v.value
    case 'bool': return v.value
    case 'regex': return `/${v.source}/`
    case 'star': return '*'
    case 'lambda': return `lambda: ${formatExpr(v.lambda.body, '')}`
    case 'list': return v.items.map(tickValueJSON)
    case 'node': return (v.node as { name?: string }).name ?? null
    case 'time': return v.offset === 0n ? `time(${formatInfluxDuration(v.ns)})` : `time(${formatInfluxDuration(v.ns)}, ${formatInfluxDuration(v.offset)})`
    case 'ident': return v.name
    case 'operator': return v.op
  }
}

function resolvedJSON(spec: PropertySpec, r: Resolved): JSONValue | undefined {
  if (r === undefined) return undefined
  if (r === null || typeof r === 'boolean' || typeof r === 'string' || typeof r === 'number') return r
  if (typeof r === 'bigint') return spec.params[0]?.type.kind === 'duration' ? formatInfluxDuration(r) : Number(r)
  if (Array.isArray(r)) return r.map((x) => (Array.isArray(x) ? x.map(tickValueJSON) : typeof x === 'string' ? x : tickValueJSON(x as TickValue)))
  return tickValueJSON(r as TickValue)
}

function propsJSON(props: Readonly<Record<string, PropertySpec>>, calls: ReadonlyMap<string, readonly PropertyCall[]>, withDefaults: boolean): Record<string, JSONValue> {
  const out: Record<string, JSONValue> = {}
  for (const [name, spec] of Object.entries(props)) {
    const c = calls.get(name)
    if (!withDefaults && (!c || c.length === 0)) continue
    const j = resolvedJSON(spec, resolveProperty(spec, c))
    if (j !== undefined) out[name] = j
  }
  return out
}

function handlerJSON(h: HandlerInstance): JSONValue {
  return { handler: h.spec.name, args: h.args.map(tickValueJSON), properties: propsJSON(h.spec.properties, h.props, false) }
}

/** JSON-safe view of a node: properties resolved with defaults applied. */
export function nodeDefJSON(n: PipelineNode): Record<string, JSONValue> {
  const spec: NodeSpec = n.spec
  const common = COMMON_PROPERTIES
  return {
    id: n.id, name: n.name, type: n.type, desc: n.desc,
    input: n.input, output: n.output,
    parents: [...n.parents], children: [...n.children],
    ...(n.watches !== undefined ? { watches: n.watches } : {}),
    ...(n.implicit ? { implicit: true } : {}),
    args: n.args.map(tickValueJSON),
    properties: { ...propsJSON(spec.properties, n.props, true), ...propsJSON(common, n.props, false) },
    ...(n.handlers.length > 0 ? { handlers: n.handlers.map(handlerJSON) } : {}),
    ...(n.loc ? { line: n.loc.start.line, char: n.loc.start.column } : {}),
  }
}


export function pipelineJSON(p: PipelineDef): { nodes: Record<string, JSONValue>[]; sources: string[] } {
  return { nodes: p.nodes.map(nodeDefJSON), sources: [...p.sources] }
}

// ---------------------------------------------------------------------------------
// DOT

/**
 * Kapacitor's Pipeline.Dot(): `digraph <name> {` then, for every node in topological
 * order (depth-first from the sources, taken in reverse order, reversed post-order),
 * one `parent -> child;` line per child, then `}`. A node whose spec has `dot: false`
 * draws nothing (Kapacitor's BatchNode.dot() is empty: `batch0 -> query1` is left out).
 */
export function toDot(p: PipelineDef, taskName: string): string {
  const byName = new Map(p.nodes.map((n) => [n.name, n]))
  const sorted: PipelineNode[] = []
  const done = new Set<string>()
  const visit = (n: PipelineNode): void => {
    if (done.has(n.name)) return
    done.add(n.name)
    for (const c of n.children) visit(byName.get(c)!)
    sorted.push(n)
  }
  for (let i = p.sources.length - 1; i >= 0; i--) visit(byName.get(p.sources[i]!)!)
  sorted.reverse()
  let out = `digraph ${taskName} {\n`
  for (const n of sorted) if (n.spec.dot) for (const c of n.children) out += `${n.name} -> ${c};\n`
  return out + '}'
}

export type { Loc }
