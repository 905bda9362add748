/**
 * definePipeline(): a TICKscript (plus the task's type, dbrps and vars) → a checked
 * PipelineDef. Parse, then the passes — task type, dbrps, evaluation (vars, chains,
 * properties, arguments, lambdas), edges, node validation — each reporting into one
 * collector; any problem ⇒ a TickScriptError with all of them, in source order.
 */
import { TickScriptError, type TickProblem } from '../errors.js'
import { parseLambdaExpr, parseTickScript } from '../parse.js'
import { checkLambda } from '../lambda/compile.js'
import { streamerWhereToLambda } from '../streamer-where.js'
import { parseInfluxDuration } from '../lambda/durations.js'
import { nodeSpec, type TickValue } from '../../nodes/index.js'
import { querySchedule } from '../../query/query-schedule.js'
import type { Lambda } from '../ast.js'
import { Evaluator, type DeadmanConfig, type VarInput } from './evaluate.js'
import type { Dbrp, DeclaredVar, PipelineDef, PipelineNode, TaskType } from './pipeline-def.js'
import { checkEdges, checkNodes } from './pipeline-checks.js'
import { checkDbrps, inferTaskType } from './program-checks.js'
import type { NodeBuilder } from './values.js'

export interface DefineOptions {
  readonly type?: TaskType
  readonly dbrps?: readonly Dbrp[]
  readonly vars?: Readonly<Record<string, VarInput>>
  /**
   * a template: no dbrp rules, and typed vars without a value are zero-filled (Kapacitor
   * evaluates templates that way to list their vars)
   */
  readonly template?: boolean
  /** the [deadman] config section (default: Kapacitor's id and message, not global) */
  readonly deadman?: DeadmanConfig
  /**
   * the design doc's streamer definition fields (`define streamer --from M --where expr`):
   * the measurement and where condition of every `from()` directly under `stream`
   */
  readonly streamer?: { readonly from?: string; readonly where?: string }
  /**
   * the design doc's batcher definition fields (`define batcher --query Q --period 15m |
   * --cron '…' --group-by 1h`): the script's implicit query under `batch`
   */
  readonly batcher?: BatcherFields
}

/** A batcher's definition fields, as the task's `query`, `period`, `cron`, `group-by`. */
export interface BatcherFields {
  readonly query: string
  readonly period?: string
  readonly cron?: string
  /** comma-separated: a duration is GROUP BY time(d), `*` every tag, anything else a tag */
  readonly groupBy?: string
}

export interface Defined {
  readonly pipeline: PipelineDef
  readonly type: TaskType
  readonly dbrps: readonly Dbrp[]
  /** every declared var with its type, value (null for a typed declaration) and description */
  readonly vars: Readonly<Record<string, DeclaredVar>>
}

export function definePipeline(source: string, opts: DefineOptions = {}): Defined {
  const program = parseTickScript(source)
  const problems: TickProblem[] = []
  const report = (p: TickProblem): void => { problems.push(p) }
  const { type, conflict } = inferTaskType(program, opts.type, report)
  const dbrps = opts.template ? [...(opts.dbrps ?? [])] : checkDbrps(program, opts.dbrps, report)
  const ev = new Evaluator({ type, vars: opts.vars ?? {}, ignoreMissingVars: opts.template ?? false, ...(opts.deadman ? { deadman: opts.deadman } : {}), ...(opts.batcher ? { implicitQuery: true } : {}) }, report)
  ev.rootsConflict = conflict
  const result = ev.run(program, type)
  if (opts.streamer) applyStreamer(result.nodes, opts.streamer, report)
  const all = opts.batcher ? applyBatcher(result.nodes, opts.batcher, report) : result.nodes
  const edges = checkEdges(all, report)
  checkNodes(all, edges, report)
  if (problems.length > 0 || type === undefined) {
    throw new TickScriptError(sortProblems(dedupe(problems)))
  }
  const nodes: PipelineNode[] = all.map((n) => freeze(n, edges.input.get(n) ?? null, edges.output.get(n) ?? null))
  return {
    pipeline: { nodes, sources: result.sources.map((s) => s.name) },
    type, dbrps, vars: result.vars,
  }
}

function freeze(n: NodeBuilder, input: PipelineNode['input'], output: PipelineNode['output']): PipelineNode {
  return {
    id: n.id, name: n.name, type: n.spec.name, desc: n.spec.desc, spec: n.spec, args: n.args,
    props: n.props, handlers: n.handlers.map((h) => ({ spec: h.spec, args: h.args, props: h.props, ...(h.loc ? { loc: h.loc } : {}) })),
    input, output,
    parents: n.parents.map((p) => p.name), children: n.children.map((c) => c.name),
    ...(n.loc ? { loc: n.loc } : {}),
    ...(n.watches ? { watches: n.watches.name } : {}),
    ...(n.implicit ? { implicit: true } : {}),
  }
}

/**
 * A streamer's `from`/`where` definition fields become properties of the stream's from()
 * nodes, as if the script had said `.measurement(M).where(lambda: expr)`. A bad where
 * expression is reported with its position inside the where text, prefixed so.
 */
function applyStreamer(nodes: readonly NodeBuilder[], s: { readonly from?: string; readonly where?: string }, report: (p: TickProblem) => void): void {
  let where: Lambda | undefined
  if (s.where !== undefined && s.where.trim() !== '') {
    try {
      const body = parseLambdaExpr(streamerWhereToLambda(s.where))
      for (const p of checkLambda(body)) report({ ...p, message: `where: ${p.message}` })
      where = { kind: 'Lambda', body, loc: body.loc }
    } catch (e) {
      if (!(e instanceof TickScriptError)) throw e
      for (const p of e.problems) report({ ...p, message: `where: ${p.message}` })
      return
    }
  }
  for (const n of nodes) {
    if (n.spec.name !== 'from' || n.parents[0]?.spec.name !== 'stream') continue
    if (s.from !== undefined && s.from !== '') n.props.set('measurement', [{ args: [{ type: 'string', value: s.from }] }])
    if (where) n.props.set('where', [...(n.props.get('where') ?? []), { args: [{ type: 'lambda', lambda: where }] }])
  }
}

