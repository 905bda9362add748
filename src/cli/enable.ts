/** `kapacitor enable <task ID or glob>...`: start tasks on live data. */
import type { CliContext } from './context.js'
import { select } from './select.js'

export const ENABLE_USAGE = `Usage: kapacitor enable [task ID...]

	Enable and start a task running from the live data.

For example:

	You can enable by specific task ID.

		$ kapacitor enable cpu_alert

	Or, you can enable by glob:

		$ kapacitor enable *_alert
`

export async function setStatus(ctx: CliContext, args: readonly string[], status: 'enabled' | 'disabled'): Promise<void> {
  const verb = status === 'enabled' ? 'enabling' : 'disabling'
  for (const t of await select(ctx.client, 'tasks', args)) {
    try {
      await ctx.client.updateTask(t.path, { status })
    } catch (err) {
      throw new Error(`${verb} task ${t.id}: ${(err as Error).message}`)
    }
  }
}

export function enable(ctx: CliContext, args: readonly string[]): Promise<void> {
  return setStatus(ctx, args, 'enabled')
}
