/**
 * A batch task's InfluxQL query, prepared once and rendered for every run (Kapacitor's
 * query.go: NewQuery, SetStartTime/SetStopTime, Dimensions, Fill, String).
 *
 * The user's query must be one SELECT without time conditions, GROUP BY time() or fill():
 * those come from the query node (`.period()`/`.offset()` bounds, `.groupBy(time(…))`,
 * `.fill()`), and a user's own would silently fight them. Each render ANDs
 * `time >= '<start>' AND time < '<stop>'` (start inclusive, stop exclusive) to the user's
 * WHERE, which is parenthesised so that its meaning cannot change (`a OR b` stays one
 * condition; Kapacitor itself prints it bare).
 */
import { parse as peggyParse, SyntaxError as PeggySyntaxError, type Expectation } from './influxql.generated.js'
import {
  formatSelect, walkExpr,
  type Expr, type Fill, type Loc, type Measurement, type SelectStatement,
} from './influxql-ast.js'

/** A located problem with a batch query: `line L char C: <what> (expected …)`. */
export class InfluxQLError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    /** the problem without its location */
    readonly detail: string,
    /** what the parser expected there, for a syntax error */
    readonly expected: readonly string[] = [],
  ) {
    super(`line ${line} char ${column}: ${detail}${expected.length > 0 ? ` (expected ${joinOr(expected)})` : ''}`)
    this.name = 'InfluxQLError'
  }
}

export type FillSetting = 'null' | 'none' | 'previous' | 'linear' | number

export interface GroupBySetting {
  /** GROUP BY time(every, offset), ns */
  readonly time?: { readonly every: bigint; readonly offset: bigint }
  readonly tags: readonly string[]
  /** GROUP BY * */
  readonly star: boolean
}

export interface RenderOptions {
  /** inclusive lower time bound, ns */
  readonly start: bigint
  /** exclusive upper time bound, ns */
  readonly stop: bigint
  readonly groupBy?: GroupBySetting
  readonly fill?: FillSetting
  /**
   * Kapacitor's `.alignGroup()`: the time() offset becomes `start % every`, so that the
   * buckets start at the query's start rather than on multiples of `every`.
   */
  readonly alignGroup?: boolean
}

/** One FROM source (a regex source has `regex` instead of `measurement`). */
export interface QuerySource {
  readonly database?: string
  readonly retentionPolicy?: string
  readonly measurement?: string
  readonly regex?: string
}

export interface PreparedQuery {
  /** the parsed user query */
  readonly statement: SelectStatement
  readonly sources: readonly QuerySource[]
  /** the measurement names of the FROM (regex sources left out) */
  readonly measurements: readonly string[]
  /** the database of the first source that names one */
  readonly database?: string
  /** the retention policy of the first source that names one */
  readonly retentionPolicy?: string
  /** the query for [start, stop) with the GROUP BY and fill of the options */
  render(o: RenderOptions): string
}

/** Parses one InfluxQL SELECT (no further checks); throws InfluxQLError. */
export function parseInfluxQL(text: string): SelectStatement {
  try {
    return peggyParse(text, { startRule: 'Query' }) as SelectStatement
  } catch (e) {
    throw toInfluxQLError(text, e)
  }
}

/** Parses and checks a batch task's query; throws InfluxQLError. */
export function prepareBatchQuery(text: string): PreparedQuery {
  const statement = parseInfluxQL(text)
  checkBatchQuery(statement)
  const sources = statement.sources.map(toSource)
  const withDb = sources.find((s) => s.database !== undefined)
  const withRp = sources.find((s) => s.retentionPolicy !== undefined)
  const prepared: PreparedQuery = {
    statement,
    sources,
    measurements: sources.flatMap((s) => (s.measurement !== undefined ? [s.measurement] : [])),
    ...(withDb !== undefined ? { database: withDb.database } : {}),
    ...(withRp !== undefined ? { retentionPolicy: withRp.retentionPolicy } : {}),
    render: (o) => formatSelect(boundStatement(statement, o)),
  }
  return prepared
}

/** The statement Kapacitor would send for these options (exported for tests and printing). */
export function boundStatement(s: SelectStatement, o: RenderOptions): SelectStatement {
  if (o.stop < o.start) throw new RangeError(`query stop ${o.stop} is before its start ${o.start}`)
  const bounds: Expr = {
    kind: 'Binary',
    op: 'AND',
    left: { kind: 'Binary', op: '>=', left: { kind: 'VarRef', name: 'time' }, right: { kind: 'Time', ns: o.start } },
    right: { kind: 'Binary', op: '<', left: { kind: 'VarRef', name: 'time' }, right: { kind: 'Time', ns: o.stop } },
  }
  const where: Expr = s.where === undefined
    ? bounds
    : { kind: 'Binary', op: 'AND', left: { kind: 'Binary', op: 'AND', left: parenthesised(s.where), right: bounds.left }, right: bounds.right }
  const { fill: _userFill, ...rest } = s
  const fill = toFill(o.fill)
  return {
    ...rest,
    where,
    groupBy: dimensions(s.groupBy, o),
    ...(fill !== undefined ? { fill } : {}),
  }
}

function parenthesised(e: Expr): Expr {
  return e.kind === 'Paren' ? e : { kind: 'Paren', expr: e }
}

