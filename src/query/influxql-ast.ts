/**
 * The AST of one InfluxQL SELECT statement (what src/query/influxql.peggy builds) and a
 * printer that renders it back to canonical InfluxQL, the way influxql's `String()`
 * methods do: keywords upper case, names double-quoted only when they must be, one space
 * around binary operators, parentheses where the source had them (plus wherever a built
 * tree needs them to keep its meaning). Printing a parsed statement and parsing the text
 * again gives the same text (a fixed point).
 */
import { formatRFC3339Nano } from '../model/rfc3339.js'

/** 1-based line and column (UTF-16 code units, as peggy counts), 0-based offset. */
export interface Position { readonly offset: number; readonly line: number; readonly column: number }
export interface Loc { readonly start: Position; readonly end: Position }

export type BinaryOp =
  | 'OR' | 'AND'
  | '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | '=~' | '!~'
  | '+' | '-' | '|' | '^'
  | '*' | '/' | '%' | '&'

export type CastType = 'float' | 'integer' | 'unsigned' | 'string' | 'boolean' | 'field' | 'tag'

export type Expr =
  | VarRef | Call | Distinct | IntegerLit | NumberLit | StringLit | BooleanLit | DurationLit
  | RegexLit | TimeLit | Wildcard | Binary | Unary | Paren

/** `host`, `"usage idle"`, `"host"::tag`; dotted names (`a.b`) are one name joined by '.'. */
export interface VarRef { readonly kind: 'VarRef'; readonly name: string; readonly type?: CastType; readonly loc?: Loc }
/** `mean("x")`, `percentile(x, 95)`, `now()`, `time(10s)`. */
export interface Call { readonly kind: 'Call'; readonly name: string; readonly args: readonly Expr[]; readonly loc?: Loc }
/** `DISTINCT value` (the keyword form of distinct()). */
export interface Distinct { readonly kind: 'Distinct'; readonly name: string; readonly loc?: Loc }
export interface IntegerLit { readonly kind: 'Integer'; readonly value: bigint; readonly loc?: Loc }
export interface NumberLit { readonly kind: 'Number'; readonly value: number; readonly loc?: Loc }
export interface StringLit { readonly kind: 'String'; readonly value: string; readonly loc?: Loc }
export interface BooleanLit { readonly kind: 'Boolean'; readonly value: boolean; readonly loc?: Loc }
/** `10s`, `-5m` as exact nanoseconds. */
export interface DurationLit { readonly kind: 'Duration'; readonly ns: bigint; readonly loc?: Loc }
/** `/cpu[0-9]+/`: `source` is the pattern with `\/` unescaped. */
export interface RegexLit { readonly kind: 'Regex'; readonly source: string; readonly loc?: Loc }
/** A time built by Kapacitor's bounds, printed as an RFC3339Nano string literal (never parsed). */
export interface TimeLit { readonly kind: 'Time'; readonly ns: bigint; readonly loc?: Loc }
/** `*`, `*::field`, `*::tag` (fields, call arguments, GROUP BY). */
export interface Wildcard { readonly kind: 'Wildcard'; readonly type?: 'field' | 'tag'; readonly loc?: Loc }
export interface Binary { readonly kind: 'Binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly loc?: Loc }
export interface Unary { readonly kind: 'Unary'; readonly op: '-'; readonly operand: Expr; readonly loc?: Loc }
/** Parentheses as written in the source. */
export interface Paren { readonly kind: 'Paren'; readonly expr: Expr; readonly loc?: Loc }

export interface Field { readonly kind: 'Field'; readonly expr: Expr; readonly alias?: string; readonly loc?: Loc }

/**
 * A FROM (or INTO) source: `db.rp.name`, `rp.name`, `name`, `db..name`, or a regex last
 * part; or, in FROM only, a subquery `(SELECT …)` (then `subquery` alone is set).
 */
export interface Measurement {
  readonly kind: 'Measurement'
  readonly database?: string
  readonly retentionPolicy?: string
  readonly name?: string
  readonly regex?: RegexLit
  readonly subquery?: SelectStatement
  readonly loc?: Loc
}

export type FillOption = 'null' | 'none' | 'previous' | 'linear' | 'number'
export interface Fill { readonly kind: 'Fill'; readonly option: FillOption; readonly value?: number | bigint; readonly loc?: Loc }

/** `ORDER BY time DESC`; `name` is absent for a bare `ORDER BY DESC`. */
export interface SortField { readonly kind: 'SortField'; readonly name?: string; readonly ascending: boolean; readonly loc?: Loc }

export interface SelectStatement {
  readonly kind: 'Select'
  readonly fields: readonly Field[]
  readonly into?: Measurement
  readonly sources: readonly Measurement[]
  readonly where?: Expr
  /** dimensions: tag references, `*`, regexes, `time(…)` calls */
  readonly groupBy: readonly Expr[]
  readonly fill?: Fill
  readonly orderBy?: readonly SortField[]
  readonly limit?: bigint
  readonly offset?: bigint
  readonly slimit?: bigint
  readonly soffset?: bigint
  readonly tz?: string
  readonly loc?: Loc
}

// ---------------------------------------------------------------- printing

/** influxql token.go keywords: a name equal to one (any case) must be quoted. */
const KEYWORDS = new Set([
  'all', 'alter', 'analyze', 'and', 'any', 'as', 'asc', 'begin', 'by', 'cardinality', 'create',
  'continuous', 'database', 'databases', 'default', 'delete', 'desc', 'destinations',
  'diagnostics', 'distinct', 'drop', 'duration', 'end', 'every', 'exact', 'explain', 'false',
  'field', 'for', 'from', 'grant', 'grants', 'group', 'groups', 'in', 'inf', 'insert', 'into',
  'key', 'keys', 'kill', 'limit', 'measurement', 'measurements', 'name', 'offset', 'on', 'or',
  'order', 'password', 'policies', 'policy', 'privileges', 'queries', 'query', 'read',
  'replication', 'resample', 'retention', 'revoke', 'select', 'series', 'set', 'shard',
  'shards', 'show', 'slimit', 'soffset', 'stats', 'subscription', 'subscriptions', 'tag', 'to',
  'true', 'user', 'users', 'values', 'where', 'with', 'write',
])

const BARE_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/

/** A name as InfluxQL needs it: bare when it can be, else double-quoted with `\\`, `\"`, `\n` escapes. */
export function quoteIdent(name: string): string {
  if (BARE_IDENT.test(name) && !KEYWORDS.has(name.toLowerCase())) return name
  return '"' + name.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"'
}

/** A single-quoted string literal (`\\`, `\'`, `\n` escaped). */
export function quoteString(s: string): string {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'"
}

const DURATION_UNITS: ReadonlyArray<readonly [bigint, string]> = [
  [604_800_000_000_000n, 'w'],
  [86_400_000_000_000n, 'd'],
  [3_600_000_000_000n, 'h'],
  [60_000_000_000n, 'm'],
  [1_000_000_000n, 's'],
  [1_000_000n, 'ms'],
  [1_000n, 'u'],
]

/** InfluxQL's duration form: the largest unit that divides it exactly (`0s`, `90s`, `1h`, `2w`, `1500ms`, `7ns`). */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  const sign = ns < 0n ? '-' : ''
  const abs = ns < 0n ? -ns : ns
  for (const [unit, suffix] of DURATION_UNITS) {
    if (abs % unit === 0n) return `${sign}${abs / unit}${suffix}`
  }
  return `${sign}${abs}ns`
}

