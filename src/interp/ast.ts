/**
 * The TICKscript AST: what grammar.peggy's actions build, and nothing else (no checks, no
 * evaluation). Every node carries its source location. Shared contract of the parser,
 * the formatter, the checker passes and the lambda compiler.
 *
 * Both dialects parse into these nodes: Kapacitor's (`stream|from().where(lambda: …)`)
 * and the original design's (`stream.window().period(10s)`, `map(mean, "value")`,
 * `filter(<, 30)`): `.name(...)` is always a `Chain` with op '.', and whether it is a
 * property or a chaining method is decided later from the node specs; an operator passed
 * as an argument is an `OperatorArg`.
 */

/** 1-based line and column (column counts UTF-16 code units, as peggy does), 0-based offsets. */
export interface Position { readonly offset: number; readonly line: number; readonly column: number }
export interface Loc { readonly start: Position; readonly end: Position }

export type BinaryOp =
  | 'OR' | 'AND'
  | '==' | '!=' | '=~' | '!~'
  | '<' | '<=' | '>' | '>='
  | '+' | '-'
  | '*' | '/' | '%'
export type UnaryOp = '-' | '!'

export type VarType = 'int' | 'float' | 'bool' | 'string' | 'regex' | 'duration' | 'lambda' | 'list' | 'star'

export interface Program {
  readonly kind: 'Program'
  readonly statements: readonly Statement[]
  readonly loc: Loc
}

export type Statement = VarDecl | TypedVarDecl | Dbrp | ExprStatement

interface StatementBase {
  /** The `//` comment lines directly above the statement, merged, without the slashes. */
  readonly comment?: string
  readonly loc: Loc
}

/** `var name = value` */
export interface VarDecl extends StatementBase { readonly kind: 'VarDecl'; readonly name: Ident; readonly value: Expr }
/** `var name type` — a template variable whose value the task supplies. */
export interface TypedVarDecl extends StatementBase { readonly kind: 'TypedVarDecl'; readonly name: Ident; readonly varType: VarType; readonly typeLoc: Loc }
/** `dbrp "db"."rp"` */
export interface Dbrp extends StatementBase { readonly kind: 'Dbrp'; readonly db: Reference; readonly rp: Reference }
export interface ExprStatement extends StatementBase { readonly kind: 'ExprStatement'; readonly expr: Expr }

export type Expr =
  | Ident | IntLit | FloatLit | DurationLit | StringLit | Reference | RegexLit | BoolLit | Star
  | ListLit | Lambda | Unary | Binary | Call | Chain | OperatorArg

export interface Ident { readonly kind: 'Ident'; readonly name: string; readonly loc: Loc }
/** An integer literal (octal when written with a leading 0, e.g. `010` = 8). */
export interface IntLit { readonly kind: 'Int'; readonly value: bigint; readonly text: string; readonly loc: Loc }
export interface FloatLit { readonly kind: 'Float'; readonly value: number; readonly text: string; readonly loc: Loc }
/** `10s`, `5m`, `1w` … as exact nanoseconds. */
export interface DurationLit { readonly kind: 'Duration'; readonly ns: bigint; readonly text: string; readonly loc: Loc }
/** `'…'` (only `\'` is an escape) or `'''…'''` (raw). `value` is the decoded text. */
export interface StringLit { readonly kind: 'String'; readonly value: string; readonly triple: boolean; readonly loc: Loc }
/** `"name"`: a field or tag reference in a lambda; also the operands of `dbrp`. */
export interface Reference { readonly kind: 'Reference'; readonly name: string; readonly loc: Loc }
/** `/…/` with `\/` unescaped; `source` is the RE2 pattern text. */
export interface RegexLit { readonly kind: 'Regex'; readonly source: string; readonly loc: Loc }
/** `TRUE` / `FALSE` (upper case only). */
export interface BoolLit { readonly kind: 'Bool'; readonly value: boolean; readonly loc: Loc }
export interface Star { readonly kind: 'Star'; readonly loc: Loc }
export interface ListLit { readonly kind: 'List'; readonly items: readonly Expr[]; readonly loc: Loc }
/** `lambda: expr` */
export interface Lambda { readonly kind: 'Lambda'; readonly body: Expr; readonly loc: Loc }
export interface Unary { readonly kind: 'Unary'; readonly op: UnaryOp; readonly operand: Expr; readonly loc: Loc }
export interface Binary { readonly kind: 'Binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly loc: Loc }
/** `name(args…)` not chained on anything: a function in a lambda, `time(10s)`, or a design-doc `map(mean, "value")`. */
export interface Call { readonly kind: 'Call'; readonly name: Ident; readonly args: readonly Expr[]; readonly loc: Loc }
/**
 * `target|name(args)` (op '|', a new child node), `target.name(args)` (op '.', a property
 * or, in the design-doc dialect, a chaining method), `target@name(args)` (op '@', a UDF).
 * `args` is null for a bare `.name` property read without parentheses.
 */
export interface Chain {
  readonly kind: 'Chain'
  readonly op: '|' | '.' | '@'
  readonly target: Expr
  readonly name: Ident
  readonly args: readonly Expr[] | null
  /** The `//` comment lines directly above this step (`kapacitor show` keeps them), merged, without the slashes. */
  readonly comment?: string
  readonly loc: Loc
}
/** Design-doc dialect: an operator passed as an argument, as in `filter(<, 30)`. */
export interface OperatorArg { readonly kind: 'OperatorArg'; readonly op: BinaryOp; readonly loc: Loc }
