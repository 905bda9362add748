/** `kapacitor disable <task ID or glob>...`: stop tasks. */
import type { CliContext } from './context.js'
import { setStatus } from './enable.js'

export const DISABLE_USAGE = `Usage: kapacitor disable [task ID...]

	Disable and stop a task running.

For example:

	You can disable by specific task ID.

		$ kapacitor disable cpu_alert

	Or, you can disable by glob:

		$ kapacitor disable *_alert
`

export function disable(ctx: CliContext, args: readonly string[]): Promise<void> {
  return setStatus(ctx, args, 'disabled')
}
