/**
 * A TICKscript error from the API (`{"error": "line 4 char 9: ..."}`, possibly behind a
 * prefix such as `invalid TICKscript: `, one problem per line) shown as the CLI shows it:
 * each located message, then the line of the local script and a caret under the column.
 */
import { renderWithCaret } from '../interp/errors.js'

const LOCATED = /line (\d+) char (\d+): ?/

export function renderApiError(message: string, source: string | undefined): string {
  if (source === undefined) return message
  return message.split('\n').map((text) => {
    const m = LOCATED.exec(text)
    if (m === null) return text
    const line = Number(m[1])
    const column = Number(m[2])
    const lines = source.split('\n')
    if (line < 1 || line > lines.length) return text
    const prefix = text.slice(0, m.index)
    const rest = text.slice(m.index + m[0].length)
    return prefix + renderWithCaret(source, { line, column, message: rest })
  }).join('\n')
}