const QUERY_NODES = ['query', 'queryFlux']

/**
 * A batcher's fields become a query node between the `batch` root and the nodes the
 * script chains on it (`batch.filter(<, 30).alert()`, `batch|window()…`), as if the script
 * had said `batch|query(Q).period(P).every(P).groupBy(…)`. The new node takes the id after
 * the root, so the names are those of the written-out script. A batcher's script has no
 * query of its own.
 */
function applyBatcher(nodes: readonly NodeBuilder[], b: BatcherFields, report: (p: TickProblem) => void): NodeBuilder[] {
  const problem = (message: string): void => report({ line: 1, column: 1, message: `batcher: ${message}` })
  const root = nodes.find((n) => n.spec.name === 'batch' && n.parents.length === 0)
  if (!root) {
    problem('the script is not a batch script')
    return [...nodes]
  }
  if (root.children.some((c) => QUERY_NODES.includes(c.spec.name))) problem('the script must not have its own query(); it is given by the batcher')
  if (b.query.trim() === '') problem('query is empty')
  const props = new Map<string, Array<{ args: TickValue[] }>>()
  const dur = (what: string, text: string): bigint | undefined => {
    const d = parseInfluxDuration(text.trim())
    if (d === undefined || d <= 0n) problem(`${what}: not a positive duration: ${JSON.stringify(text)}`)
    return d !== undefined && d > 0n ? d : undefined
  }
  const cron = b.cron?.trim() ?? ''
  const period = b.period !== undefined && b.period.trim() !== '' ? dur('period', b.period) : undefined
  if (cron !== '') {
    props.set('cron', [{ args: [{ type: 'string', value: cron }] }])
    let p = period
    if (p === undefined) {
      // without a period, a cron batcher queries the time since the previous run
      try {
        const s = querySchedule({ kind: 'cron', expr: cron })
        const first = s.next(0n)
        p = s.next(first) - first
      } catch (err) {
        problem((err as Error).message)
      }
    }
    if (p !== undefined) props.set('period', [{ args: [{ type: 'duration', ns: p }] }])
  } else if (period !== undefined) {
    props.set('period', [{ args: [{ type: 'duration', ns: period }] }])
    props.set('every', [{ args: [{ type: 'duration', ns: period }] }])
  } else {
    problem('needs a period or a cron schedule')
  }
  const dims: TickValue[] = []
  for (const raw of (b.groupBy ?? '').split(',')) {
    const item = raw.trim()
    if (item === '') continue
    const d = /^-?[0-9]/.test(item) ? dur('group-by', item) : undefined
    if (d !== undefined) dims.push({ type: 'time', ns: d, offset: 0n })
    else if (item === '*') dims.push({ type: 'star' })
    else if (!/^-?[0-9]/.test(item)) dims.push({ type: 'string', value: item.replace(/^"(.*)"$/, '$1') })
  }
  if (dims.length > 0) props.set('groupBy', [{ args: dims }])
  const direct = root.children.filter((c) => !QUERY_NODES.includes(c.spec.name))
  const spec = nodeSpec('query')!
  // ids after the root move up by one: the query is node root.id + 1
  for (const n of nodes) {
    if (n.id > root.id) Object.assign(n, { id: n.id + 1, name: `${n.spec.desc}${n.id + 1}` })
  }
  const id = root.id + 1
  const query: NodeBuilder = {
    id, name: `${spec.desc}${id}`, spec, args: [{ type: 'string', value: b.query }], props, handlers: [], current: undefined,
    parents: [root], children: [...direct], loc: root.loc, implicit: true,
  }
  for (const c of direct) c.parents.splice(c.parents.indexOf(root), 1, query)
  root.children.splice(0, root.children.length, ...root.children.filter((c) => !direct.includes(c)), query)
  const out = [...nodes]
  out.splice(out.indexOf(root) + 1, 0, query)
  return out
}

function dedupe(ps: readonly TickProblem[]): TickProblem[] {
  const seen = new Set<string>()
  return ps.filter((p) => {
    const k = `${p.line}:${p.column}:${p.message}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

function sortProblems(ps: TickProblem[]): TickProblem[] {
  return ps.map((p, i) => ({ p, i })).sort((a, b) => a.p.line - b.p.line || a.p.column - b.p.column || a.i - b.i).map((x) => x.p)
}

/**
 * The checks Kapacitor makes only when a task starts (enable, replay): each spec's
 * validateAtStart(), e.g. a batch query's every/cron. Returns the located problems.
 */
export function checkAtStart(p: PipelineDef): TickProblem[] {
  const problems: TickProblem[] = []
  for (const n of p.nodes) {
    if (n.spec.internal && n.implicit && n.input === null && n.parents.length > 0) {
      // the noop linked to a childless node watched by stats: Kapacitor's ExecutingTask refuses a
      // child of a node providing no edge (`|influxDBOut()` then `|stats()` on it)
      const at = n.loc?.start
      problems.push({ line: at?.line ?? 1, column: at?.column ?? 1, message: `cannot add child no edge expected: ${n.parents[0]!}:noedge -> ${n.name}:noedge` })
    }
    n.spec.validateAtStart?.(n, (message, loc) => {
      const at = (loc ?? n.loc)?.start
      problems.push({ line: at?.line ?? 1, column: at?.column ?? 1, message })
    })
  }
  return problems
}
