/**
 * Checks made on the program before it is evaluated, one function per rule (Kapacitor's
 * services/task_store/util.go): the task type inferred from the chain roots, and the dbrp
 * rules.
 */
import type { Expr, Program } from '../ast.js'
import type { TickProblem } from '../errors.js'
import type { Dbrp, TaskType } from './pipeline-def.js'

function rootIdent(e: Expr): { name: string; line: number; column: number } | undefined {
  let x: Expr = e
  while (x.kind === 'Chain') x = x.target
  return x.kind === 'Ident' ? { name: x.name, line: x.loc.start.line, column: x.loc.start.column } : undefined
}

/**
 * taskTypeFromProgram: every top-level chain (or chain declared by a var) rooted at
 * `stream` or `batch` must agree. A given `type` must agree with the script's.
 */
export function inferTaskType(p: Program, given: TaskType | undefined, report: (p: TickProblem) => void): { type: TaskType | undefined; conflict: boolean } {
  const roots: { name: TaskType; line: number; column: number }[] = []
  for (const s of p.statements) {
    const e = s.kind === 'VarDecl' ? s.value : s.kind === 'ExprStatement' ? s.expr : undefined
    if (!e || e.kind !== 'Chain') continue
    const r = rootIdent(e)
    if (r && (r.name === 'stream' || r.name === 'batch')) roots.push(r as { name: TaskType; line: number; column: number })
  }
  const first = roots[0]
  if (!first) {
    if (given) return { type: given, conflict: false }
    report({ line: p.loc.start.line, column: p.loc.start.column, message: 'invalid task type' })
    return { type: undefined, conflict: false }
  }
  const other = roots.find((r) => r.name !== first.name)
  if (other) {
    report({ line: other.line, column: other.column, message: 'invalid task type' })
    return { type: first.name, conflict: true }
  }
  if (given && given !== first.name) {
    report({ line: first.line, column: first.column, message: 'invalid task type' })
  }
  return { type: first.name, conflict: false }
}

/** dbrpsFromProgram plus the rules of task creation: not both, at least one. */
export function checkDbrps(p: Program, given: readonly Dbrp[] | undefined, report: (p: TickProblem) => void): Dbrp[] {
  const inScript: Dbrp[] = []
  let firstLoc: { line: number; column: number } | undefined
  for (const s of p.statements) {
    if (s.kind !== 'Dbrp') continue
    firstLoc ??= { line: s.loc.start.line, column: s.loc.start.column }
    inScript.push({ db: s.db.name, rp: s.rp.name })
  }
  const explicit = given ?? []
  if (inScript.length === 0 && explicit.length === 0) {
    report({ line: p.loc.start.line, column: p.loc.start.column, message: 'must specify dbrp' })
    return []
  }
  if (inScript.length > 0 && explicit.length > 0) {
    report({ line: firstLoc!.line, column: firstLoc!.column, message: 'cannot specify dbrp in both implicitly and explicitly' })
  }
  return inScript.length > 0 ? inScript : [...explicit]
}
