/**
 * `kapacitor delete tasks|templates|recordings|replays <ID or glob>...`. Deleting what
 * does not exist is not an error (Kapacitor answers 204 for it; a server that answers 404
 * is treated the same).
 */
import { ApiError } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { isKind, select } from './select.js'

export const DELETE_USAGE = `Usage: kapacitor delete (tasks|templates|recordings|replays) [ID or pattern]...

	Delete tasks, templates, recordings or replays.

	If a task is enabled it will be disabled and then deleted.

For example:

	You can delete task:

		$ kapacitor delete tasks my_task

	Or you can delete items by glob:

		$ kapacitor delete tasks *_alert

	You can delete recordings:

		$ kapacitor delete recordings b0a2ba8a-aeeb-45ec-bef9-1a2939963586
`

export async function deleteItems(ctx: CliContext, kind: string, args: readonly string[]): Promise<void> {
  if (!isKind(kind)) throw new Error(`cannot delete '${kind}' did you mean 'tasks', 'templates', 'recordings' or 'replays'?`)
  if (args.length === 0) throw new UsageError('Must pass at least one ID', 'delete')
  for (const item of await select(ctx.client, kind, args)) {
    try {
      await ctx.client.deletePath(item.path)
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) continue
      throw err
    }
  }
}
