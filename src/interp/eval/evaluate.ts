/**
 * Evaluation of a parsed program into pipeline nodes (Kapacitor's tick/eval.go): the scope
 * (`stream` or `batch`, the global `time()`, the vars), template vars, chains (`|` child,
 * `.` property — or, in the design-doc dialect, a chaining method —, `@` UDF), argument
 * checks against the node specs, lambdas checked by the lambda compiler with the vars
 * inlined. Every problem is reported (located) and evaluation goes on, so that all of
 * them are collected; a failed expression evaluates to POISON, which absorbs further use.
 */
import type { BinaryOp, Chain, Expr, Lambda, Loc, Program, TypedVarDecl, VarDecl, VarType } from '../ast.js'
import { TickScriptError, type TickProblem } from '../errors.js'
import { formatExpr } from '../format.js'
import { checkLambda, compileLambda } from '../lambda/compile.js'
import { parseInfluxDuration } from '../lambda/durations.js'
import { LambdaEvalError } from '../lambda/values.js'
import { parseLambdaExpr } from '../parse.js'
import {
  DIALECT, canChain, chainingMethod, chainingMethodsOn, checkArgs, influxqlInfo, memberNames, nodeSpec, resolveMember,
  suggest, type NodeSpec, type Param, type PropertyCall, type TickValue,
} from '../../nodes/index.js'
import type { DeclaredVar, TaskType } from './pipeline-def.js'
import {
  POISON, fromValue, goType, goNodeType, inlineVars, nodeOf, toScopeValue,
  type HandlerBuilder, type NodeBuilder, type Val,
} from './values.js'

/** Kapacitor's JSON vars format entry. */
export interface VarInput { readonly type: string; readonly value: unknown }

export interface EvalOptions {
  readonly type: TaskType | undefined
  readonly vars: Readonly<Record<string, VarInput>>
  /** typed vars without a value get a zero value instead of a problem (templates) */
  readonly ignoreMissingVars?: boolean
  /** deadman alert id/message templates ([deadman] config); NODE_NAME and INTERVAL are replaced */
  readonly deadman?: DeadmanConfig
  /**
   * a design-doc batcher: what is chained on `batch` hangs under the implicit query node
   * the definition inserts (define.ts applyBatcher), so `batch.filter(…)`, `batch|window()` …
   */
  readonly implicitQuery?: boolean
}

/** The [deadman] config section as the evaluator needs it. */
export interface DeadmanConfig {
  /** alert id template; NODE_NAME is replaced by the watched node's name */
  readonly id: string
  /** alert message template; INTERVAL is replaced by the interval (Go duration text) */
  readonly message: string
  /** append `deadman(threshold, interval)` to the root of every task */
  readonly global?: boolean
  readonly threshold?: number
  readonly intervalNs?: bigint
}

export interface EvalResult {
  readonly nodes: readonly NodeBuilder[]
  readonly sources: readonly NodeBuilder[]
  readonly vars: Record<string, DeclaredVar>
}

export const DEADMAN_DEFAULTS = {
  id: "node 'NODE_NAME' in task '{{ .TaskName }}'",
  message: '{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: {{ index .Fields "emitted" | printf "%0.3f" }} points/INTERVAL.',
}

/** The node type Kapacitor attaches as a pipeline source watching another node (`|stats()`, deadman). */
const STATS_NODE = 'stats'
/** The internal node Kapacitor links to a childless node that a stats node watches. */
const NOOP_NODE = 'noOp'

/** The location of synthesized AST (deadman's crit lambda when no call in the script made it). */
const NO_LOC: Loc = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } }

const KAPACITOR_TYPE: Readonly<Record<string, string>> = { bool: 'boolean' }
const typeText = (t: string): string => KAPACITOR_TYPE[t] ?? t

export class Evaluator {
  readonly nodes: NodeBuilder[] = []
  readonly sources: NodeBuilder[] = []
  readonly vars: Record<string, DeclaredVar> = {}
  private readonly scope = new Map<string, Val>()

  constructor(private readonly opts: EvalOptions, private readonly report: (p: TickProblem) => void) {}

  problem(loc: Loc, message: string): Val {
    this.report({ line: loc.start.line, column: loc.start.column, message })
    return POISON
  }

  /** set when the script mixes `stream` and `batch` roots (reported by the task type check) */
  rootsConflict = false

