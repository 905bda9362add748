/** `kapacitor show-topic-handler <topic ID> <handler ID>`: Kapacitor's handler details, options as Go's JSON. */
import type { ApiTopicHandler } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { goJson } from './format.js'

export const SHOW_TOPIC_HANDLER_USAGE = `Usage: kapacitor show-topic-handler [topic ID] [handler ID]

	Show details about a specific handler.
`

/** `topic` is the one asked for (Kapacitor prints its argument, not a field of the answer). */
export function formatTopicHandler(topic: string, h: ApiTopicHandler): string {
  return `ID: ${h.id}\nTopic: ${topic}\nKind: ${h.kind ?? ''}\nMatch: ${h.match ?? ''}\nOptions: ${goJson(h.options ?? null)}\n`
}

export async function showTopicHandler(ctx: CliContext, args: readonly string[]): Promise<void> {
  if (args.length !== 2) throw new UsageError('Must specify both topic and handler IDs', 'show-topic-handler')
  const [topic, id] = args as [string, string]
  ctx.io.out(formatTopicHandler(topic, await ctx.client.topicHandler(topic, id)))
}
