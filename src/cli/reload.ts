/** `kapacitor reload <task ID or glob>...`: disable then enable, as Kapacitor does (all disabled first). */
import type { CliContext } from './context.js'
import { setStatus } from './enable.js'

export const RELOAD_USAGE = `Usage: kapacitor reload [task ID...]

	Disable then enable a running task.

For example:

	You can reload by specific task ID.

		$ kapacitor reload cpu_alert

	Or, you can reload by glob:

		$ kapacitor reload *_alert
`

export async function reload(ctx: CliContext, args: readonly string[]): Promise<void> {
  await setStatus(ctx, args, 'disabled')
  await setStatus(ctx, args, 'enabled')
}