  run(p: Program, taskType: TaskType | undefined): EvalResult {
    // the root of the task type is node 0; the other root name is undefined (Kapacitor's scope)
    if (taskType) this.setScope(taskType, { type: 'node', node: this.newNode(nodeSpec(taskType)!, [], [], undefined) })
    for (const s of p.statements) {
      switch (s.kind) {
        case 'VarDecl': this.varDecl(s); break
        case 'TypedVarDecl': this.typedVarDecl(s); break
        case 'Dbrp': break
        case 'ExprStatement': this.expr(s.expr); break
      }
    }
    const d = this.opts.deadman
    if (d?.global) this.globalDeadman(d.threshold ?? 0, d.intervalNs ?? 10n * 1_000_000_000n)
    return { nodes: this.nodes, sources: this.sources, vars: this.vars }
  }

  // ---------------------------------------------------------------------------------
  // Statements

  private redefined(name: string, loc: Loc): boolean {
    if (this.scope.has(name) || name === 'time') {
      this.problem(loc, `attempted to redefine ${name}, vars are immutable`)
      return true
    }
    return false
  }

  private varDecl(s: VarDecl): void {
    const name = s.name.name
    if (this.redefined(name, s.name.loc)) { this.expr(s.value); return }
    let value = this.expr(s.value)
    const declaredType = varTypeOf(value)
    if (declaredType) this.vars[name] = { type: declaredType, value: varValueJSON(value), description: s.comment ?? '' }
    const given = this.opts.vars[name]
    if (given && value.type !== 'poison') {
      if (!declaredType || given.type !== declaredType) {
        this.problem(s.name.loc, `invalid type supplied for ${name}, got ${typeText(given.type)} exp ${typeText(declaredType ?? 'invalid')}`)
      } else {
        value = this.fromVarInput(name, given, declaredType, s.name.loc)
      }
    }
    this.setScope(name, value)
  }

  private typedVarDecl(s: TypedVarDecl): void {
    const name = s.name.name
    if (this.redefined(name, s.name.loc)) return
    this.vars[name] = { type: s.varType, value: null, description: s.comment ?? '' }
    const given = this.opts.vars[name]
    if (!given && this.opts.ignoreMissingVars) {
      // a template listing its vars: Kapacitor's ast.ZeroValue (no value for lambda/list/star)
      this.setScope(name, zeroValue(s.varType))
      return
    }
    if (!given) {
      this.problem(s.name.loc, `missing value for var ${JSON.stringify(name)}.`)
      this.setScope(name, POISON)
      return
    }
    if (given.type !== s.varType) {
      this.problem(s.name.loc, `invalid type supplied for ${name}, got ${typeText(given.type)} exp ${typeText(s.varType)}`)
      this.setScope(name, POISON)
      return
    }
    this.setScope(name, this.fromVarInput(name, given, s.varType, s.name.loc))
  }

  /** A task var (JSON) as a script value of `type`. */
  private fromVarInput(name: string, v: VarInput, type: VarType, loc: Loc): Val {
    const bad = (): Val => this.problem(loc, `invalid value supplied for ${name}: want ${typeText(type)}, got ${JSON.stringify(v.value)}`)
    const x = v.value
    switch (type) {
      case 'int':
        if (typeof x === 'number' && Number.isInteger(x)) return { type: 'int', value: BigInt(x) }
        if (typeof x === 'string' && /^-?\d+$/.test(x)) return { type: 'int', value: BigInt(x) }
        return bad()
      case 'float': return typeof x === 'number' ? { type: 'float', value: x } : bad()
      case 'string': return typeof x === 'string' ? { type: 'string', value: x } : bad()
      case 'bool': return typeof x === 'boolean' ? { type: 'bool', value: x } : bad()
      case 'duration': {
        if (typeof x === 'number' && Number.isInteger(x)) return { type: 'duration', ns: BigInt(x) }
        const ns = typeof x === 'string' ? parseInfluxDuration(x) ?? parseGoDuration(x) : undefined
        return ns === undefined ? bad() : { type: 'duration', ns }
      }
      case 'regex': return typeof x === 'string' ? { type: 'regex', source: x } : bad()
      case 'star': return { type: 'star' }
      case 'lambda': {
        if (typeof x !== 'string') return bad()
        let body: Expr
        try {
          body = parseLambdaExpr(x)
        } catch (e) {
          if (e instanceof TickScriptError) return this.problem(loc, `invalid lambda supplied for ${name}: ${e.message}`)
          throw e
        }
        const lambda: Lambda = { kind: 'Lambda', body, loc }
        return this.lambda(lambda)
      }
      case 'list': {
        if (!Array.isArray(x)) return bad()
        const items: TickValue[] = []
        for (const item of x as unknown[]) {
          const it = item as VarInput
          if (typeof it !== 'object' || it === null || typeof it.type !== 'string') return bad()
          const iv = this.fromVarInput(name, it, it.type as VarType, loc)
          if (iv.type === 'poison' || iv.type === 'reference') return POISON
          items.push(iv)
        }
        return { type: 'list', items }
      }
    }
  }

