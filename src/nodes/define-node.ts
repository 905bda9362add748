/**
 * The node spec: the one declaration of a TICKscript node type (STYLE §1). Everything
 * that needs to know about a node type — the checker, DOT output, the API's JSON, the
 * formatter and the executor — reads these objects through the registry
 * (`src/nodes/index.ts`); nothing else switches on node names.
 *
 * A spec says: the TICKscript chaining-method name and Kapacitor's stat/DOT name
 * (`desc`), the edge it wants and provides, the arguments of the chaining call that
 * creates it, its property methods (argument types, default, whether repeatable), any
 * chaining methods only it has, alert-style handler sub-specs, validation, and
 * (later) the runtime factory.
 */
import type { Lambda, Loc, BinaryOp } from '../interp/ast.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { NodeContext, NodeRuntime } from '../pipeline/runtime.js'

// ---------------------------------------------------------------------------------
// Edges

export type EdgeType = 'stream' | 'batch'
/** What a node accepts from its parent; 'none' = a root (`stream`, `batch`). */
export type Wants = EdgeType | 'any' | 'none'
/** What a node emits; 'same' = whatever it was given; 'none' = a sink (no children). */
export type Provides = EdgeType | 'same' | 'none'

// ---------------------------------------------------------------------------------
// Argument and property value types

export type ValueType =
  | { readonly kind: 'duration' }
  | { readonly kind: 'int' }
  | { readonly kind: 'float' }
  /** int or float */
  | { readonly kind: 'number' }
  | { readonly kind: 'string' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'lambda' }
  | { readonly kind: 'regex' }
  | { readonly kind: 'star' }
  /** another node (join/union parents) */
  | { readonly kind: 'node' }
  /** `time(d[, offset])` — the query's GROUP BY time dimension */
  | { readonly kind: 'time' }
  /** a bare identifier naming something (design-doc `map(mean, …)`) */
  | { readonly kind: 'ident' }
  /** a bare operator (design-doc `filter(<, 30)`) */
  | { readonly kind: 'operator' }
  /** one of the listed strings, optionally also any number (`fill('null' | 'none' | 0.0)`) */
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly orNumber: boolean }
  | { readonly kind: 'oneOf'; readonly of: readonly ValueType[] }
  /** a bracketed list literal of T */
  | { readonly kind: 'list'; readonly of: ValueType }

export const duration = (): ValueType => ({ kind: 'duration' })
export const int = (): ValueType => ({ kind: 'int' })
export const float = (): ValueType => ({ kind: 'float' })
export const number = (): ValueType => ({ kind: 'number' })
export const string = (): ValueType => ({ kind: 'string' })
export const bool = (): ValueType => ({ kind: 'bool' })
export const lambda = (): ValueType => ({ kind: 'lambda' })
export const regex = (): ValueType => ({ kind: 'regex' })
export const star = (): ValueType => ({ kind: 'star' })
export const node = (): ValueType => ({ kind: 'node' })
export const timeDimension = (): ValueType => ({ kind: 'time' })
export const ident = (): ValueType => ({ kind: 'ident' })
export const operator = (): ValueType => ({ kind: 'operator' })
export const enumOf = (values: readonly string[], opts: { orNumber?: boolean } = {}): ValueType =>
  ({ kind: 'enum', values, orNumber: opts.orNumber ?? false })
export const oneOf = (...of: ValueType[]): ValueType => ({ kind: 'oneOf', of })
export const list = (of: ValueType): ValueType => ({ kind: 'list', of })

/** `string`, `int|float`, `[string]`, `'none'|'null'|number` — for messages and docs. */
export function typeName(t: ValueType): string {
  switch (t.kind) {
    case 'enum': return [...t.values.map((v) => `'${v}'`), ...(t.orNumber ? ['number'] : [])].join('|')
    case 'oneOf': return t.of.map(typeName).join('|')
    case 'list': return `[${typeName(t.of)}]`
    case 'time': return 'time(duration)'
    default: return t.kind
  }
}

/** One positional parameter of a chaining call, property call or handler call. */
export interface Param {
  readonly name: string
  readonly type: ValueType
  /** may be left out (only trailing parameters) */
  readonly optional: boolean
  /** takes zero or more values (only the last parameter) */
  readonly variadic: boolean
}

