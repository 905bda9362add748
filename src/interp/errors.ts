import type { Position } from './ast.js'

/**
 * A located TICKscript problem (syntax, check or lambda typing). Kapacitor's API form is
 * `line N char M: message`; the CLI shows the source line with a caret under the column.
 */
export interface TickProblem {
  readonly line: number
  readonly column: number
  readonly message: string
  /** What the parser expected at that place, when that is what went wrong. */
  readonly expected?: readonly string[]
}

export class TickScriptError extends Error {
  constructor(readonly problems: readonly TickProblem[]) {
    super(problems.map(kapacitorMessage).join('\n'))
    this.name = 'TickScriptError'
  }
}

/** `line 4 char 9: unknown property "perod" on window node, did you mean "period"?` */
export function kapacitorMessage(p: TickProblem): string {
  return `line ${p.line} char ${p.column}: ${p.message}`
}

/** The CLI form: the message, then the source line and a caret under the column. */
export function renderWithCaret(source: string, p: TickProblem): string {
  const lines = source.split('\n')
  const text = (lines[p.line - 1] ?? '').replace(/\r$/, '')
  const pad = text.slice(0, Math.max(0, p.column - 1)).replace(/[^\t]/g, ' ')
  return `${kapacitorMessage(p)}\n${text}\n${pad}^`
}

export function positionProblem(at: Position, message: string, expected?: readonly string[]): TickProblem {
  return expected === undefined ? { line: at.line, column: at.column, message } : { line: at.line, column: at.column, message, expected }
}