/**
 * A float literal InfluxQL reads back as a float with the same value: digits with a
 * decimal point, never an exponent (its scanner has none).
 */
export function formatFloat(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`InfluxQL has no literal for ${v}`)
  const sign = v < 0 || Object.is(v, -0) ? '-' : ''
  let s = String(Math.abs(v))
  const e = s.indexOf('e')
  if (e >= 0) {
    const exp = Number(s.slice(e + 1))
    const digits = s.slice(0, e).replace('.', '')
    const pointAt = (s.slice(0, e).indexOf('.') === -1 ? s.slice(0, e).length : s.slice(0, e).indexOf('.')) + exp
    if (pointAt <= 0) s = '0.' + '0'.repeat(-pointAt) + digits
    else if (pointAt >= digits.length) s = digits + '0'.repeat(pointAt - digits.length)
    else s = digits.slice(0, pointAt) + '.' + digits.slice(pointAt)
  }
  if (!s.includes('.')) s += '.0'
  return sign + s
}

export function formatRegex(source: string): string {
  return '/' + source.replace(/\//g, '\\/') + '/'
}

/** Binding strength of a binary operator (influxql token.go Precedence). */
function precedence(op: BinaryOp): number {
  switch (op) {
    case 'OR': return 1
    case 'AND': return 2
    case '=': case '!=': case '<>': case '<': case '<=': case '>': case '>=': case '=~': case '!~': return 4
    case '+': case '-': case '|': case '^': return 5
    case '*': case '/': case '%': case '&': return 6
  }
}

export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'VarRef': return quoteIdent(e.name) + (e.type !== undefined ? `::${e.type}` : '')
    case 'Call': return `${e.name}(${e.args.map(formatExpr).join(', ')})`
    case 'Distinct': return `DISTINCT ${quoteIdent(e.name)}`
    case 'Integer': return e.value.toString()
    case 'Number': return formatFloat(e.value)
    case 'String': return quoteString(e.value)
    case 'Boolean': return e.value ? 'true' : 'false'
    case 'Duration': return formatDuration(e.ns)
    case 'Regex': return formatRegex(e.source)
    case 'Time': return quoteString(formatRFC3339Nano(e.ns))
    case 'Wildcard': return e.type !== undefined ? `*::${e.type}` : '*'
    case 'Paren': return `(${formatExpr(e.expr)})`
    case 'Unary': {
      const inner = formatExpr(e.operand)
      // `- -1` would not read back as written; `-(a + b)` needs its parentheses
      return e.operand.kind === 'Binary' || inner.startsWith('-') ? `-(${inner})` : `-${inner}`
    }
    case 'Binary': {
      const p = precedence(e.op)
      // Left-associative: a left operand binding weaker, or a right one binding as weak or
      // weaker, changes meaning without parentheses (only possible in a built tree).
      const left = e.left.kind === 'Binary' && precedence(e.left.op) < p ? `(${formatExpr(e.left)})` : formatExpr(e.left)
      const right = e.right.kind === 'Binary' && precedence(e.right.op) <= p ? `(${formatExpr(e.right)})` : formatExpr(e.right)
      return `${left} ${e.op} ${right}`
    }
  }
}

