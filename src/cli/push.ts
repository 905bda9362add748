/**
 * The design's `kapacitor push --remote <url> <task ID>...`: copies task definitions
 * from this server (the `-url` one) to another kapacitord and enables them there.
 *
 * Each task is read with its raw script (`?script-format=raw`), and sent with its type,
 * dbrps, vars and the streamer/batcher fields (`from`, `where`, `query`, `period`,
 * `cron`, `group-by`) it has. A task the remote does not have is created; one it has is
 * patched with the definition (the remote reloads it if it was running); then it is
 * enabled there. The template link is not sent: the task's script and vars are, so the
 * remote needs no template.
 */
import { isGlob } from './argv.js'
import { DEFINITION_EXTRAS, KapacitorClient, type ApiTask, type TaskOptions } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { listAll } from './select.js'

export const PUSH_USAGE = `Usage: kapacitor push --remote <URL> [task ID or pattern]...

	Publish task definitions to another Kapacitor server and enable them there.

	The tasks are read from the server of -url (their script, type, dbrps, vars and
	streamer or batcher fields), created on the remote server (or updated if they
	exist there), and enabled on the remote server.

For example:

		$ kapacitor push --remote http://prod-kapacitor:9092 cpu_alert

Options:

  -remote      The URL http(s)://host:port of the Kapacitor server to push to.
`

/** What a task's definition is on another server. */
export function definitionOf(t: ApiTask): TaskOptions {
  const opts: TaskOptions = {}
  if (t.type !== undefined && t.type !== '') opts.type = t.type
  if (t.dbrps !== undefined) opts.dbrps = t.dbrps
  if (t.script !== undefined) opts.script = t.script
  if (t.vars !== undefined && Object.keys(t.vars).length > 0) opts.vars = t.vars
  for (const k of DEFINITION_EXTRAS) {
    const v = t[k]
    if (v !== undefined && v !== '') opts[k] = v
  }
  // a streamer or batcher definition is whole: clear on the remote what this one does not have
  if (opts.from !== undefined || opts.where !== undefined) for (const k of ['from', 'where'] as const) opts[k] ??= ''
  if (opts.query !== undefined) for (const k of ['period', 'cron', 'group-by'] as const) opts[k] ??= ''
  return opts
}

async function taskIds(ctx: CliContext, args: readonly string[]): Promise<string[]> {
  const ids: string[] = []
  for (const a of args) {
    if (!isGlob(a)) ids.push(a)
    else for (const t of await listAll((o) => ctx.client.listTasks(o), a, ['link'])) ids.push(t.id)
  }
  return ids
}

export async function push(ctx: CliContext, remoteUrl: string | undefined, args: readonly string[]): Promise<void> {
  if (remoteUrl === undefined || remoteUrl === '') throw new UsageError('Must pass --remote <URL>', 'push')
  if (args.length === 0) throw new UsageError('Must pass at least one task ID', 'push')
  const remote = new KapacitorClient(remoteUrl)
  for (const id of await taskIds(ctx, args)) {
    const local = await ctx.client.task(id, { 'script-format': 'raw' })
    const def = definitionOf(local)
    let action: string
    try {
      const existing = await remote.findTask(id)
      const path = existing?.link?.href ?? remote.taskPath(id)
      if (existing === null) {
        await remote.createTask({ id, ...def, status: 'disabled' })
        action = 'created'
      } else {
        await remote.updateTask(path, def)
        action = 'updated'
      }
      if (existing?.status !== 'enabled') await remote.updateTask(path, { status: 'enabled' })
    } catch (err) {
      throw new Error(`pushing task ${id} to ${remote.url}: ${(err as Error).message}`)
    }
    ctx.io.out(`pushed ${id} to ${remote.url}: ${action}, enabled\n`)
  }
}
