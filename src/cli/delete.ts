/**
 * `kapacitor delete tasks|templates <ID or glob>...`. Deleting what does not exist is not
 * an error (Kapacitor answers 204 for it; a server that answers 404 is treated the same).
 */
import { ApiError } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { select, type Kind } from './select.js'

export const DELETE_USAGE = `Usage: kapacitor delete (tasks|templates) [ID or pattern]...

	Delete tasks or templates.

	If a task is enabled it will be disabled and then deleted.

For example:

	You can delete task:

		$ kapacitor delete tasks my_task

	Or you can delete items by glob:

		$ kapacitor delete tasks *_alert
`

export async function deleteItems(ctx: CliContext, kind: string, args: readonly string[]): Promise<void> {
  if (kind !== 'tasks' && kind !== 'templates') {
    throw new Error(`cannot delete '${kind}' did you mean 'tasks' or 'templates'?`)
  }
  if (args.length === 0) throw new UsageError('Must pass at least one ID', 'delete')
  for (const item of await select(ctx.client, kind as Kind, args)) {
    try {
      if (kind === 'tasks') await ctx.client.deleteTask(item.path)
      else await ctx.client.deleteTemplate(item.path)
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) continue
      throw err
    }
  }
}