export function formatMeasurement(m: Measurement): string {
  if (m.subquery !== undefined) return `(${formatSelect(m.subquery)})`
  let out = ''
  if (m.database !== undefined) out += quoteIdent(m.database) + '.'
  if (m.retentionPolicy !== undefined) out += quoteIdent(m.retentionPolicy)
  if (m.database !== undefined || m.retentionPolicy !== undefined) out += '.'
  if (m.regex !== undefined) out += formatRegex(m.regex.source)
  else out += quoteIdent(m.name ?? '')
  return out
}

function formatField(f: Field): string {
  return formatExpr(f.expr) + (f.alias !== undefined ? ` AS ${quoteIdent(f.alias)}` : '')
}

function formatFill(f: Fill): string {
  if (f.option !== 'number') return `fill(${f.option})`
  const v = f.value ?? 0
  return `fill(${typeof v === 'bigint' ? v.toString() : formatFloat(v)})`
}

function formatSortField(s: SortField): string {
  const dir = s.ascending ? 'ASC' : 'DESC'
  return s.name !== undefined ? `${quoteIdent(s.name)} ${dir}` : dir
}

/** The statement as canonical InfluxQL, clauses in influxql's order. */
export function formatSelect(s: SelectStatement): string {
  let out = 'SELECT ' + s.fields.map(formatField).join(', ')
  if (s.into !== undefined) out += ' INTO ' + formatMeasurement(s.into)
  out += ' FROM ' + s.sources.map(formatMeasurement).join(', ')
  if (s.where !== undefined) out += ' WHERE ' + formatExpr(s.where)
  if (s.groupBy.length > 0) out += ' GROUP BY ' + s.groupBy.map(formatExpr).join(', ')
  if (s.fill !== undefined) out += ' ' + formatFill(s.fill)
  if (s.orderBy !== undefined) out += ' ORDER BY ' + s.orderBy.map(formatSortField).join(', ')
  if (s.limit !== undefined) out += ` LIMIT ${s.limit}`
  if (s.offset !== undefined) out += ` OFFSET ${s.offset}`
  if (s.slimit !== undefined) out += ` SLIMIT ${s.slimit}`
  if (s.soffset !== undefined) out += ` SOFFSET ${s.soffset}`
  if (s.tz !== undefined) out += ` tz(${quoteString(s.tz)})`
  return out
}

/** Every node of an expression tree, depth first (the node before its children). */
export function* walkExpr(e: Expr): Generator<Expr> {
  yield e
  switch (e.kind) {
    case 'Binary': yield* walkExpr(e.left); yield* walkExpr(e.right); break
    case 'Unary': yield* walkExpr(e.operand); break
    case 'Paren': yield* walkExpr(e.expr); break
    case 'Call': for (const a of e.args) yield* walkExpr(a); break
    default: break
  }
}
