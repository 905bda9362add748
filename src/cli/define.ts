/**
 * `kapacitor define <task ID> [-tick path] [-type stream|batch] [-dbrp "db"."rp"]...
 *                  [-template id] [-vars file.json] [-no-reload]`
 *
 * As Kapacitor's CLI: a task that does not exist is created disabled with the given
 * options; an existing one is patched with only the options given (`-dbrp` replaces all
 * of them). Then, if the task was enabled and `-no-reload` is absent, it is disabled and
 * enabled again so that the new definition runs. A TICKscript error from the server is
 * printed with the line of the local `-tick` file and a caret under the column.
 */
import { dbrpsOf } from './argv.js'
import { ApiError, type ApiTask, type ApiVars, type TaskOptions } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { readTextFile } from './files.js'
import { renderApiError } from './tick-error.js'

export const DEFINE_USAGE = `Usage: kapacitor define <task ID> [options]

	Create or update a task.

	A task is defined via a TICKscript that defines the data processing pipeline of the task.

	If an option is absent it will be left unmodified.

	If the task is enabled then it will be reloaded unless -no-reload is specified.

For example:

	You must define a task for the first time with all the flags.

		$ kapacitor define my_task -tick path/to/TICKscript -type stream -dbrp mydb.myrp

	Later you can change a single property of the task by referencing its name
	and only providing the single option you wish to modify.

		$ kapacitor define my_task -tick path/to/TICKscript

	or

		$ kapacitor define my_task -dbrp mydb.myrp -dbrp otherdb.default

	NOTE: you must specify all 'dbrp' flags you desire if you wish to modify them.

	A streamer (a stream task whose implicit from() is given on the command line):

		$ kapacitor define streamer --name cpu_high --from cpu --where '"usage_idle" < 10' --script cpu.tick [--dbrp telegraf.autogen]

	A batcher (a batch task whose implicit query is given on the command line; its
	dbrps are the query's FROM "db"."rp" unless --dbrp is given):

		$ kapacitor define batcher --name cpu_hourly --query 'SELECT mean("usage_idle") FROM "telegraf"."autogen"."cpu"' --period 15m --group-by 1h --script cpu.tick
		$ kapacitor define batcher --name cpu_hourly --query '...' --cron '*/15 * * * *' --script cpu.tick

Options:

  -dbrp        A database and retention policy pair of the form "db"."rp"; the quotes are optional. The flag can be specified multiple times.
  -no-reload   Do not reload the task even if it is enabled.
  -template    Optional template ID.
  -tick        Path to the TICKscript.
  -type        The task type (stream|batch).
  -vars        Optional path to a JSON vars file.
`

export interface DefineFlags {
  tick?: string
  type?: string
  dbrp?: unknown
  template?: string
  vars?: string
  'no-reload'?: boolean
}

/** `-type`: Kapacitor's two task types (its CLI ignores other words; we refuse them). */
export function taskType(type: string | undefined): string | undefined {
  if (type === undefined || type === '') return undefined
  if (type !== 'stream' && type !== 'batch') throw new UsageError(`invalid type ${JSON.stringify(type)}: must be stream or batch`, 'define')
  return type
}

/** A `-vars` file: a JSON object of `{name: {type, value, description?}}`. */
export function readVars(path: string): ApiVars {
  const text = readTextFile(path)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new Error(`invalid JSON in file ${path}: ${(err as Error).message}`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`invalid JSON in file ${path}: expected an object of vars ({"name": {"type": ..., "value": ...}})`)
  }
  return parsed as ApiVars
}

export async function defineTask(ctx: CliContext, id: string, flags: DefineFlags): Promise<void> {
  const script = flags.tick !== undefined && flags.tick !== '' ? readTextFile(flags.tick) : undefined
  const opts: TaskOptions = {}
  const type = taskType(flags.type)
  if (type !== undefined) opts.type = type
  const dbrps = dbrpsOf(flags.dbrp)
  if (dbrps.length > 0) opts.dbrps = dbrps
  if (script !== undefined) opts.script = script
  if (flags.template !== undefined && flags.template !== '') opts['template-id'] = flags.template
  if (flags.vars !== undefined && flags.vars !== '') opts.vars = readVars(flags.vars)
  await upsertTask(ctx, id, opts, script, flags['no-reload'] === true)
}

/**
 * Creates the task (disabled) or patches it with `opts`; then reloads it when it was
 * enabled, unless `noReload`. `source` is the local script, for the caret (and
 * `opts.where`, a streamer's where expression, for problems located in it).
 */
export async function upsertTask(ctx: CliContext, id: string, opts: TaskOptions, source: string | undefined, noReload: boolean): Promise<ApiTask> {
  const { client } = ctx
  const existing = await client.findTask(id)
  const path = existing?.link?.href ?? client.taskPath(id)
  try {
    if (existing === null) {
      return await client.createTask({ id, ...opts, status: 'disabled' })
    }
    const updated = await client.updateTask(path, opts)
    if (!noReload && existing.status === 'enabled') {
      await client.updateTask(path, { status: 'disabled' })
      return await client.updateTask(path, { status: 'enabled' })
    }
    return updated
  } catch (err) {
    if (err instanceof ApiError) throw new Error(renderApiError(err.message, source, opts.where))
    throw err
  }
}
