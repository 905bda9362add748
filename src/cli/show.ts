/** `kapacitor show [-replay id] <task ID>`: Kapacitor's task details. */
import type { ApiTask } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { dbrpList, padRight, rfc822, varValue } from './format.js'

export const SHOW_USAGE = `Usage: kapacitor show [-replay] [task ID]

	Show details about a specific task.

Options:

  -replay      Optional replay ID. If set the task information is in the context of the running replay.
`

export function formatTask(t: ApiTask): string {
  let out = ''
  const line = (label: string, value: string): void => { out += `${label} ${value}\n` }
  line('ID:', t.id)
  line('Error:', t.error ?? '')
  line('Template:', t['template-id'] ?? '')
  line('Type:', t.type ?? '')
  line('Status:', t.status ?? '')
  line('Executing:', String(t.executing ?? false))
  line('Created:', rfc822(t.created))
  line('Modified:', rfc822(t.modified))
  line('LastEnabled:', rfc822(t['last-enabled']))
  line('Databases Retention Policies:', dbrpList(t.dbrps))
  out += `TICKscript:\n${t.script ?? ''}\n`
  const names = Object.keys(t.vars ?? {}).sort()
  if (names.length > 0) {
    out += 'Vars:\n'
    out += `${padRight('Name', 30)}${padRight('Type', 10)}${padRight('Value', 40)}\n`
    for (const name of names) {
      const v = t.vars![name]!
      out += `${padRight(name, 30)}${padRight(v.type, 10)}${padRight(varValue(v), 40)}\n`
    }
  }
  out += `DOT:\n${t.dot ?? ''}\n`
  return out
}

export async function show(ctx: CliContext, args: readonly string[], replay: string | undefined): Promise<void> {
  if (args.length !== 1) throw new UsageError('Must specify one task ID', 'show')
  const id = args[0]!
  const t = await ctx.client.task(id, replay !== undefined && replay !== '' ? { 'replay-id': replay } : {})
  ctx.io.out(formatTask(t))
}
