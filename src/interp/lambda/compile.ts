/**
 * The lambda compiler: an expression AST becomes a tree of closures ONCE (no AST walk and no
 * string eval per point). The same pass does Kapacitor's define-time checks: where the
 * types of both operands are known at define time (literals, vars, function results of a
 * fixed type) a refused operator, an unknown function, a wrong argument count or argument
 * type is a located TickProblem. What depends on the point (field types, missing values,
 * int ÷ 0, conversions that fail on a value) is a per-point LambdaEvalError.
 *
 * Bare identifiers are replaced by the value of the `var` they name (LambdaScope), as
 * Kapacitor does when it evaluates the script.
 */
import type { BinaryOp, Expr, Loc } from '../ast.js'
import { TickScriptError, positionProblem, type TickProblem } from '../errors.js'
import { FuncError, type FunctionSpec } from './function-spec.js'
import { BUILTIN_FUNCTIONS } from './functions.js'
import { applyBinary, applyUnary, binaryResultType, binaryTypeError, missingError, unaryResultType, unaryTypeError } from './operators.js'
import { RegexSyntaxError, compileRe2 } from './regex.js'
import { LambdaState, type LambdaStateOptions } from './state.js'
import { Duration, Instant, LambdaEvalError, Missing, typeOf, type PointLike, type Value, type ValueType } from './values.js'

/** The `var` values a lambda may name: a value, or an expression (e.g. another lambda) that is inlined. */
export type ScopeValue = Value | Expr
export type LambdaScope = ReadonlyMap<string, ScopeValue>

export interface CompiledLambda {
  /** The result type when known at define time, else undefined (depends on the point). */
  readonly type: ValueType | undefined
  /** The field/tag names the expression reads (`"time"` excluded). */
  readonly references: readonly string[]
  /** Evaluates for one point; throws LambdaEvalError on a per-point failure. */
  eval(point: PointLike, state: LambdaState): Value
  /** Evaluates a condition (where, alert levels …): a non-boolean result is a LambdaEvalError. */
  evalBool(point: PointLike, state: LambdaState): boolean
  /** A fresh per-group state for this lambda. */
  newState(options?: LambdaStateOptions): LambdaState
}

type Ev = (p: PointLike, s: LambdaState) => Value

interface Compiled {
  readonly ev: Ev
  /** Known at define time. */
  readonly type: ValueType | undefined
  /** A define-time constant (literal or var), for specialisation. */
  readonly constant?: Value
  /**
   * Kapacitor's IsDynamic(): references and function calls, and arithmetic over them. Only
   * an operator whose operands are both non-dynamic is type-checked at define time.
   */
  readonly dynamic: boolean
  /** A plain field/tag reference (no Object.prototype name): comparisons with a constant read it inline. */
  readonly plainRef?: string
}

const isExpr = (v: ScopeValue): v is Expr =>
  typeof v === 'object' && v !== null && !(v instanceof RegExp) && !(v instanceof Duration) && !(v instanceof Instant) && !(v instanceof Missing) && 'kind' in v

/** A name also found on Object.prototype ("constructor", "toString" …) needs an own-property lookup. */
const PROTO_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype))

class Compiler {
  readonly problems: TickProblem[] = []
  readonly references = new Set<string>()
  slotCount = 0
  private readonly inlining = new Set<string>()

  constructor(private readonly scope: LambdaScope) {}

  problem(loc: Loc, message: string): Compiled {
    this.problems.push(positionProblem(loc.start, message))
    return { ev: () => { throw new LambdaEvalError(message) }, type: undefined, dynamic: false }
  }

  constant(v: Value): Compiled {
    return { ev: () => v, type: typeOf(v), constant: v, dynamic: false }
  }

