/**
 * `kapacitor show-topic <topic ID>`: the topic's level, how many events it collected, its
 * handlers, and the last state of each of its events, oldest first, dates in local time.
 */
import type { ApiTopic, ApiTopicEvent } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { padRight, rfc822Local } from './format.js'

export const SHOW_TOPIC_USAGE = `Usage: kapacitor show-topic [topic ID]

	Show details about a specific topic.
`

/** An RFC 3339 time as ns since the epoch (sortable); 0 when unparsable. */
function timeKey(time: string | undefined): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(time ?? '')
  if (m === null) return 0n
  const ms = Date.parse(`${m[1]}${m[3]}`)
  if (Number.isNaN(ms)) return 0n
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9) || '0')
}

export function formatTopic(topic: ApiTopic, events: readonly ApiTopicEvent[], handlerIds: readonly string[]): string {
  const sorted = [...events].sort((a, b) => {
    const d = timeKey(a.state?.time) - timeKey(b.state?.time)
    return d < 0n ? -1 : d > 0n ? 1 : 0
  })
  const wEvent = Math.max('Event'.length, ...sorted.map((e) => e.id.length)) + 1
  const wMessage = Math.max('Message'.length, ...sorted.map((e) => (e.state?.message ?? '').length)) + 1
  const row = (event: string, level: string, message: string, date: string): string =>
    `${padRight(event, wEvent)}${padRight(level, 9)}${padRight(message, wMessage)}${padRight(date, 23)}\n`
  let out = `ID: ${topic.id}\nLevel: ${topic.level ?? ''}\nCollected: ${topic.collected ?? 0}\n`
  out += `Handlers: [${handlerIds.join(', ')}]\nEvents:\n`
  out += row('Event', 'Level', 'Message', 'Date')
  for (const e of sorted) out += row(e.id, e.state?.level ?? '', e.state?.message ?? '', rfc822Local(e.state?.time))
  return out
}

export async function showTopic(ctx: CliContext, args: readonly string[]): Promise<void> {
  if (args.length !== 1) throw new UsageError('Must specify one topic ID', 'show-topic')
  const { client } = ctx
  const topic = await client.topic(args[0]!)
  const events = await client.topicEvents(topic.id)
  const handlers = await client.listTopicHandlers(topic.id)
  ctx.io.out(formatTopic(topic, events, handlers.map((h) => h.id)))
}