  // ---------------------------------------------------------------------------------
  // Expressions

  expr(e: Expr): Val {
    switch (e.kind) {
      case 'Int': return { type: 'int', value: e.value }
      case 'Float': return { type: 'float', value: e.value }
      case 'Duration': return { type: 'duration', ns: e.ns }
      case 'String': return { type: 'string', value: e.value }
      case 'Bool': return { type: 'bool', value: e.value }
      case 'Regex': return { type: 'regex', source: e.source }
      case 'Star': return { type: 'star' }
      case 'Reference': return { type: 'reference', name: e.name, loc: e.loc }
      case 'OperatorArg': return { type: 'operator', op: e.op }
      case 'Ident': return this.ident(e.name, e.loc)
      case 'Lambda': return this.lambda(e)
      case 'List': {
        const items: TickValue[] = []
        let poisoned = false
        for (const it of e.items) {
          const v = this.expr(it)
          if (v.type === 'poison') poisoned = true
          else if (v.type === 'reference') items.push({ type: 'string', value: v.name })
          else items.push(v)
        }
        return poisoned ? POISON : { type: 'list', items }
      }
      case 'Unary': case 'Binary': return this.constantExpr(e)
      case 'Call': return this.globalCall(e.name.name, e.args, e.loc)
      case 'Chain': return this.chain(e)
    }
  }

  private ident(name: string, loc: Loc): Val {
    const v = this.scope.get(name)
    if (v) return v
    // the other root of a script whose task type is already refused: no second problem
    if (this.rootsConflict && nodeSpec(name)?.wants === 'none') return POISON
    return this.undefinedName(name, loc)
  }

  private undefinedName(name: string, loc: Loc): Val {
    const names = [...this.scope.keys(), 'time'].sort()
    const s = suggest(name, names)
    return this.problem(loc, `name ${JSON.stringify(name)} is undefined. Names in scope: ${names.join(',')}${s ? `; did you mean ${JSON.stringify(s)}?` : ''}`)
  }

  private lookup = (name: string): Val | undefined => this.scope.get(name)

  /**
   * The scope as the lambda compiler sees it, kept between lambdas: rebuilding it for each
   * lambda (compiling every regex var again) made a script's define time quadratic in its
   * vars. A new var is appended (the same order as the scope); a redefined one drops it.
   */
  private lambdaScopeCache: Map<string, ReturnType<typeof toScopeValue> & {}> | undefined

  private setScope(name: string, value: Val): void {
    const existed = this.scope.has(name)
    this.scope.set(name, value)
    const cache = this.lambdaScopeCache
    if (cache === undefined) return
    if (existed) { this.lambdaScopeCache = undefined; return }
    const s = toScopeValue(value)
    if (s !== undefined) cache.set(name, s)
  }

  private lambdaScope(): Map<string, ReturnType<typeof toScopeValue> & {}> {
    if (this.lambdaScopeCache !== undefined) return this.lambdaScopeCache
    const m = new Map<string, ReturnType<typeof toScopeValue> & {}>()
    for (const [k, v] of this.scope) {
      const s = toScopeValue(v)
      if (s !== undefined) m.set(k, s)
    }
    this.lambdaScopeCache = m
    return m
  }

  /** A lambda: vars inlined (Kapacitor's resolveIdents), then checked by the lambda compiler. */
  private lambda(e: Lambda): Val {
    const lambda = inlineVars(e, this.lookup) as Lambda
    const problems = this.checkLambdaBody(lambda.body)
    return problems > 0 ? POISON : { type: 'lambda', lambda }
  }

