/**
 * `kapacitor delete tasks|templates|recordings|replays|topics <ID or glob>...` and
 * `kapacitor delete topic-handlers <topic> <ID or glob>...`. Deleting what does not exist
 * is not an error (Kapacitor answers 204 for it; a server that answers 404 is treated the
 * same). Topics and handlers are resolved by listing, as Kapacitor does; an empty
 * argument names nothing (for Kapacitor it is the pattern that matches every topic).
 */
import { ApiError } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { isKind, select } from './select.js'

export const DELETE_USAGE = `Usage: kapacitor delete (tasks|templates|recordings|replays|topics|topic-handlers) [ID or pattern]...

	Delete tasks, templates, recordings, replays, topics or handlers.

	If a task is enabled it will be disabled and then deleted.

	Deleting a handler requires that the topic be specified before the pattern.

		$ kapacitor delete topic-handlers [topic] [ID or pattern]


For example:

	You can delete task:

		$ kapacitor delete tasks my_task

	Or you can delete items by glob:

		$ kapacitor delete tasks *_alert

	You can delete recordings:

		$ kapacitor delete recordings b0a2ba8a-aeeb-45ec-bef9-1a2939963586

	You can delete a handler in the topic 'system':

		$ kapacitor delete topic-handlers system slack
`

async function deletePaths(ctx: CliContext, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    try {
      await ctx.client.deletePath(path)
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) continue
      throw err
    }
  }
}

async function deleteTopics(ctx: CliContext, patterns: readonly string[]): Promise<void> {
  const { client } = ctx
  for (const p of patterns) {
    if (p === '') continue
    await deletePaths(ctx, (await client.listTopics(p)).map((t) => client.topicPath(t.id)))
  }
}

async function deleteTopicHandlers(ctx: CliContext, args: readonly string[]): Promise<void> {
  const [topic, ...patterns] = args
  if (topic === undefined || patterns.length === 0) throw new UsageError('Must pass a topic and at least one handler ID', 'delete')
  const { client } = ctx
  for (const p of patterns) {
    if (p === '') continue
    await deletePaths(ctx, (await client.listTopicHandlers(topic, p)).map((h) => client.topicHandlerPath(topic, h.id)))
  }
}

export async function deleteItems(ctx: CliContext, kind: string, args: readonly string[]): Promise<void> {
  if (kind === 'topics' || kind === 'topic-handlers') {
    if (args.length === 0) throw new UsageError('Must pass at least one ID', 'delete')
    await (kind === 'topics' ? deleteTopics(ctx, args) : deleteTopicHandlers(ctx, args))
    return
  }
  if (!isKind(kind)) throw new Error(`cannot delete '${kind}' did you mean 'tasks', 'templates', 'recordings', 'replays', 'topics' or 'topic-handlers'?`)
  if (args.length === 0) throw new UsageError('Must pass at least one ID', 'delete')
  await deletePaths(ctx, (await select(ctx.client, kind, args)).map((item) => item.path))
}
