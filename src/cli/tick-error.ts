/**
 * A TICKscript error from the API (`{"error": "line 4 char 9: ..."}`, possibly behind a
 * prefix such as `invalid TICKscript: `, one problem per line) shown as the CLI shows it:
 * each located message, then the line of the local script and a caret under the column.
 *
 * A streamer's `where: ...` problems are located in the where expression as the server
 * reads it (rewritten to a TICKscript lambda by src/interp/streamer-where.ts), so their
 * caret goes under that rewritten expression.
 */
import { renderWithCaret } from '../interp/errors.js'
import { streamerWhereToLambda } from '../interp/streamer-where.js'

const LOCATED = /line (\d+) char (\d+): ?/

export function renderApiError(message: string, source: string | undefined, where?: string): string {
  if (source === undefined && where === undefined) return message
  const whereSource = where === undefined ? undefined : streamerWhereToLambda(where)
  return message.split('\n').map((text) => {
    const m = LOCATED.exec(text)
    if (m === null) return text
    const rest = text.slice(m.index + m[0].length)
    const src = rest.startsWith('where: ') && whereSource !== undefined ? whereSource : source
    if (src === undefined) return text
    const line = Number(m[1])
    const column = Number(m[2])
    if (line < 1 || line > src.split('\n').length) return text
    return text.slice(0, m.index) + renderWithCaret(src, { line, column, message: rest })
  }).join('\n')
}