  /** The lambda compiler's define-time checks; an undefined name is reported with the whole scope and a suggestion. */
  private checkLambdaBody(body: Expr): number {
    const undefinedAt = new Set<string>()
    let poisoned = false
    const walk = (x: Expr): void => {
      switch (x.kind) {
        case 'Ident': {
          const v = this.scope.get(x.name)
          if (v === undefined) { undefinedAt.add(`${x.loc.start.line}:${x.loc.start.column}`); this.undefinedName(x.name, x.loc) }
          else if (v.type === 'poison') poisoned = true
          break
        }
        case 'Lambda': walk(x.body); break
        case 'Unary': walk(x.operand); break
        case 'Binary': walk(x.left); walk(x.right); break
        case 'Call': x.args.forEach(walk); break
        case 'List': x.items.forEach(walk); break
        default: break
      }
    }
    walk(body)
    // a var whose problem is already reported: no further check of this lambda
    if (poisoned) return 1 + undefinedAt.size
    const problems = checkLambda(body, this.lambdaScope()).filter((p) => !undefinedAt.has(`${p.line}:${p.column}`))
    for (const p of problems) this.report(p)
    return problems.length + undefinedAt.size
  }

  /** A unary/binary expression outside a lambda: evaluated now, as Kapacitor does with an empty point. */
  private constantExpr(e: Expr): Val {
    const inlined = inlineVars(e, this.lookup)
    if (this.checkLambdaBody(inlined) > 0) return POISON
    try {
      const compiled = compileLambda(inlined)
      const v = compiled.eval({ name: '', tags: {}, fields: {}, time: 0n }, compiled.newState())
      return fromValue(v) ?? this.problem(e.loc, `invalid expression outside a lambda`)
    } catch (err) {
      if (err instanceof LambdaEvalError || err instanceof TickScriptError) return this.problem(e.loc, err.message)
      throw err
    }
  }

  /** `time(d[, offset])`, the only global function. */
  private globalCall(name: string, argExprs: readonly Expr[], loc: Loc): Val {
    const args = argExprs.map((a) => this.expr(a))
    if (name !== 'time') return this.problem(loc, `no global function ${JSON.stringify(name)} defined`)
    if (args.some((a) => a.type === 'poison')) return POISON
    const d = args[0], off = args[1]
    if (args.length < 1 || args.length > 2 || d?.type !== 'duration' || (off && off.type !== 'duration')) {
      return this.problem(loc, `error calling func "time": want time(duration[, offset duration])`)
    }
    return { type: 'time', ns: d.ns, offset: off?.type === 'duration' ? off.ns : 0n }
  }

  // ---------------------------------------------------------------------------------
  // Chains

  private args(c: Chain, params: readonly Param[] | undefined): Val[] {
    const vals = (c.args ?? []).map((a) => this.expr(a))
    // a single list argument is spread as the argument list (unless a list is what is wanted)
    const only = vals[0]
    if (vals.length === 1 && only?.type === 'list' && params?.[0]?.type.kind !== 'list') return [...only.items]
    return vals
  }

  /** Checks values against parameters; reports Kapacitor-style and returns undefined on failure. */
  private checkCall(c: Chain, params: readonly Param[], vals: readonly Val[], on: string): TickValue[] | undefined {
    if (vals.some((v) => v.type === 'poison')) return undefined
    const ref = vals.findIndex((v) => v.type === 'reference')
    if (ref >= 0) {
      const p = params[Math.min(ref, params.length - 1)]
      const msg = p && (p.type.kind === 'string' || (p.type.kind === 'oneOf' && p.type.of.some((t) => t.kind === 'string')))
        ? 'cannot assign *ast.ReferenceNode to type string, did you use double quotes instead of single quotes?'
        : `error calling func ${JSON.stringify(c.name.name)} on obj ${on}: argument ${ref + 1}: unexpected reference ${JSON.stringify((vals[ref] as { name: string }).name)}`
      this.problem(c.name.loc, msg)
      return undefined
    }
    const tvs = vals as TickValue[]
    const err = checkArgs(params, tvs)
    if (err) {
      this.problem(c.name.loc, `error calling func ${JSON.stringify(c.name.name)} on obj ${on}: ${err}`)
      return undefined
    }
    return tvs
  }

  /** A chain `a|b().c()…` is evaluated link by link from its root (no recursion per link: scripts of thousands of nodes). */
  private chain(c: Chain): Val {
    const links: Chain[] = []
    let x: Expr = c
    while (x.kind === 'Chain') { links.push(x); x = x.target }
    let v = this.expr(x)
    for (let i = links.length - 1; i >= 0; i--) v = this.link(links[i]!, v)
    return v
  }