type ParamInput = ValueType | Param

function isParam(p: ParamInput): p is Param {
  return 'type' in p && 'variadic' in p
}

export const param = (name: string, type: ValueType): Param => ({ name, type, optional: false, variadic: false })
/** zero or more values of `type` */
export const variadic = (type: ValueType, name = 'values'): Param => ({ name, type, optional: true, variadic: true })
/** a trailing parameter that may be left out */
export const optional = (type: ValueType, name = 'value'): Param => ({ name, type, optional: true, variadic: false })

function toParams(input: ParamInput | readonly ParamInput[]): Param[] {
  const arr: readonly ParamInput[] = Array.isArray(input) ? input : [input as ParamInput]
  return arr.map((p, i) => (isParam(p) ? p : param(arr.length === 1 ? 'value' : `arg${i}`, p)))
}

// ---------------------------------------------------------------------------------
// Values as the evaluator hands them to validation (and later to runtimes)

export type TickValue =
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'duration'; readonly ns: bigint }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'regex'; readonly source: string }
  | { readonly type: 'star' }
  | { readonly type: 'lambda'; readonly lambda: Lambda }
  | { readonly type: 'list'; readonly items: readonly TickValue[] }
  | { readonly type: 'node'; readonly node: unknown }
  | { readonly type: 'time'; readonly ns: bigint; readonly offset: bigint }
  | { readonly type: 'ident'; readonly name: string }
  | { readonly type: 'operator'; readonly op: BinaryOp }

/** Does `v` fit `t`? Ints are accepted where floats are wanted (Kapacitor converts). */
export function accepts(t: ValueType, v: TickValue): boolean {
  switch (t.kind) {
    case 'number': return v.type === 'int' || v.type === 'float'
    case 'float': return v.type === 'float' || v.type === 'int'
    case 'enum': return (v.type === 'string' && t.values.includes(v.value)) || (t.orNumber && (v.type === 'int' || v.type === 'float'))
    case 'oneOf': return t.of.some((x) => accepts(x, v))
    case 'list': return v.type === 'list' && v.items.every((x) => accepts(t.of, x))
    default: return v.type === t.kind
  }
}

// ---------------------------------------------------------------------------------
// Properties

/**
 * What calling a property twice does: 'replace' (last call wins — Kapacitor's usual
 * field assignment), 'append' (each call adds: `.tag(k, v)`, `.header(k, v)`,
 * `from().where` ANDed), 'once' (a second call is an error).
 */
export type Repeat = 'replace' | 'append' | 'once'

export type DefaultValue = bigint | number | string | boolean | readonly string[] | null

export interface PropertySpec {
  readonly name: string
  readonly params: readonly Param[]
  /** `.align()`: takes no argument and sets true */
  readonly flag: boolean
  /** the value when never called; durations and ints as bigint (ns for durations) */
  readonly default?: DefaultValue
  readonly repeat: Repeat
  readonly doc: string
  /** another property of the same spec this one is a spelling of */
  readonly aliasOf?: string
}

export interface PropertyInput {
  readonly params: readonly Param[]
  readonly flag: boolean
  readonly default?: DefaultValue
  readonly repeat?: Repeat
  readonly doc?: string
  readonly aliasOf?: string
}

export interface PropOptions {
  readonly default?: DefaultValue
  readonly repeat?: Repeat
  readonly doc?: string
  readonly aliasOf?: string
}

/** A property taking the given parameters: `prop(duration(), { default: S })`, `prop([string(), string()], { repeat: 'append' })`. */
export function prop(params: ParamInput | readonly ParamInput[], opts: PropOptions = {}): PropertyInput {
  return { params: toParams(params), flag: false, ...opts }
}

/** A no-argument property that sets true (`.align()`, `.nonNegative()`); default false. */
export function flag(opts: Omit<PropOptions, 'default'> = {}): PropertyInput {
  return { params: [], flag: true, default: false, ...opts }
}

/** A property whose single argument is optional: `.keep()` / `.keep('a','b')`, `.stateChangesOnly([d])`. */
export function optionalProp(type: ValueType, opts: PropOptions = {}): PropertyInput {
  return { params: [optional(type)], flag: false, ...opts }
}

