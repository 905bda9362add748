/**
 * The node registry: every TICKscript node type, looked up by name. The checker, DOT,
 * the API's JSON, the formatter and the executor read node types only from here (STYLE
 * §1). The design-doc dialect's aliases and rewrites are declared here too, in one place.
 */
import { COMMON_PROPERTIES, type EdgeType, type HandlerSpec, type NodeSpec, type PropertySpec } from './define-node.js'
import { streamNode } from './stream.js'
import { batchNode } from './batch.js'
import { fromNode } from './from.js'
import { queryNode } from './query.js'
import { queryFluxNode } from './query-flux.js'
import { windowNode } from './window.js'
import { groupByNode } from './group-by.js'
import { whereNode } from './where.js'
import { evalNode } from './eval.js'
import { defaultNode } from './default.js'
import { deleteNode } from './delete.js'
import { derivativeNode } from './derivative.js'
import { shiftNode } from './shift.js'
import { sampleNode } from './sample.js'
import { changeDetectNode } from './change-detect.js'
import { stateDurationNode } from './state-duration.js'
import { stateCountNode } from './state-count.js'
import { joinNode } from './join.js'
import { unionNode } from './union.js'
import { combineNode } from './combine.js'
import { flattenNode } from './flatten.js'
import { sideloadNode } from './sideload.js'
import { barrierNode } from './barrier.js'
import { trickleNode } from './trickle.js'
import { k8sAutoscaleNode } from './k8s-autoscale.js'
import { swarmAutoscaleNode } from './swarm-autoscale.js'
import { ec2AutoscaleNode } from './ec2-autoscale.js'
import { statsNode } from './stats.js'
import { noOpNode } from './no-op.js'
import { httpOutNode } from './http-out.js'
import { httpPostNode } from './http-post.js'
import { influxDBOutNode } from './influxdb-out.js'
import { kapacitorLoopbackNode } from './kapacitor-loopback.js'
import { logNode } from './log.js'
import { alertNode } from './alert.js'
import { deadmanNode } from './deadman.js'
import { INFLUXQL_NODES } from './influxql.js'

export * from './define-node.js'
export { influxqlInfo, type InfluxQLInfo, type FieldType, type InfluxQLKind } from './influxql.js'
export { ALERT_HANDLERS, TOPIC_ONLY_HANDLER_KINDS } from './alert-handlers.js'

/** Every node type, roots first, in a stable order (used for listings and docs). */
export const NODE_SPECS: readonly NodeSpec[] = [
  streamNode, batchNode, fromNode, queryNode, queryFluxNode,
  windowNode, groupByNode, whereNode, evalNode, defaultNode, deleteNode, derivativeNode, shiftNode, sampleNode,
  changeDetectNode, stateDurationNode, stateCountNode, joinNode, unionNode, combineNode, flattenNode, sideloadNode,
  barrierNode, trickleNode, k8sAutoscaleNode, swarmAutoscaleNode, ec2AutoscaleNode, statsNode, noOpNode,
  httpOutNode, httpPostNode, influxDBOutNode, kapacitorLoopbackNode, logNode, alertNode, deadmanNode,
  ...INFLUXQL_NODES,
]

/** Chaining methods every node has, sources and sinks included (`|stats(10s)`, `|deadman(…)`). */
export const UNIVERSAL_CHAINS: readonly string[] = ['stats', 'deadman']

/**
 * The original design document's dialect, resolved by the evaluator:
 * - `aliases`: chaining-method spellings that mean another method (`groupby` = `groupBy`);
 * - `map(f, "field")`: the InfluxQL function node `f` on `field` (`f` a bare identifier,
 *   optionally written `influxql.f`; the field a `"reference"` or a `'string'`), i.e. `|f('field')`;
 * - `filter(op, value)`: a `where` whose lambda compares the data's value field with
 *   `value` using `op` — the field is the single result of the preceding map (its `as`
 *   name), else `"value"`;
 * - `implicitFrom`: a generic chaining method called directly on a root that only has
 *   source methods (`stream.window()`) acts on an implicit `from()` with no filter;
 * - `.parallelism(n)`: a property every node has (COMMON_PROPERTIES), recorded only.
 */
export const DIALECT = {
  aliases: Object.freeze({ groupby: 'groupBy' }) as Readonly<Record<string, string>>,
  map: { method: 'map', functionArg: 0, fieldArg: 1, functions: INFLUXQL_NODES.map((n) => n.name) as readonly string[] },
  filter: { method: 'filter', becomes: 'where', operatorArg: 0, valueArg: 1, defaultField: 'value' },
  implicitFrom: { roots: ['stream'], source: 'from' },
  parallelism: { property: 'parallelism' },
} as const

const byName = new Map<string, NodeSpec>()
for (const spec of NODE_SPECS) {
  if (byName.has(spec.name)) throw new Error(`node type ${spec.name} declared twice`)
  byName.set(spec.name, spec)
}
for (const [alias, target] of Object.entries(DIALECT.aliases)) {
  if (byName.has(alias) || !byName.has(target)) throw new Error(`bad alias ${alias} -> ${target}`)
}

/**
 * Kapacitor finds a method by upper-casing the first letter of the TICKscript name (Go's
 * exported name), so `.period()`, `.Period()` and, for `URL`, `.uRL()` are the same member.
 * Lookups here compare names in that form.
 */
export function goName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1)
}

function byGoName<T>(entries: Iterable<[string, T]>): Map<string, T> {
  const m = new Map<string, T>()
  for (const [k, v] of entries) {
    const g = goName(k)
    if (m.has(g)) throw new Error(`${k} clashes with another name once capitalized`)
    m.set(g, v)
  }
  return m
}