  private link(c: Chain, target: Val): Val {
    if (target.type === 'poison') { (c.args ?? []).forEach((a) => this.expr(a)); return POISON }
    const node = nodeOf(target)
    const name = c.name.name
    if (!node) {
      (c.args ?? []).forEach((a) => this.expr(a))
      return this.problem(c.name.loc, `no method or property ${JSON.stringify(name)} on ${goType(target)}`)
    }
    switch (c.op) {
      case '|': return this.pipeChain(c, node)
      case '.': return this.dotChain(c, node)
      case '@': return this.udfChain(c, node)
    }
  }

  private hasChain(node: NodeBuilder, name: string): NodeSpec | undefined {
    const child = chainingMethod(name)
    if (child && this.opts.implicitQuery && node.spec.name === 'batch' && canChain(nodeSpec('query')!, child)) return child
    return child && canChain(node.spec, child) ? child : undefined
  }

  private unknown(c: Chain, node: NodeBuilder, candidates: readonly string[]): Val {
    const s = suggest(c.name.name, candidates)
    return this.problem(c.name.loc, `no method or property ${JSON.stringify(c.name.name)} on ${goNodeType(node.spec)}${s ? `, did you mean ${JSON.stringify(s)}?` : ''}`)
  }

  private pipeChain(c: Chain, node: NodeBuilder): Val {
    const name = c.name.name
    const child = this.hasChain(node, name)
    if (child) return this.createChild(c, node, child)
    const on = goNodeType(node.spec)
    ;(c.args ?? []).forEach((a) => this.expr(a))
    if (resolveMember(node.spec, name, node.current?.spec)) {
      return this.problem(c.name.loc, `no chaining method ${JSON.stringify(name)} on ${on}, but property does exist. Use '.' operator instead: 'node.${name}(..)'.`)
    }
    return this.unknown(c, node, [...chainingMethodsOn(node.spec).map((s) => s.name), ...memberNames(node.spec, node.current?.spec)])
  }

  private dotChain(c: Chain, node: NodeBuilder): Val {
    const name = c.name.name
    const on = goNodeType(node.spec)
    if (c.args === null) return this.propertyRead(c, node)
    const member = resolveMember(node.spec, name, node.current?.spec)
    if (member) {
      switch (member.kind) {
        case 'property': {
          const vals = this.args(c, member.property.params)
          const args = this.checkCall(c, member.property.params, vals, on)
          if (!args) return { type: 'node', node }
          const key = member.property.aliasOf ?? member.property.name
          const calls = node.props.get(key) ?? []
          if (member.property.repeat === 'once' && calls.length > 0) {
            this.problem(c.name.loc, `property ${JSON.stringify(key)} already set on ${on}`)
          }
          calls.push({ args, loc: c.loc })
          node.props.set(key, calls)
          node.current = undefined
          return { type: 'node', node }
        }
        case 'handlerProperty': {
          const h = node.current!
          const vals = this.args(c, member.property.params)
          const args = this.checkCall(c, member.property.params, vals, `*pipeline.${member.handler.name.charAt(0).toUpperCase()}${member.handler.name.slice(1)}Handler`)
          if (!args) return { type: 'node', node }
          const key = member.property.aliasOf ?? member.property.name
          const calls = h.props.get(key) ?? []
          calls.push({ args, loc: c.loc })
          h.props.set(key, calls)
          return { type: 'node', node }
        }
        case 'handler': {
          const vals = this.args(c, member.handler.args)
          const args = this.checkCall(c, member.handler.args, vals, on) ?? []
          const h: HandlerBuilder = { spec: member.handler, args, props: new Map(), loc: c.loc }
          node.handlers.push(h)
          node.current = h
          return { type: 'node', node }
        }
      }
    }
    // the design-doc dialect: `.map(f, "field")`, `.filter(op, value)`, `.window()` …
    if (name === DIALECT.map.method) return this.dialectMap(c, node)
    if (name === DIALECT.filter.method) return this.dialectFilter(c, node)
    const child = this.hasChain(node, name)
    if (child) return this.createChild(c, node, child, true)
    const generic = chainingMethod(name)
    if (generic && (DIALECT.implicitFrom.roots as readonly string[]).includes(node.spec.name)) {
      const fromSpec = nodeSpec(DIALECT.implicitFrom.source)!
      if (canChain(fromSpec, generic)) {
        const from = this.newNode(fromSpec, [node], [], c.name.loc)
        from.implicit = true
        return this.createChild(c, from, generic, true)
      }
    }
    ;(c.args ?? []).forEach((a) => this.expr(a))
    // an unknown property: reported, and the chain goes on from the same node
    const viaFrom = (DIALECT.implicitFrom.roots as readonly string[]).includes(node.spec.name) ? chainingMethodsOn(nodeSpec(DIALECT.implicitFrom.source)!) : []
    this.unknown(c, node, [...memberNames(node.spec, node.current?.spec), ...chainingMethodsOn(node.spec).map((s) => s.name), ...viaFrom.map((s) => s.name)])
    return { type: 'node', node }
  }