type PropertiesInput = Readonly<Record<string, ValueType | PropertyInput>>

function isPropertyInput(x: ValueType | PropertyInput): x is PropertyInput {
  return 'params' in x
}

function buildProperties(input: PropertiesInput | undefined): Readonly<Record<string, PropertySpec>> {
  const out: Record<string, PropertySpec> = {}
  for (const [name, v] of Object.entries(input ?? {})) {
    const p: PropertyInput = isPropertyInput(v) ? v : prop(v)
    out[name] = {
      name, params: p.params, flag: p.flag, repeat: p.repeat ?? 'replace', doc: p.doc ?? '',
      ...(p.default !== undefined ? { default: p.default } : {}),
      ...(p.aliasOf !== undefined ? { aliasOf: p.aliasOf } : {}),
    }
  }
  return Object.freeze(out)
}

// ---------------------------------------------------------------------------------
// Configured node instance (what the evaluator builds; what validate() checks)

export interface PropertyCall {
  readonly args: readonly TickValue[]
  readonly loc?: Loc
}

export interface HandlerInstance {
  readonly spec: HandlerSpec
  readonly args: readonly TickValue[]
  readonly props: ReadonlyMap<string, readonly PropertyCall[]>
  readonly loc?: Loc
}

export interface NodeInstance {
  readonly spec: NodeSpec
  readonly args: readonly TickValue[]
  /**
   * every call of each property, in call order, keyed by the canonical PropertySpec.name
   * (`.Period()` is stored under `period`; an alias under its `aliasOf`)
   */
  readonly props: ReadonlyMap<string, readonly PropertyCall[]>
  readonly handlers: readonly HandlerInstance[]
  /** the edge type this node actually receives (null for roots) */
  readonly input: EdgeType | null
  readonly loc?: Loc
}

/** Report a problem at `loc` (default: the node's chaining call). */
export type Report = (message: string, loc?: Loc) => void

// ---------------------------------------------------------------------------------
// Handlers (alert's `.post()`, `.slack()`, …)

export interface HandlerSpec {
  /** the alert property method, e.g. `email`, `pagerDuty2` */
  readonly name: string
  /** topic-handler kind / config section, e.g. `smtp` for `.email()` */
  readonly kind: string
  readonly doc: string
  readonly args: readonly Param[]
  readonly properties: Readonly<Record<string, PropertySpec>>
  /** config option `global` attaches it to every alert */
  readonly global: boolean
  /** config `state-changes-only` forces stateChangesOnly when global */
  readonly stateChangesOnly: boolean
}

export interface HandlerInput {
  readonly name: string
  readonly kind?: string
  readonly doc: string
  readonly args?: readonly ParamInput[]
  readonly properties?: PropertiesInput
  readonly global?: boolean
  readonly stateChangesOnly?: boolean
}

export function defineHandler(h: HandlerInput): HandlerSpec {
  return Object.freeze({
    name: h.name, kind: h.kind ?? h.name.toLowerCase(), doc: h.doc,
    args: h.args ? toParams(h.args) : [],
    properties: buildProperties(h.properties),
    global: h.global ?? false, stateChangesOnly: h.stateChangesOnly ?? false,
  })
}

// ---------------------------------------------------------------------------------
// Node specs

/** Builds the node's runtime for one running task (src/pipeline). */
export type CreateRuntime = (node: PipelineNode, ctx: NodeContext) => NodeRuntime