  /**
   * `typed`: the parent asks the node's type before evaluating it (Kapacitor's Type(): the
   * operands of a binary operator, the arguments of a function); a function call there is
   * first checked against its signatures.
   */
  compile(e: Expr, typed = false): Compiled {
    switch (e.kind) {
      case 'Int': return this.constant(e.value)
      case 'Float': return this.constant(e.value)
      case 'String': return this.constant(e.value)
      case 'Bool': return this.constant(e.value)
      case 'Duration': return this.constant(new Duration(e.ns))
      case 'Regex':
        try {
          return this.constant(compileRe2(e.source))
        } catch (err) {
          if (err instanceof RegexSyntaxError) return this.problem(e.loc, err.message)
          throw err
        }
      case 'Reference': return this.reference(e.name)
      case 'Ident': return this.ident(e.name, e.loc, typed)
      case 'Lambda': return this.compile(e.body, typed)
      case 'Unary': {
        const operand = this.compile(e.operand)
        const op = e.op
        const t = operand.type === undefined ? undefined : unaryResultType(op, operand.type)
        if (!operand.dynamic && operand.type !== undefined) {
          if (t === undefined) return this.problem(e.loc, unaryTypeError(op, operand.type))
          if (operand.constant !== undefined) return this.constant(applyUnary(op, operand.constant))
        }
        const f = operand.ev
        return { ev: (p, s) => applyUnary(op, f(p, s)), type: op === '!' ? 'boolean' : t, dynamic: op === '!' ? false : operand.dynamic }
      }
      case 'Binary': return this.binary(e.op, this.compile(e.left, true), this.compile(e.right, true), e.loc)
      case 'Call': return this.call(e.name.name, e.args, e.loc, typed)
      case 'Star': case 'List': case 'Chain': case 'OperatorArg':
        return this.problem(e.loc, `unsupported ${e.kind.toLowerCase()} expression in lambda`)
    }
  }

  reference(name: string): Compiled {
    if (name === 'time') return { ev: (p) => new Instant(p.time), type: 'time', dynamic: true }
    this.references.add(name)
    const missing = new Missing(name)
    const conflict = `cannot have field and tags with same name ${JSON.stringify(name)}`
    if (PROTO_NAMES.has(name) || name === '__proto__') {
      return {
        ev: (p) => {
          if (Object.hasOwn(p.fields, name)) {
            if (Object.hasOwn(p.tags, name)) throw new LambdaEvalError(conflict)
            return p.fields[name] as Value
          }
          return Object.hasOwn(p.tags, name) ? (p.tags[name] as string) : missing
        },
        type: undefined,
        dynamic: true,
      }
    }
    return {
      ev: (p) => {
        const f = p.fields[name]
        if (f !== undefined) {
          if (p.tags[name] !== undefined) throw new LambdaEvalError(conflict)
          return f
        }
        const t = p.tags[name]
        return t !== undefined ? t : missing
      },
      type: undefined,
      dynamic: true,
      plainRef: name,
    }
  }

  ident(name: string, loc: Loc, typed: boolean): Compiled {
    const v = this.scope.get(name)
    if (v === undefined) {
      return this.problem(loc, `name ${JSON.stringify(name)} is undefined. Names in scope: ${[...this.scope.keys()].join(',')}`)
    }
    if (isExpr(v)) {
      if (this.inlining.has(name)) return this.problem(loc, `var ${JSON.stringify(name)} refers to itself`)
      this.inlining.add(name)
      try {
        return this.compile(v, typed)
      } finally {
        this.inlining.delete(name)
      }
    }
    return this.constant(v)
  }