  private udfChain(c: Chain, node: NodeBuilder): Val {
    const name = c.name.name
    const on = goNodeType(node.spec)
    ;(c.args ?? []).forEach((a) => this.expr(a))
    if (resolveMember(node.spec, name, node.current?.spec)) {
      return this.problem(c.name.loc, `no dynamic method ${JSON.stringify(name)} on ${on}, but property does exist. Use '.' operator instead: 'node.${name}(..)'.`)
    }
    if (this.hasChain(node, name)) {
      return this.problem(c.name.loc, `no dynamic method ${JSON.stringify(name)} on ${on}, but chaining method does exist. Use '|' operator instead: 'node|${name}(..)'.`)
    }
    // no UDFs are configured yet: Kapacitor's wording when the UDF is unknown
    return this.problem(c.name.loc, `no method or property ${JSON.stringify(name)} on ${on}`)
  }

  private propertyRead(c: Chain, node: NodeBuilder): Val {
    const member = resolveMember(node.spec, c.name.name, node.current?.spec)
    if (!member || member.kind === 'handler') return this.problem(c.name.loc, `object ${goNodeType(node.spec)} has no property ${c.name.name}`)
    const calls = (member.kind === 'property' ? node.props : node.current!.props).get(member.property.aliasOf ?? member.property.name)
    const last = calls?.[calls.length - 1]
    if (last) return last.args[0] ?? { type: 'bool', value: true }
    const d = member.property.default
    if (typeof d === 'bigint') return member.property.params[0]?.type.kind === 'duration' ? { type: 'duration', ns: d } : { type: 'int', value: d }
    if (typeof d === 'string') return { type: 'string', value: d }
    if (typeof d === 'boolean') return { type: 'bool', value: d }
    if (typeof d === 'number') return { type: 'float', value: d }
    return this.problem(c.name.loc, `property ${c.name.name} of ${goNodeType(node.spec)} has no value`)
  }

  /** `map(f, "field")` ≡ `|f('field')`. */
  private dialectMap(c: Chain, node: NodeBuilder): Val {
    const fArg = c.args?.[DIALECT.map.functionArg]
    const vals = (c.args ?? []).map((a) => (a === fArg ? ({ type: 'ident', name: '' } as Val) : this.expr(a)))
    const fName = fArg?.kind === 'Ident' ? fArg.name : fArg?.kind === 'Chain' && fArg.target.kind === 'Ident' && fArg.target.name === 'influxql' ? fArg.name.name : undefined
    if (vals.length !== 2 || fName === undefined || !(DIALECT.map.functions as readonly string[]).includes(fName)) {
      const s = fName ? suggest(fName, DIALECT.map.functions) : undefined
      return this.problem(c.name.loc, `map wants (function, "field") with function one of the InfluxQL functions${fName ? `, got ${JSON.stringify(fName)}` : ''}${s ? `, did you mean ${JSON.stringify(s)}?` : ''}`)
    }
    const field = vals[DIALECT.map.fieldArg]!
    if (field.type === 'poison') return POISON
    const fieldName = field.type === 'reference' || field.type === 'string' ? (field as { name?: string; value?: string }).name ?? (field as { value: string }).value : undefined
    if (fieldName === undefined) return this.problem(c.name.loc, `map wants a field name as second argument, got ${goType(field)}`)
    const spec = chainingMethod(fName)!
    return this.created(node, spec, [{ type: 'string', value: fieldName }], c)
  }