export interface NodeSpec {
  /** the TICKscript identifier / chaining method: `window`, `influxDBOut` */
  readonly name: string
  /** Kapacitor's desc: DOT and stats node-name prefix (`influxdb_out5`) */
  readonly desc: string
  readonly wants: Wants
  readonly provides: Provides
  readonly doc: string
  /** arguments of the chaining call that creates it */
  readonly args: readonly Param[]
  readonly properties: Readonly<Record<string, PropertySpec>>
  /**
   * Chaining methods available on this node besides the generic ones. A node with
   * `onlyAfter` is not generic: it is callable only on the node types listed there.
   */
  readonly chains: readonly string[]
  /** if set, this node's chaining method exists only on these node types (`from` on stream/from) */
  readonly onlyAfter?: readonly string[]
  /** whether every generic chaining method (`|window()`, `|alert()`…) may follow it */
  readonly chainable: boolean
  /** handler sub-specs (alert, deadman) */
  readonly handlers: readonly HandlerSpec[]
  /** node-specific stats, besides the common ones */
  readonly stats: readonly string[]
  /** declared for completeness but not implemented */
  readonly unsupported?: string
  /** an internal node no script can name (`noOp`) */
  readonly internal: boolean
  /** the chaining call expands into several nodes (deadman = stats|derivative|alert) */
  readonly expandsTo?: readonly string[]
  /** drawn in the DOT graph (Kapacitor leaves the `batch` root out: its edges are not data edges) */
  readonly dot: boolean
  readonly validate?: (node: NodeInstance, report: Report) => void
  /** checks Kapacitor makes only when the task starts (enable/replay), not at define time */
  readonly validateAtStart?: (node: NodeInstance, report: Report) => void
  readonly create?: CreateRuntime
}

export interface NodeInput {
  readonly name: string
  readonly desc?: string
  readonly wants: Wants
  readonly provides: Provides
  readonly doc: string
  readonly args?: readonly ParamInput[]
  readonly properties?: PropertiesInput
  readonly chains?: readonly string[]
  readonly onlyAfter?: readonly string[]
  readonly chainable?: boolean
  readonly handlers?: readonly HandlerSpec[]
  readonly stats?: readonly string[]
  readonly unsupported?: string
  readonly internal?: boolean
  readonly expandsTo?: readonly string[]
  readonly dot?: boolean
  readonly validate?: (node: NodeInstance, report: Report) => void
  readonly validateAtStart?: (node: NodeInstance, report: Report) => void
  readonly create?: CreateRuntime
}

/** Stats every node reports (Kapacitor's node-stats keys). */
export const COMMON_STATS: readonly string[] = ['avg_exec_time_ns', 'errors', 'working_cardinality']

/** Properties every node has: `.quiet()` and the design-doc `.parallelism(n)`. */
export const COMMON_PROPERTIES: Readonly<Record<string, PropertySpec>> = buildProperties({
  quiet: flag({ doc: 'Suppress errors logged by this node.' }),
  parallelism: prop(int(), { default: 1n, doc: 'Design-doc dialect: how many workers run this node (recorded).' }),
})

export function defineNode(n: NodeInput): NodeSpec {
  const properties = buildProperties(n.properties)
  for (const name of Object.keys(properties)) {
    if (name in COMMON_PROPERTIES) throw new Error(`node ${n.name}: property ${name} is common to every node`)
  }
  const spec: NodeSpec = {
    name: n.name,
    desc: n.desc ?? n.name.toLowerCase(),
    wants: n.wants,
    provides: n.provides,
    doc: n.doc,
    args: n.args ? toParams(n.args) : [],
    properties,
    chains: n.chains ?? [],
    ...(n.onlyAfter ? { onlyAfter: n.onlyAfter } : {}),
    chainable: n.chainable ?? (n.provides !== 'none' && n.wants !== 'none'),
    handlers: n.handlers ?? [],
    stats: n.stats ?? [],
    ...(n.unsupported ? { unsupported: n.unsupported } : {}),
    internal: n.internal ?? false,
    ...(n.expandsTo ? { expandsTo: n.expandsTo } : {}),
    dot: n.dot ?? true,
    ...(n.validate ? { validate: n.validate } : {}),
    ...(n.validateAtStart ? { validateAtStart: n.validateAtStart } : {}),
    ...(n.create ? { create: n.create } : {}),
  }
  return Object.freeze(spec)
}

// ---------------------------------------------------------------------------------
// Helpers for validate() implementations

/** Nanoseconds in a second, minute… for defaults. */
export const NS = { s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n } as const

/** The last call's value of a single-argument property, or undefined. */
export function lastArg(n: NodeInstance | HandlerInstance, prop: string): TickValue | undefined {
  const calls = n.props.get(prop)
  return calls && calls.length > 0 ? calls[calls.length - 1]!.args[0] : undefined
}

/** Was the property called at all (flags: called = true). */
export function isSet(n: NodeInstance | HandlerInstance, prop: string): boolean {
  return (n.props.get(prop)?.length ?? 0) > 0
}

