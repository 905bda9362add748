/**
 * The design doc's `kapacitor define streamer --name N --from M --where "expr"
 * --script path [--dbrp db.rp]`: a stream task whose implicit from() takes its
 * measurement and where expression from the command line. It is sent to the same API
 * as `define` (`from` and `where` are fields of the task definition), created disabled,
 * and enabled with `kapacitor enable N`.
 */
import { dbrpsOf } from './argv.js'
import type { ApiTask, Dbrp, TaskOptions } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { upsertTask } from './define.js'
import { readTextFile } from './files.js'

export interface StreamerFlags {
  name?: string
  from?: string
  where?: string
  script?: string
  tick?: string
  dbrp?: unknown
  'no-reload'?: boolean
}

export const DEFAULT_STREAMER_DBRP: Dbrp = { db: 'telegraf', rp: 'autogen' }

/** Whether a script names its own dbrps (`dbrp "db"."rp"` statements); then none are sent, as the server refuses both. */
function scriptHasDbrp(script: string): boolean {
  return /^\s*dbrp\s/m.test(script)
}

export function streamerOptions(flags: StreamerFlags, script: string): TaskOptions {
  const opts: TaskOptions = { type: 'stream', script }
  const given = dbrpsOf(flags.dbrp)
  if (given.length > 0) opts.dbrps = given
  else if (!scriptHasDbrp(script)) opts.dbrps = [DEFAULT_STREAMER_DBRP]
  // the command line is the whole streamer: a where (or from) it does not give is cleared ('')
  opts.from = flags.from ?? ''
  opts.where = flags.where ?? ''
  return opts
}

export async function defineStreamer(ctx: CliContext, flags: StreamerFlags): Promise<ApiTask> {
  if (flags.name === undefined || flags.name === '') throw new UsageError('define streamer needs --name', 'define')
  const path = flags.script ?? flags.tick
  if (path === undefined || path === '') throw new UsageError('define streamer needs --script <path to the TICKscript>', 'define')
  const script = readTextFile(path)
  return upsertTask(ctx, flags.name, streamerOptions(flags, script), script, flags['no-reload'] === true)
}