/** GROUP BY time(…) first, then the user's dimensions, then the option tags not already there, then `*`. */
function dimensions(user: readonly Expr[], o: RenderOptions): Expr[] {
  const out: Expr[] = []
  const g = o.groupBy
  if (g?.time !== undefined) {
    if (g.time.every <= 0n) throw new RangeError(`group by time interval must be positive, got ${g.time.every}ns`)
    // Go's %: the remainder has the sign of the start
    const offset = o.alignGroup === true ? o.start % g.time.every : g.time.offset
    out.push({ kind: 'Call', name: 'time', args: [{ kind: 'Duration', ns: g.time.every }, { kind: 'Duration', ns: offset }] })
  }
  out.push(...user)
  if (g !== undefined) {
    const present = new Set(user.flatMap((d) => (d.kind === 'VarRef' ? [d.name] : [])))
    for (const tag of g.tags) {
      if (present.has(tag)) continue
      present.add(tag)
      out.push({ kind: 'VarRef', name: tag })
    }
    if (g.star && !user.some((d) => d.kind === 'Wildcard')) out.push({ kind: 'Wildcard' })
  }
  return out
}

/** Kapacitor prints no fill for `null` (InfluxDB's default). */
function toFill(f: FillSetting | undefined): Fill | undefined {
  if (f === undefined || f === 'null') return undefined
  if (typeof f === 'number') {
    if (!Number.isFinite(f)) throw new RangeError(`fill value must be a finite number, got ${f}`)
    return Number.isInteger(f) ? { kind: 'Fill', option: 'number', value: BigInt(f) } : { kind: 'Fill', option: 'number', value: f }
  }
  return { kind: 'Fill', option: f }
}

function toSource(m: Measurement): QuerySource {
  return {
    ...(m.database !== undefined ? { database: m.database } : {}),
    ...(m.retentionPolicy !== undefined ? { retentionPolicy: m.retentionPolicy } : {}),
    ...(m.name !== undefined ? { measurement: m.name } : {}),
    ...(m.regex !== undefined ? { regex: m.regex.source } : {}),
  }
}

// ---------------------------------------------------------------- checks

function checkBatchQuery(s: SelectStatement): void {
  for (const m of s.sources) {
    // Kapacitor parses them but cannot run them (its DBRPs() refuses any source but a measurement)
    if (m.subquery !== undefined) throw located(m.loc, 'subqueries are not supported in a batch query (FROM (SELECT …))')
  }
  if (s.where !== undefined) {
    for (const e of walkExpr(s.where)) {
      if (e.kind === 'VarRef' && e.name.toLowerCase() === 'time') {
        throw located(e.loc, 'the query must not contain time conditions: the query node adds the time range of every batch (use .period() and .offset())')
      }
    }
  }
  for (const d of s.groupBy) {
    if (d.kind === 'Call' && d.name.toLowerCase() === 'time') {
      throw located(d.loc, 'the query must not contain GROUP BY time(…): use the query node\'s .groupBy(time(…))')
    }
  }
  if (s.fill !== undefined) {
    throw located(s.fill.loc, 'the query must not contain fill(…): use the query node\'s .fill(…)')
  }
}

function located(loc: Loc | undefined, detail: string): InfluxQLError {
  return new InfluxQLError(loc?.start.line ?? 1, loc?.start.column ?? 1, detail)
}

// ---------------------------------------------------------------- syntax errors

function toInfluxQLError(text: string, e: unknown): unknown {
  // the recursive-descent parser's stack, e.g. thousands of nested parentheses
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new InfluxQLError(1, 1, 'the query is nested too deeply to parse')
  if (!(e instanceof PeggySyntaxError)) return e
  const at = e.location.start
  // an error() of a grammar action carries its own message and no expectations
  if (e.expected === null) return new InfluxQLError(at.line, at.column, e.message)
  return new InfluxQLError(at.line, at.column, `unexpected ${describeFound(text, at.offset)}`, describeExpected(e.expected))
}

/** Tokens that can start an operand: together they read "an expression". */
const OPERAND_STARTS = ['"("', '"-"', 'a function name', 'an identifier', 'a number', 'a string', 'a duration', 'a boolean', 'a regex']
const OPERATORS = new Set(['"="', '"!="', '"<>"', '"<"', '"<="', '">"', '">="', '"=~"', '"!~"', '"*"', '"/"', '"%"', '"&"', '"AND"', '"OR"'])

function describeExpected(list: readonly Expectation[]): string[] {
  const out = new Set<string>()
  for (const x of list) {
    switch (x.type) {
      case 'literal': out.add(describeLiteral(x.text)); break
      case 'other': if (x.description !== 'whitespace') out.add(x.description); break
      case 'end': out.add('end of input'); break
      case 'any': case 'class': break // parts of a token (the +/- operator class, the first letter of a name)
    }
  }
  // NOT and DISTINCT are tried at every operand, == after every one (all three only to
  // explain a mistake); none is what a user wants to hear about
  out.delete('"NOT"')
  out.delete('"DISTINCT"')
  out.delete('"=="')
  if (OPERAND_STARTS.filter((t) => out.has(t)).length >= 4) {
    for (const t of OPERAND_STARTS) out.delete(t)
    out.add('an expression')
  }
  if ([...OPERATORS].filter((t) => out.has(t)).length >= 4) {
    for (const t of OPERATORS) out.delete(t)
    out.add('an operator')
  }
  return [...out]
}

/** Keywords in upper case; fill and tz are written as the calls they are. */
function describeLiteral(text: string): string {
  const lower = text.toLowerCase()
  if (lower === 'fill' || lower === 'tz') return `${lower}(…)`
  return JSON.stringify(/^[a-z]+$/i.test(text) ? text.toUpperCase() : text)
}

function describeFound(text: string, offset: number): string {
  if (offset >= text.length) return 'end of input'
  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(offset))
  if (word !== null) return JSON.stringify(word[0])
  return JSON.stringify(String.fromCodePoint(text.codePointAt(offset)!))
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`
}