/** All arguments of all calls of a (variadic) property, flattened. */
export function allArgs(n: NodeInstance | HandlerInstance, prop: string): TickValue[] {
  return (n.props.get(prop) ?? []).flatMap((c) => c.args)
}

export function durationNs(v: TickValue | undefined): bigint {
  return v?.type === 'duration' ? v.ns : 0n
}

export function numberOf(v: TickValue | undefined): number | undefined {
  if (v?.type === 'int') return Number(v.value)
  if (v?.type === 'float') return v.value
  return undefined
}

export function stringOf(v: TickValue | undefined): string | undefined {
  return v?.type === 'string' ? v.value : undefined
}

// ---------------------------------------------------------------------------------
// Argument checking and JSON descriptions (for the checker and the API)

/**
 * Does this argument list fit the parameters? Returns a message naming the first
 * mismatch (`want 1 or 2 arguments, got 3`, `argument 2 (high): want float, got string`),
 * or undefined.
 */
export function checkArgs(params: readonly Param[], values: readonly TickValue[]): string | undefined {
  const required = params.filter((p) => !p.optional).length
  const last = params[params.length - 1]
  const max = last?.variadic ? Infinity : params.length
  if (values.length < required || values.length > max) {
    const want = max === Infinity ? `at least ${required}` : required === max ? `${required}` : `${required} or ${max}`
    return `want ${want} argument${want === '1' ? '' : 's'}, got ${values.length}`
  }
  for (let i = 0; i < values.length; i++) {
    const p = params[Math.min(i, params.length - 1)]!
    const v = values[i]!
    if (!accepts(p.type, v)) return `argument ${i + 1} (${p.name}): want ${typeName(p.type)}, got ${v.type}`
  }
  return undefined
}

export interface ParamJSON { name: string; type: string; optional: boolean; variadic: boolean }
export interface PropertyJSON { name: string; params: ParamJSON[]; flag: boolean; default?: string | number | boolean | string[] | null; repeat: Repeat; doc: string; aliasOf?: string }
export interface HandlerJSON { name: string; kind: string; doc: string; args: ParamJSON[]; properties: PropertyJSON[]; global: boolean; stateChangesOnly: boolean }
export interface NodeJSON {
  name: string; desc: string; wants: Wants; provides: Provides; doc: string; args: ParamJSON[]; properties: PropertyJSON[]
  chains: string[]; onlyAfter?: string[]; chainable: boolean; handlers: HandlerJSON[]; stats: string[]; unsupported?: string; internal: boolean
}

const paramJSON = (p: Param): ParamJSON => ({ name: p.name, type: typeName(p.type), optional: p.optional, variadic: p.variadic })

function defaultJSON(p: PropertySpec): PropertyJSON['default'] {
  const d = p.default
  if (d === undefined) return undefined
  if (typeof d === 'bigint') return p.params[0]?.type.kind === 'duration' ? `${d}ns` : Number(d)
  return Array.isArray(d) ? [...d] : (d as string | number | boolean | null)
}

function propertyJSON(p: PropertySpec): PropertyJSON {
  const d = defaultJSON(p)
  return {
    name: p.name, params: p.params.map(paramJSON), flag: p.flag, repeat: p.repeat, doc: p.doc,
    ...(d !== undefined ? { default: d } : {}), ...(p.aliasOf ? { aliasOf: p.aliasOf } : {}),
  }
}

/** A JSON-safe description of a node type (durations as `<n>ns` strings). */
export function nodeJSON(s: NodeSpec): NodeJSON {
  return {
    name: s.name, desc: s.desc, wants: s.wants, provides: s.provides, doc: s.doc, args: s.args.map(paramJSON),
    properties: Object.values(s.properties).map(propertyJSON), chains: [...s.chains],
    ...(s.onlyAfter ? { onlyAfter: [...s.onlyAfter] } : {}), chainable: s.chainable,
    handlers: s.handlers.map((h) => ({
      name: h.name, kind: h.kind, doc: h.doc, args: h.args.map(paramJSON), properties: Object.values(h.properties).map(propertyJSON),
      global: h.global, stateChangesOnly: h.stateChangesOnly,
    })),
    stats: [...s.stats], ...(s.unsupported ? { unsupported: s.unsupported } : {}), internal: s.internal,
  }
}
