/**
 * The small part of Go's text/template that node settings use (httpPost URLs, sideload
 * order paths): text with `{{ … }}` actions. splitActions() cuts a template into literal
 * text and trimmed action strings; each caller says which actions it understands.
 */
export type TemplatePart = string | { readonly action: string }

export function splitActions(text: string): TemplatePart[] {
  const parts: TemplatePart[] = []
  let i = 0
  while (i < text.length) {
    const open = text.indexOf('{{', i)
    if (open < 0) { parts.push(text.slice(i)); break }
    if (open > i) parts.push(text.slice(i, open))
    const close = text.indexOf('}}', open + 2)
    if (close < 0) throw new Error(`unclosed action in ${JSON.stringify(text)}`)
    parts.push({ action: text.slice(open + 2, close).trim() })
    i = close + 2
  }
  return parts
}

/** The key of `index <of> "key"` (Go string escapes), or undefined. */
export function indexKey(action: string, of: string): string | undefined {
  const m = new RegExp(`^index\\s+${of.replace(/\./g, '\\.')}\\s+"((?:[^"\\\\]|\\\\.)*)"$`).exec(action)
  return m ? (JSON.parse(`"${m[1]!}"`) as string) : undefined
}
