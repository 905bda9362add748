/**
 * Canonical TICKscript, in the style of `kapacitor show` (Kapacitor's tick/ast Format):
 * statements separated by a blank line, each chain step on its own line with `|`/`@` steps
 * indented by 4 spaces and `.` properties by 8, the `//` comment kept above its statement,
 * strings re-escaped (triple strings stay triple), durations as written, and lambda
 * expressions with only the parentheses the precedence needs.
 *
 * format(parse(s)) parses back to an equal AST (locations aside) and is a fixed point.
 */
import type { BinaryOp, Expr, Program, Statement } from './ast.js'

const INDENT = '    '

export function formatProgram(p: Program): string {
  const bodies = p.statements.map(statementBody)
  return p.statements.map((s, i) => {
    // A statement that starts with `-`, `(`, `*` or `/` would read as the continuation of an
    // expression ending the previous one (`x` then `-5` is `x - 5`): a `;` keeps them apart.
    const next = bodies[i + 1]
    const sep = next !== undefined && continuable(s) && /^[-(*/]/.test(next) ? ';' : ''
    return `${commentLines(s)}${bodies[i]}${sep}\n`
  }).join('\n')
}

export function formatStatement(s: Statement): string {
  return `${commentLines(s)}${statementBody(s)}\n`
}

/** Whether the statement ends in an expression that an operator or `(` could continue. */
function continuable(s: Statement): boolean {
  const last = s.kind === 'VarDecl' ? s.value : s.kind === 'ExprStatement' ? s.expr : null
  return last !== null && last.kind !== 'Chain' && last.kind !== 'List'
}

function commentLines(s: Statement): string {
  return s.comment === undefined ? '' : commentBlock(s.comment, '')
}

function commentBlock(comment: string, indent: string): string {
  return comment.split('\n').map((line) => (line === '' ? `${indent}//\n` : `${indent}// ${line}\n`)).join('')
}

function statementBody(s: Statement): string {
  switch (s.kind) {
    case 'VarDecl': return `var ${s.name.name} = ${formatExpr(s.value, '')}`
    case 'TypedVarDecl': return `var ${s.name.name} ${s.varType}`
    case 'Dbrp': return `dbrp ${reference(s.db.name)}.${reference(s.rp.name)}`
    case 'ExprStatement': return formatExpr(s.expr, '')
    default: return assertNever(s)
  }
}

/** One expression; `indent` is the indentation of the line the expression starts on. */
export function formatExpr(e: Expr, indent: string): string {
  switch (e.kind) {
    case 'Ident': return e.name
    case 'Int': return formatInt(e.value, e.text)
    case 'Float': return formatFloat(e.value, e.text)
    case 'Duration': return e.text
    case 'String': return e.triple ? `'''${e.value}'''` : `'${e.value.replaceAll("'", "\\'")}'`
    case 'Reference': return reference(e.name)
    case 'Regex': return `/${e.source.replaceAll('/', '\\/')}/`
    case 'Bool': return e.value ? 'TRUE' : 'FALSE'
    case 'Star': return '*'
    case 'List': return `[${e.items.map((i) => formatExpr(i, indent)).join(', ')}]`
    case 'Lambda': return `lambda: ${formatExpr(e.body, indent)}`
    case 'Unary': {
      const inner = formatExpr(e.operand, indent)
      return e.operand.kind === 'Binary' ? `${e.op}(${inner})` : `${e.op}${inner}`
    }
    case 'Binary': {
      const p = PRECEDENCE[e.op]
      const l = formatExpr(e.left, indent)
      const r = formatExpr(e.right, indent)
      const lp = e.left.kind === 'Binary' && PRECEDENCE[e.left.op] < p ? `(${l})` : l
      const rp = e.right.kind === 'Binary' && PRECEDENCE[e.right.op] <= p ? `(${r})` : r
      return `${lp} ${e.op} ${rp}`
    }
    case 'Call': return `${e.name.name}(${e.args.map((a) => formatExpr(a, indent)).join(', ')})`
    case 'Chain': {
      const stepIndent = indent + (e.op === '.' ? INDENT + INDENT : INDENT)
      const args = e.args === null ? '' : `(${e.args.map((a) => formatExpr(a, stepIndent)).join(', ')})`
      const comment = e.comment === undefined ? '' : commentBlock(e.comment, stepIndent)
      return `${formatExpr(e.target, indent)}\n${comment}${stepIndent}${e.op}${e.name.name}${args}`
    }
    case 'OperatorArg': return e.op
    default: return assertNever(e)
  }
}

const PRECEDENCE: Record<BinaryOp, number> = {
  OR: 0, AND: 1,
  '==': 2, '!=': 2, '=~': 2, '!~': 2,
  '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4,
  '*': 5, '/': 5, '%': 5,
}

function reference(name: string): string {
  return `"${name.replaceAll('"', '\\"')}"`
}

/** Octal stays octal (`010`), as Kapacitor's formatter writes it; everything else decimal. */
function formatInt(value: bigint, text: string): string {
  return text.length > 1 && text.startsWith('0') ? `0${value.toString(8)}` : value.toString()
}

/** Shortest decimal form with a `.` (`.5` → `0.5`, `1.` → `1.0`); the text as written when that is not plain decimal. */
function formatFloat(value: number, text: string): string {
  const s = String(value)
  if (/e/i.test(s)) return text.startsWith('.') ? `0${text}` : text
  return s.includes('.') ? s : `${s}.0`
}

function assertNever(x: never): never {
  throw new Error(`unexpected AST node ${JSON.stringify(x)}`)
}
