/**
 * Go text/template (and html/template's escaping of action output) for alert id,
 * message and details templates. `compileGoTemplate` parses once; `execute` renders.
 * Data is plain JS: objects are Go maps (sorted keys), bigint are ints, numbers are
 * float64; see values.ts for GoTime, GoDuration, goStruct and goStringMap. For the alert
 * node's templates use idTemplateData / messageTemplateData / detailsTemplateData
 * (alert-data.ts): they build Kapacitor's exact data shapes, so `{{ json . }}` in
 * .details() renders byte for byte what Kapacitor renders.
 */
import { Executor } from './exec.js'
import { BUILTINS } from './funcs.js'
import { parseTemplate, type Node } from './parse.js'

export { GoTemplateError, GoTime, GoDuration, goStruct, goStringMap } from './values.js'
export { formatValue, goJSON, sprintf } from './format.js'
export { idTemplateData, messageTemplateData, detailsTemplateData, type IdTemplateInput, type MessageTemplateInput, type ServerInfo } from './alert-data.js'

export interface GoTemplateOptions {
  /** html/template mode: every action's output is HTML-escaped. */
  readonly html?: boolean
  /** The template's name in error messages (Kapacitor: "id", "message", "details"). */
  readonly name?: string
}

export interface GoTemplate {
  /** Renders the template; throws GoTemplateError on an execution error. */
  execute(data: unknown): string
}

export function compileGoTemplate(text: string, opts: GoTemplateOptions = {}): GoTemplate {
  const name = opts.name ?? 'x'
  const html = opts.html === true
  let nodes = parseTemplate(text, { name, hasFunction: (f) => BUILTINS.has(f) })
  if (html) nodes = stripHTMLComments(nodes)
  // Plain text needs no executor.
  if (nodes.length === 0) return { execute: () => '' }
  if (nodes.length === 1 && nodes[0]!.kind === 'text') {
    const t = nodes[0]!.text
    return { execute: () => t }
  }
  return {
    execute(data: unknown): string {
      return new Executor(name, text, html).run(nodes, data)
    },
  }
}

/** html/template drops HTML comments from the template's literal text. */
function stripHTMLComments(nodes: Node[]): Node[] {
  return nodes.map((n): Node => {
    switch (n.kind) {
      case 'text': return n.text.includes('<!--') ? { kind: 'text', text: n.text.replace(/<!--[\s\S]*?-->/g, '') } : n
      case 'if': case 'with': case 'range':
        return { ...n, list: stripHTMLComments([...n.list]), elseList: n.elseList && stripHTMLComments([...n.elseList]) }
      default: return n
    }
  })
}