  /** `filter(op, value)` ≡ `|where(lambda: "<field> op value")`, field = the previous map's result. */
  private dialectFilter(c: Chain, node: NodeBuilder): Val {
    const a = c.args ?? []
    const opArg = a[DIALECT.filter.operatorArg]
    const valueArg = a[DIALECT.filter.valueArg]
    if (a.length !== 2 || opArg?.kind !== 'OperatorArg' || !valueArg) {
      a.forEach((x) => this.expr(x))
      return this.problem(c.name.loc, 'filter wants (operator, value), e.g. filter(<, 30)')
    }
    let field: string = DIALECT.filter.defaultField
    if (influxqlInfo(node.spec.name)) {
      const as = node.props.get('as')
      const last = as?.[as.length - 1]?.args[0]
      field = last?.type === 'string' ? last.value : String(node.spec.properties['as']?.default ?? field)
    }
    const body: Expr = { kind: 'Binary', op: opArg.op as BinaryOp, left: { kind: 'Reference', name: field, loc: opArg.loc }, right: valueArg, loc: c.loc }
    const lambda = this.lambda({ kind: 'Lambda', body, loc: c.loc })
    if (lambda.type === 'poison') return POISON
    return this.created(node, chainingMethod(DIALECT.filter.becomes)!, [lambda as TickValue], c)
  }

  /** `designDoc`: created by a `.name()` chaining call, whose `"references"` are names (`.groupby("dc")`). */
  private createChild(c: Chain, parent: NodeBuilder, spec: NodeSpec, designDoc = false): Val {
    const raw = this.args(c, spec.args)
    const vals = designDoc ? raw.map((v): Val => (v.type === 'reference' ? { type: 'string', value: v.name } : v)) : raw
    const args = this.checkCall(c, spec.args, vals, goNodeType(parent.spec))
    if (!args) return POISON
    return this.created(parent, spec, args, c)
  }

  private created(parent: NodeBuilder, spec: NodeSpec, args: TickValue[], c: Chain): Val {
    if (spec.expandsTo) return this.expand(parent, spec, args, c.name.loc)
    if (spec.name === STATS_NODE) {
      // Kapacitor's Stats(): the stats node is a source of the pipeline that watches its node
      const stats = this.newNode(spec, [], args, c.name.loc)
      this.watch(stats, parent)
      return { type: 'node', node: stats }
    }
    const others = args.filter((a) => a.type === 'node').map((a) => a.node as NodeBuilder)
    const node = this.newNode(spec, [parent, ...others], args.map((a) => (a.type === 'node' ? { type: 'node', node: { name: (a.node as NodeBuilder).name } } : a)), c.name.loc)
    return { type: 'node', node }
  }

  /**
   * Kapacitor's Stats(): the stats node (already given its id) watches `parent`; if `parent`
   * has no children at that moment, a `noop` child is linked to it (next id, a DOT edge)
   * so that it has somewhere to send its data.
   */
  private watch(stats: NodeBuilder, parent: NodeBuilder): void {
    stats.watches = parent
    if (parent.children.length === 0) this.newNode(nodeSpec(NOOP_NODE)!, [parent], [], stats.loc).implicit = true
  }

  /** `|deadman(threshold, interval, lambda…)` ≡ stats(interval).align()|derivative('emitted').unit(interval).nonNegative()|alert().crit(…). */
  private expand(parent: NodeBuilder, spec: NodeSpec, args: TickValue[], loc: Loc | undefined): Val {
    const [statsName, derivName, alertName] = spec.expandsTo!
    const threshold = args[0]!, interval = args[1]!
    const stats = this.newNode(nodeSpec(statsName!)!, [], [interval], loc)
    stats.implicit = true
    this.watch(stats, parent)
    // Kapacitor's Deadman(): `n.Stats(interval).Align()`
    stats.props.set('align', [{ args: [] }])
    const deriv = this.newNode(nodeSpec(derivName!)!, [stats], [{ type: 'string', value: 'emitted' }], loc)
    deriv.implicit = true
    deriv.props.set('unit', [{ args: [interval] }])
    deriv.props.set('nonNegative', [{ args: [] }])
    const alert = this.newNode(nodeSpec(alertName!)!, [deriv], [], loc)
    loc ??= NO_LOC
    const thresholdValue = threshold.type === 'int' ? Number(threshold.value) : threshold.type === 'float' ? threshold.value : 0
    let crit: Expr = {
      kind: 'Binary', op: '<=', left: { kind: 'Reference', name: 'emitted', loc },
      right: { kind: 'Float', value: thresholdValue, text: String(thresholdValue), loc }, loc,
    }
    for (const extra of args.slice(2)) if (extra.type === 'lambda') crit = { kind: 'Binary', op: 'AND', left: crit, right: extra.lambda.body, loc }
    alert.props.set('crit', [{ args: [{ type: 'lambda', lambda: { kind: 'Lambda', body: crit, loc } }] }])
    const d = this.opts.deadman ?? DEADMAN_DEFAULTS
    const ivl = interval.type === 'duration' ? goDuration(interval.ns) : ''
    alert.props.set('id', [{ args: [{ type: 'string', value: d.id.replace('NODE_NAME', parent.name) }] }])
    alert.props.set('message', [{ args: [{ type: 'string', value: d.message.replace('INTERVAL', ivl) }] }])
    return { type: 'node', node: alert }
  }