const specsByGoName = byGoName(NODE_SPECS.map((s) => [s.name, s] as [string, NodeSpec]))
const propertyTables = new WeakMap<object, Map<string, PropertySpec>>()

function lookupProperty(table: Readonly<Record<string, PropertySpec>>, name: string): PropertySpec | undefined {
  const exact = table[name]
  if (exact) return exact
  let m = propertyTables.get(table)
  if (!m) {
    m = byGoName(Object.entries(table))
    propertyTables.set(table, m)
  }
  return m.get(goName(name))
}

/** The spec of a node type by its TICKscript name (roots included), or undefined. */
export function nodeSpec(name: string): NodeSpec | undefined {
  return byName.get(name) ?? specsByGoName.get(goName(name))
}

/** The spec created by chaining method `name` (aliases resolved; never a root or an internal node). */
export function chainingMethod(name: string): NodeSpec | undefined {
  const spec = nodeSpec(DIALECT.aliases[name] ?? name)
  return spec && spec.wants !== 'none' && !spec.internal ? spec : undefined
}

/** Every name a script may use after `|` somewhere (aliases included). */
export function chainingMethodNames(): string[] {
  return [...NODE_SPECS.filter((s) => s.wants !== 'none' && !s.internal).map((s) => s.name), ...Object.keys(DIALECT.aliases)]
}

/** The chaining methods callable on a node of type `parent`. */
export function chainingMethodsOn(parent: NodeSpec): NodeSpec[] {
  return NODE_SPECS.filter((c) => canChain(parent, c))
}

/** May `child` be created by a chaining method on a node of type `parent`? (Edge types are checked separately.) */
export function canChain(parent: NodeSpec, child: NodeSpec): boolean {
  if (child.wants === 'none' || child.internal) return false
  if (UNIVERSAL_CHAINS.includes(child.name)) return true
  if (parent.chains.includes(child.name)) return true
  if (child.onlyAfter) return false
  return parent.chainable
}

/** Does a node of this type accept input of `edge`? */
export function acceptsEdge(spec: NodeSpec, edge: EdgeType): boolean {
  return spec.wants === 'any' || spec.wants === edge
}

/** The edge a node emits given its input edge (null for sinks; roots ignore `input`). */
export function outputEdge(spec: NodeSpec, input: EdgeType | null): EdgeType | null {
  switch (spec.provides) {
    case 'none': return null
    case 'same': return input
    default: return spec.provides
  }
}

/** A property of the node type (common `.quiet()`/`.parallelism()` included), aliases resolved. */
export function propertyOf(spec: NodeSpec, name: string): PropertySpec | undefined {
  return lookupProperty(spec.properties, name) ?? lookupProperty(COMMON_PROPERTIES, name)
}

/** A property of a handler (`.channel()` after `.slack()`). */
export function handlerPropertyOf(handler: HandlerSpec, name: string): PropertySpec | undefined {
  return lookupProperty(handler.properties, name)
}

/** A handler method of the node type (`.slack()` on alert/deadman). */
export function handlerOf(spec: NodeSpec, name: string): HandlerSpec | undefined {
  const g = goName(name)
  return spec.handlers.find((h) => goName(h.name) === g)
}

export type Member =
  | { readonly kind: 'handlerProperty'; readonly handler: HandlerSpec; readonly property: PropertySpec }
  | { readonly kind: 'property'; readonly property: PropertySpec }
  | { readonly kind: 'handler'; readonly handler: HandlerSpec }

/**
 * What `.name(…)` means on a node of type `spec` whose last handler call (if any) was
 * `current`: a property of that handler first, then the node's property, then a new handler.
 */
export function resolveMember(spec: NodeSpec, name: string, current?: HandlerSpec): Member | undefined {
  const hp = current ? handlerPropertyOf(current, name) : undefined
  if (current && hp) return { kind: 'handlerProperty', handler: current, property: hp }
  const p = propertyOf(spec, name)
  if (p) return { kind: 'property', property: p }
  const h = handlerOf(spec, name)
  if (h) return { kind: 'handler', handler: h }
  return undefined
}

/** Every `.name` callable on a node of this type (properties, common properties, handlers, and the current handler's). */
export function memberNames(spec: NodeSpec, current?: HandlerSpec): string[] {
  return [...new Set([
    ...Object.keys(current?.properties ?? {}), ...Object.keys(spec.properties), ...Object.keys(COMMON_PROPERTIES),
    ...spec.handlers.map((h) => h.name),
  ])]
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/**
 * Did-you-mean: the closest of `candidates` (default: every chaining method) to an
 * unknown name, if close enough (a case-only difference always is; otherwise at most a
 * third of the name's length, minimum 1). Ties go to the earlier candidate.
 */
export function suggest(name: string, candidates: Iterable<string> = chainingMethodNames()): string | undefined {
  let best: string | undefined
  let bestDist = Infinity
  const lower = name.toLowerCase()
  for (const c of candidates) {
    if (c === name) continue
    const dist = c.toLowerCase() === lower ? 0.5 : editDistance(lower, c.toLowerCase())
    if (dist < bestDist) { best = c; bestDist = dist }
  }
  return best !== undefined && bestDist <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined
}

/** Did-you-mean for an unknown `.name` on a node of type `spec`. */
export function suggestMember(spec: NodeSpec, name: string, current?: HandlerSpec): string | undefined {
  return suggest(name, memberNames(spec, current))
}