  binary(op: BinaryOp, l: Compiled, r: Compiled, loc: Loc): Compiled {
    let type: ValueType | undefined
    const logicalOrComparison = op === 'AND' || op === 'OR' || op === '==' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=' || op === '=~' || op === '!~'
    if (l.type !== undefined && r.type !== undefined) {
      type = binaryResultType(op, l.type, r.type)
      if (type === undefined && !l.dynamic && !r.dynamic) return this.problem(loc, binaryTypeError(op, l.type, r.type))
    }
    if (logicalOrComparison) type = 'boolean'
    // Kapacitor: a comparison or logical node has a constant type (bool), so it is not dynamic
    const dynamic = logicalOrComparison ? false : l.dynamic || r.dynamic
    const lf = l.ev
    const rf = r.ev
    if (op === 'AND' || op === 'OR') {
      const isAnd = op === 'AND'
      if (l.type === 'boolean' && r.type === 'boolean') {
        // both sides always give a boolean (or throw): the plain short-circuit
        return { type, dynamic, ev: isAnd ? (p, s) => (lf(p, s) === true ? rf(p, s) : false) : (p, s) => (lf(p, s) === true ? true : rf(p, s)) }
      }
      return {
        type,
        dynamic,
        ev: (p, s) => {
          const a = lf(p, s)
          if (a === !isAnd) return a // short circuit: false AND …, true OR …
          if (a instanceof Missing) throw missingError('left', a)
          if (typeof a !== 'boolean') return applyBinary(op, a, rf(p, s)) // throws the typed error
          const b = rf(p, s)
          if (typeof b === 'boolean') return b
          return applyBinary(op, a, b)
        },
      }
    }
    const rc = r.constant
    // specialisations for a constant right operand (the common `"field" > 80`, `"tag" =~ /re/`)
    if ((op === '=~' || op === '!~') && rc instanceof RegExp) {
      const want = op === '=~'
      const name = l.plainRef
      if (name !== undefined) {
        // the hot shape `"tag" =~ /re/`: the lookup inlined, a tag first
        return {
          type, dynamic,
          ev: (p, s) => {
            const t = p.tags[name]
            if (t !== undefined && p.fields[name] === undefined) return rc.test(t) === want
            const a = lf(p, s)
            return typeof a === 'string' ? rc.test(a) === want : applyBinary(op, a, rc)
          },
        }
      }
      return { type, dynamic, ev: (p, s) => { const a = lf(p, s); return typeof a === 'string' ? rc.test(a) === want : applyBinary(op, a, rc) } }
    }
    if ((typeof rc === 'number' || typeof rc === 'bigint') && (op === '<' || op === '<=' || op === '>' || op === '>=' || op === '==' || op === '!=')) {
      const asFloat = Number(rc)
      const asInt = typeof rc === 'bigint' ? rc : undefined
      const cmp = COMPARE[op]
      const name = l.plainRef
      if (name !== undefined) {
        // the hot shape `"field" > 80`: the lookup inlined, a float field first
        return {
          type, dynamic,
          ev: (p, s) => {
            const f = p.fields[name]
            if (typeof f === 'number' && p.tags[name] === undefined) return cmp(f, asFloat)
            const a = lf(p, s)
            return typeof a === 'number' ? cmp(a, asFloat) : typeof a === 'bigint' ? (asInt !== undefined ? cmp(a, asInt) : cmp(Number(a), asFloat)) : applyBinary(op, a, rc)
          },
        }
      }
      if (asInt !== undefined) {
        return { type, dynamic, ev: (p, s) => { const a = lf(p, s); return typeof a === 'number' ? cmp(a, asFloat) : typeof a === 'bigint' ? cmp(a, asInt) : applyBinary(op, a, rc) } }
      }
      return { type, dynamic, ev: (p, s) => { const a = lf(p, s); return typeof a === 'number' ? cmp(a, asFloat) : typeof a === 'bigint' ? cmp(Number(a), asFloat) : applyBinary(op, a, rc) } }
    }
    if (l.constant !== undefined && rc !== undefined) return this.constantOrProblem(op, l.constant, rc, loc)
    return { type, dynamic, ev: (p, s) => applyBinary(op, lf(p, s), rf(p, s)) }
  }

  /** Both sides are define-time constants: fold (int ÷ 0 stays a per-point error, as in Kapacitor). */
  constantOrProblem(op: BinaryOp, a: Value, b: Value, loc: Loc): Compiled {
    try {
      return this.constant(applyBinary(op, a, b))
    } catch (err) {
      if (!(err instanceof LambdaEvalError)) throw err
      const type = binaryResultType(op, typeOf(a), typeOf(b))
      return { ev: () => applyBinary(op, a, b), type, dynamic: false }
    }
  }

  call(name: string, argExprs: readonly Expr[], loc: Loc, typed: boolean): Compiled {
    const spec = BUILTIN_FUNCTIONS.get(name)
    if (spec === undefined) {
      for (const a of argExprs) this.compile(a)
      return this.problem(loc, `undefined function: ${JSON.stringify(name)}`)
    }
    const args = argExprs.map((a) => this.compile(a, true))
    if (!spec.arity.includes(args.length)) return this.problem(loc, `error calling ${JSON.stringify(name)}: ${spec.arityMessage}`)
    // argument types are checked per point, as Kapacitor does (a function call is always dynamic there)
    const type = spec.returns(args.map((a) => a.type))
    return { ev: this.callEv(spec, args.map((a) => a.ev), typed ? argExprs.map(exprText) : undefined), type, dynamic: true }
  }