  /**
   * `[deadman] global = true`: Kapacitor appends `deadman(threshold, interval)` to the
   * task's root after evaluating the script.
   */
  globalDeadman(threshold: number, intervalNs: bigint): void {
    const root = this.sources[0]
    const spec = nodeSpec('deadman')
    if (!root || !spec) return
    const args: TickValue[] = [{ type: 'float', value: threshold }, { type: 'duration', ns: intervalNs }]
    const alert = nodeOf(this.expand(root, spec, args, undefined))
    if (alert) alert.implicit = true
  }

  newNode(spec: NodeSpec, parents: NodeBuilder[], args: TickValue[], loc: Loc | undefined): NodeBuilder {
    const id = this.nodes.length
    const node: NodeBuilder = {
      id, name: `${spec.desc}${id}`, spec, args, props: new Map<string, PropertyCall[]>(), handlers: [], current: undefined,
      parents: [], children: [], loc,
    }
    for (const p of parents) {
      node.parents.push(p)
      p.children.push(node)
    }
    this.nodes.push(node)
    if (parents.length === 0) this.sources.push(node)
    return node
  }
}

function zeroValue(t: VarType): Val {
  switch (t) {
    case 'int': return { type: 'int', value: 0n }
    case 'float': return { type: 'float', value: 0 }
    case 'string': return { type: 'string', value: '' }
    case 'bool': return { type: 'bool', value: false }
    case 'duration': return { type: 'duration', ns: 0n }
    case 'regex': return { type: 'regex', source: '' }
    case 'lambda': case 'list': case 'star': return POISON
  }
}

function varTypeOf(v: Val): VarType | undefined {
  switch (v.type) {
    case 'int': case 'float': case 'string': case 'bool': case 'regex': case 'duration': case 'lambda': case 'list': case 'star':
      return v.type
    default: return undefined
  }
}

function varValueJSON(v: Val): unknown {
  switch (v.type) {
    case 'int': return Number(v.value)
    case 'float': return v.value
    case 'string': return v.value
    case 'bool': return v.value
    case 'regex': return v.source
    case 'duration': return goDuration(v.ns)
    case 'lambda': return formatExpr(v.lambda.body, '')
    case 'list': return v.items.map((i) => ({ type: varTypeOf(i) ?? i.type, value: varValueJSON(i) }))
    case 'star': return null
    default: return null
  }
}

/** Go's time.Duration.String() for whole units (`10s`, `1m0s`, `1h30m0s`, `500ms`). */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  const neg = ns < 0n
  let n = neg ? -ns : ns
  let out: string
  if (n < 1_000_000_000n) {
    if (n % 1_000_000n === 0n) out = `${n / 1_000_000n}ms`
    else if (n % 1_000n === 0n) out = `${n / 1_000n}µs`
    else out = `${n}ns`
  } else {
    const h = n / 3_600_000_000_000n; n %= 3_600_000_000_000n
    const m = n / 60_000_000_000n; n %= 60_000_000_000n
    const sWhole = n / 1_000_000_000n, frac = n % 1_000_000_000n
    const s = frac === 0n ? `${sWhole}` : `${sWhole}.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`
    out = h > 0n ? `${h}h${m}m${s}s` : m > 0n ? `${m}m${s}s` : `${s}s`
  }
  return neg ? `-${out}` : out
}

/** Go's time.ParseDuration for the common forms (`1m0s`, `1h30m`, `1.5s`); undefined when invalid. */
export function parseGoDuration(text: string): bigint | undefined {
  const m = /^(-?)((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(text)
  if (!m) return undefined
  const unit: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }
  let total = 0n
  for (const [, num, u] of m[2]!.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += BigInt(Math.round(Number(num) * unit[u!]!))
  return m[1] ? -total : total
}
