/** `kapacitor show-template <template ID>`: Kapacitor's template details (vars with defaults). */
import type { ApiTemplate } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { padRight, rfc822, varValue } from './format.js'

export const SHOW_TEMPLATE_USAGE = `Usage: kapacitor show-template [template ID]

	Show details about a specific template.
`

export function formatTemplate(t: ApiTemplate): string {
  let out = ''
  const line = (label: string, value: string): void => { out += `${label} ${value}\n` }
  line('ID:', t.id)
  line('Error:', t.error ?? '')
  line('Type:', t.type ?? '')
  line('Created:', rfc822(t.created))
  line('Modified:', rfc822(t.modified))
  out += `TICKscript:\n${t.script ?? ''}\n`
  out += 'Vars:\n'
  const row = (name: string, type: string, value: string, description: string): string =>
    `${padRight(name, 30)}${padRight(type, 10)}${padRight(value, 40)}${padRight(description, 40)}\n`
  out += row('Name', 'Type', 'Default Value', 'Description')
  for (const name of Object.keys(t.vars ?? {}).sort()) {
    const v = t.vars![name]!
    const value = v.value === undefined || v.value === null ? '<required>' : varValue(v)
    out += row(name, v.type, value, v.description ?? '')
  }
  out += `DOT:\n${t.dot ?? ''}\n`
  return out
}

export async function showTemplate(ctx: CliContext, args: readonly string[]): Promise<void> {
  if (args.length !== 1) throw new UsageError('Must specify one template ID', 'show-template')
  const id = args[0]!
  const t = await ctx.client.template(id)
  ctx.io.out(formatTemplate(t))
}