  /** `argTexts` is given when the call is type-checked against its signatures first (see compile's `typed`). */
  callEv(spec: FunctionSpec, argEvs: readonly Ev[], argTexts: readonly string[] | undefined): Ev {
    const name = spec.name
    const prefix = `error calling ${JSON.stringify(name)}: `
    const n = argEvs.length
    const slot = spec.newState !== undefined ? this.slotCount++ : -1
    const newState = spec.newState
    const call = spec.call
    const signatures = spec.signatures
    const references = this.references
    return (p, s) => {
      const values: Value[] = new Array(n)
      for (let i = 0; i < n; i++) {
        try {
          values[i] = argEvs[i](p, s)
        } catch (err) {
          if (err instanceof LambdaEvalError) throw new LambdaEvalError(`Failed to handle ${i + 1} argument: ${err.message}`)
          throw err
        }
      }
      if (argTexts !== undefined && !matchesSignature(signatures, values)) {
        throw signatureError(name, signatures, values, argTexts, references, p)
      }
      let state: unknown
      if (slot >= 0) {
        state = s.slots[slot]
        if (state === undefined) s.slots[slot] = state = newState!()
      }
      try {
        return call(values, state, s)
      } catch (err) {
        if (err instanceof FuncError) throw new LambdaEvalError(prefix + err.message)
        throw err
      }
    }
  }
}

function matchesSignature(signatures: readonly (readonly ValueType[])[], values: readonly Value[]): boolean {
  outer: for (const sig of signatures) {
    if (sig.length !== values.length) continue
    for (let i = 0; i < sig.length; i++) if (typeOf(values[i]) !== sig[i]) continue outer
    return true
  }
  return false
}

/**
 * Kapacitor's ErrMissingType (`Cannot call function "abs" argument "x" is missing, values in
 * scope are [a, b]`, the scope being the lambda's references this point has) or
 * ErrWrongFuncSignature (`Cannot call function "abs" with args ("x": int), available
 * signatures are [(float)].`; Go lists the signatures in map order, we in declaration order).
 */
function signatureError(
  name: string, signatures: readonly (readonly ValueType[])[], values: readonly Value[], argTexts: readonly string[],
  references: ReadonlySet<string>, p: PointLike,
): LambdaEvalError {
  const missing = values.flatMap((v, i) => (v instanceof Missing ? [argTexts[i]] : []))
  if (missing.length > 0) {
    const inScope = [...references].filter((r) => Object.hasOwn(p.fields, r) || Object.hasOwn(p.tags, r))
    const what = missing.length > 1 ? `arguments ${missing.join(', ')} are missing` : `argument ${missing[0]} is missing`
    return new LambdaEvalError(`Cannot call function ${JSON.stringify(name)} ${what}, values in scope are [${inScope.join(', ')}]`)
  }
  const args = values.map((v, i) => `${argTexts[i]}: ${typeOf(v)}`).join(',')
  const available = signatures.map((sig) => `(${sig.join(',')})`).join(', ')
  return new LambdaEvalError(`Cannot call function ${JSON.stringify(name)} with args (${args}), available signatures are [${available}].`)
}

/** How Kapacitor prints an argument node in signature errors (best effort for non-references). */
function exprText(e: Expr): string {
  switch (e.kind) {
    case 'Reference': return `"${e.name}"`
    case 'Int': case 'Float': case 'Duration': return e.text
    case 'String': return `'${e.value}'`
    case 'Bool': return e.value ? 'TRUE' : 'FALSE'
    case 'Regex': return `/${e.source}/`
    case 'Ident': return e.name
    case 'Call': return `${e.name.name}(${e.args.map(exprText).join(', ')})`
    case 'Unary': return `${e.op}${exprText(e.operand)}`
    case 'Binary': return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`
    case 'Lambda': return exprText(e.body)
    default: return e.kind
  }
}

const COMPARE: Record<'<' | '<=' | '>' | '>=' | '==' | '!=', <T extends number | bigint>(a: T, b: T) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
}

export { missingError }

/** The define-time problems of a lambda expression (empty when it compiles). */
export function checkLambda(expr: Expr, scope: LambdaScope = new Map()): TickProblem[] {
  const c = new Compiler(scope)
  c.compile(expr)
  return c.problems
}

/** Compiles a lambda (or its body); throws TickScriptError with every located problem. */
export function compileLambda(expr: Expr, scope: LambdaScope = new Map()): CompiledLambda {
  const c = new Compiler(scope)
  const root = c.compile(expr)
  if (c.problems.length > 0) throw new TickScriptError(c.problems)
  const ev = root.ev
  const references = [...c.references]
  return {
    type: root.type,
    references,
    eval: ev,
    evalBool: root.type === 'boolean' ? (ev as (p: PointLike, s: LambdaState) => boolean) : (p, s) => {
      const v = ev(p, s)
      if (typeof v === 'boolean') return v
      if (v instanceof Missing) throw missingError('left', v)
      throw new LambdaEvalError(`expression returned unexpected type ${typeOf(v)}`)
    },
    newState: (options) => new LambdaState(options),
  }
}
