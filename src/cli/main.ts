/**
 * The `kapacitor` command line: a client of kapacitord's HTTP API with Kapacitor's verbs,
 * flags and output.
 *
 *   kapacitor [-url http://host:9092] [-skipVerify] <command> [args]
 *
 * `-url` falls back to env `KAPACITOR_URL`, then http://localhost:9092. Flags take one
 * dash as in Kapacitor (`-tick`, `-dbrp`) or two. Exit status: 0 on success, 1 when the
 * command failed (the server's error, a TICKscript error with its caret, an unreadable
 * file, no server), 2 for wrong arguments (with the command's usage).
 */
import yargs from 'yargs'
import { firstPositional, normalizeArgv } from './argv.js'
import { DEFAULT_URL, KapacitorClient } from './client.js'
import { UsageError, type CliContext, type Io } from './context.js'
import { defineBatcher, type BatcherFlags } from './define-batcher.js'
import { defineStreamer, type StreamerFlags } from './define-streamer.js'
import { defineTemplate, type DefineTemplateFlags } from './define-template.js'
import { defineTopicHandler } from './define-topic-handler.js'
import { defineTask, type DefineFlags } from './define.js'
import { deleteItems } from './delete.js'
import { disable } from './disable.js'
import { enable } from './enable.js'
import { COMMANDS, MAIN_USAGE, USAGES, helpText } from './help.js'
import { list } from './list.js'
import { progressBars } from './progress-bar.js'
import { push } from './push.js'
import { record, type RecordFlags } from './record.js'
import { startRecording, stopRecording } from './recording-control.js'
import { exportRecording, importRecording, type ImportFlags } from './recording-files.js'
import { reload } from './reload.js'
import { replay, replayLive, type ReplayFlags, type ReplayLiveFlags } from './replay.js'
import { showTemplate } from './show-template.js'
import { showTopicHandler } from './show-topic-handler.js'
import { showTopic } from './show-topic.js'
import { show } from './show.js'
import { stats } from './stats.js'
import { vars } from './vars.js'
import { versionLine } from './version.js'

/** Options that take a value: `-opt value` is joined so that a value may start with a dash. */
export const VALUE_OPTIONS: ReadonlySet<string> = new Set([
  'url', 'tick', 'type', 'dbrp', 'template', 'template-id', 'vars', 'replay',
  'name', 'from', 'where', 'script', 'period', 'cron', 'group-by',
  'task', 'duration', 'start', 'stop', 'past', 'query', 'cluster', 'recording-id', 'recording', 'replay-id',
  'id', 'host', 'remote', 'precision',
])

const STREAMER_FLAGS = ['name', 'from', 'where', 'script'] as const
const BATCHER_FLAGS = ['name', 'query', 'period', 'cron', 'group-by', 'script'] as const
const DESIGN_FLAGS = [...new Set<string>([...STREAMER_FLAGS, ...BATCHER_FLAGS])]

export const processIo: Io = {
  out: (text) => { process.stdout.write(text) },
  err: (text) => { process.stderr.write(text) },
  // a bar only for a person watching: scripts that read stdout get the ID alone
  ...(process.stdout.isTTY === true ? { progress: progressBars(process.stderr) } : {}),
}

type Args = Record<string, unknown>

function strings(v: unknown): string[] {
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

function optString(v: unknown): string | undefined {
  if (v === undefined) return undefined
  // a repeated single-valued flag: the last one wins, as with Go's flag package
  return Array.isArray(v) ? String(v[v.length - 1]) : String(v)
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|t|true)$/i.test(v.trim())
}

function requireIds(ids: string[], verb: string): string[] {
  if (ids.length === 0) throw new UsageError('Must pass at least one task ID', verb)
  return ids
}

async function runDefine(ctx: CliContext, a: Args): Promise<void> {
  const id = optString(a['id'])
  const streamerFlags = DESIGN_FLAGS.filter((f) => a[f] !== undefined)
  if (id === 'batcher' && streamerFlags.length > 0) {
    const wrong = streamerFlags.filter((f) => !(BATCHER_FLAGS as readonly string[]).includes(f))
    if (wrong.length > 0) throw new UsageError(`${wrong.map((f) => `--${f}`).join(', ')}: not for 'define batcher'`, 'define')
    await defineBatcher(ctx, {
      name: optString(a['name']), query: optString(a['query']), period: optString(a['period']), cron: optString(a['cron']),
      'group-by': optString(a['group-by']), script: optString(a['script']), tick: optString(a['tick']), dbrp: a['dbrp'],
      'no-reload': a['no-reload'] === true,
    } satisfies BatcherFlags)
    return
  }
  if (id === 'streamer' && streamerFlags.length > 0) {
    const wrong = streamerFlags.filter((f) => !(STREAMER_FLAGS as readonly string[]).includes(f))
    if (wrong.length > 0) throw new UsageError(`${wrong.map((f) => `--${f}`).join(', ')}: not for 'define streamer'`, 'define')
    await defineStreamer(ctx, {
      name: optString(a['name']), from: optString(a['from']), where: optString(a['where']),
      script: optString(a['script']), tick: optString(a['tick']), dbrp: a['dbrp'],
      'no-reload': a['no-reload'] === true,
    } satisfies StreamerFlags)
    return
  }
  if (id === undefined || id === '') throw new UsageError('Must provide a task ID.', 'define')
  if (streamerFlags.length > 0) {
    throw new UsageError(`${streamerFlags.map((f) => `--${f}`).join(', ')}: only for 'define streamer --name <id> ...' or 'define batcher --name <id> ...'`, 'define')
  }
  await defineTask(ctx, id, {
    tick: optString(a['tick']), type: optString(a['type']), dbrp: a['dbrp'],
    template: optString(a['template']) ?? optString(a['template-id']), vars: optString(a['vars']),
    'no-reload': a['no-reload'] === true,
  } satisfies DefineFlags)
}

/** Runs the command line; resolves to the exit status. */
export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env, io: Io = processIo): Promise<number> {
  const args = normalizeArgv(argv, VALUE_OPTIONS)
  const dashDash = args.indexOf('--')
  const flagsPart = dashDash === -1 ? args : args.slice(0, dashDash)
  const verb = firstPositional(args, VALUE_OPTIONS)
  const wantsHelp = flagsPart.includes('--help') || flagsPart.includes('-h')
  if (verb === undefined) {
    if (wantsHelp) {
      io.out(MAIN_USAGE)
      return 0
    }
    io.err(`Error: Must pass a command.\n${MAIN_USAGE}`)
    return 2
  }
  if (!COMMANDS.includes(verb)) {
    io.err(`Unknown command ${verb}\n${MAIN_USAGE}`)
    return 2
  }
  if (wantsHelp) {
    io.out(USAGES[verb]!)
    return 0
  }

  let code = 0
  // yargs calls .fail() for an unknown flag but may still run the command's handler.
  let failed = false
  const report = (err: unknown): number => {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n\n${USAGES[err.verb ?? verb] ?? MAIN_USAGE}`)
      return 2
    }
    io.err(`${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
  const context = (a: Args): CliContext => {
    const url = optString(a['url']) ?? (env['KAPACITOR_URL'] || DEFAULT_URL)
    if (a['skipVerify'] === true || truthy(env['KAPACITOR_UNSAFE_SSL'])) {
      // Node's fetch has no per-request switch without undici's Agent; this process only talks to kapacitord.
      process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0'
    }
    return { client: new KapacitorClient(url), io }
  }
  const exec = (fn: (ctx: CliContext, a: Args) => Promise<void>) => async (a: Args): Promise<void> => {
    if (failed) return
    try {
      await fn(context(a), a)
    } catch (err) {
      code = report(err)
    }
  }

  await yargs(args)
    .scriptName('kapacitor')
    .parserConfiguration({
      'short-option-groups': false,
      'camel-case-expansion': false,
      'boolean-negation': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
    })
    .options({
      url: { type: 'string' },
      skipVerify: { type: 'boolean' },
    })
    .command('define [id]', 'Create/update a task.', (y) => y.options({
      tick: { type: 'string' },
      type: { type: 'string' },
      dbrp: { type: 'string' },
      template: { type: 'string' },
      'template-id': { type: 'string', hidden: true },
      vars: { type: 'string' },
      'no-reload': { type: 'boolean' },
      name: { type: 'string' },
      from: { type: 'string' },
      where: { type: 'string' },
      script: { type: 'string' },
      query: { type: 'string' },
      period: { type: 'string' },
      cron: { type: 'string' },
      'group-by': { type: 'string' },
    }), exec(runDefine))
    .command('define-template [id]', 'Create/update a template.', (y) => y.options({
      tick: { type: 'string' },
      type: { type: 'string' },
    }), exec(async (ctx, a) => {
      const id = optString(a['id'])
      if (id === undefined || id === '') throw new UsageError('Must provide a template ID.', 'define-template')
      await defineTemplate(ctx, id, { tick: optString(a['tick']), type: optString(a['type']) } satisfies DefineTemplateFlags)
    }))
    .command('define-topic-handler [args..]', 'Create/update an alert handler for a topic.', {},
      exec((ctx, a) => defineTopicHandler(ctx, strings(a['args']))))
    .command('enable [ids..]', 'Enable tasks.', {}, exec((ctx, a) => enable(ctx, requireIds(strings(a['ids']), 'enable'))))
    .command('disable [ids..]', 'Disable tasks.', {}, exec((ctx, a) => disable(ctx, requireIds(strings(a['ids']), 'disable'))))
    .command('reload [ids..]', 'Reload tasks.', {}, exec((ctx, a) => reload(ctx, requireIds(strings(a['ids']), 'reload'))))
    .command('delete [kind] [ids..]', 'Delete tasks, templates, recordings, replays, topics or topic-handlers.', {}, exec(async (ctx, a) => {
      const kind = optString(a['kind'])
      if (kind === undefined) throw new UsageError('Must pass at least one ID', 'delete')
      await deleteItems(ctx, kind, strings(a['ids']))
    }))
    .command('list [kind] [patterns..]', 'List tasks, templates, recordings, replays, topics or topic-handlers.', {}, exec((ctx, a) => list(ctx, optString(a['kind']), strings(a['patterns']))))
    .command('show [ids..]', 'Show a task.', (y) => y.options({ replay: { type: 'string' } }),
      exec((ctx, a) => show(ctx, strings(a['ids']), optString(a['replay']))))
    .command('show-template [ids..]', 'Show a template.', {}, exec((ctx, a) => showTemplate(ctx, strings(a['ids']))))
    .command('show-topic-handler [ids..]', 'Show an alert handler of a topic.', {}, exec((ctx, a) => showTopicHandler(ctx, strings(a['ids']))))
    .command('show-topic [ids..]', 'Show an alert topic.', {}, exec((ctx, a) => showTopic(ctx, strings(a['ids']))))
    .command('record [kind]', 'Record a stream, a batch task\'s queries or a query.', (y) => y.options({
      task: { type: 'string' },
      duration: { type: 'string' },
      start: { type: 'string' },
      stop: { type: 'string' },
      past: { type: 'string' },
      query: { type: 'string' },
      type: { type: 'string' },
      cluster: { type: 'string' },
      host: { type: 'string' },
      'recording-id': { type: 'string' },
      'no-wait': { type: 'boolean' },
    }), exec((ctx, a) => record(ctx, optString(a['kind']), {
      task: optString(a['task']), duration: optString(a['duration']), start: optString(a['start']), stop: optString(a['stop']),
      past: optString(a['past']), query: optString(a['query']), type: optString(a['type']), cluster: optString(a['cluster']),
      host: optString(a['host']), 'recording-id': optString(a['recording-id']), 'no-wait': a['no-wait'] === true,
    } satisfies RecordFlags)))
    .command('start-recording', 'Start recording every point written.', (y) => y.options({ id: { type: 'string' } }),
      exec(async (ctx, a) => { await startRecording(ctx, optString(a['id'])) }))
    .command('stop-recording [id]', 'Stop a stream recording.', {}, exec(async (ctx, a) => { await stopRecording(ctx, optString(a['id'])) }))
    .command('export-recording [args..]', 'Write a recording to a file.', {}, exec((ctx, a) => exportRecording(ctx, strings(a['args']))))
    .command('import-recording [args..]', 'Store a recording file.', (y) => y.options({
      id: { type: 'string' },
      type: { type: 'string' },
      precision: { type: 'string' },
      'no-wait': { type: 'boolean' },
    }), exec(async (ctx, a) => {
      await importRecording(ctx, strings(a['args']), {
        id: optString(a['id']), type: optString(a['type']), precision: optString(a['precision']), 'no-wait': a['no-wait'] === true,
      } satisfies ImportFlags)
    }))
    .command('replay [args..]', 'Replay a recording to a task.', (y) => y.options({
      task: { type: 'string' },
      recording: { type: 'string' },
      'real-clock': { type: 'boolean' },
      'rec-time': { type: 'boolean' },
      'replay-id': { type: 'string' },
      'no-wait': { type: 'boolean' },
    }), exec((ctx, a) => replay(ctx, {
      task: optString(a['task']), recording: optString(a['recording']), 'real-clock': a['real-clock'] === true,
      'rec-time': a['rec-time'] === true, 'replay-id': optString(a['replay-id']), 'no-wait': a['no-wait'] === true,
    } satisfies ReplayFlags, {}, strings(a['args']))))
    .command('replay-live [kind]', 'Replay the results of queries to a task.', (y) => y.options({
      task: { type: 'string' },
      start: { type: 'string' },
      stop: { type: 'string' },
      past: { type: 'string' },
      query: { type: 'string' },
      cluster: { type: 'string' },
      'real-clock': { type: 'boolean' },
      'rec-time': { type: 'boolean' },
      'replay-id': { type: 'string' },
      'no-wait': { type: 'boolean' },
    }), exec((ctx, a) => replayLive(ctx, optString(a['kind']), {
      task: optString(a['task']), start: optString(a['start']), stop: optString(a['stop']), past: optString(a['past']),
      query: optString(a['query']), cluster: optString(a['cluster']), 'real-clock': a['real-clock'] === true,
      'rec-time': a['rec-time'] === true, 'replay-id': optString(a['replay-id']), 'no-wait': a['no-wait'] === true,
    } satisfies ReplayLiveFlags)))
    .command('push [ids..]', 'Publish tasks to another Kapacitor.', (y) => y.options({ remote: { type: 'string' } }),
      exec((ctx, a) => push(ctx, optString(a['remote']), strings(a['ids']))))
    .command('stats [category..]', 'Show stats.', {}, exec((ctx, a) => stats(ctx, strings(a['category']))))
    .command('vars', 'Print debug vars.', {}, exec((ctx) => vars(ctx)))
    .command('version', 'Print the version.', {}, () => { io.out(versionLine()) })
    .command('help [command]', 'Help for a command.', {}, (a: Args) => {
      const command = optString(a['command'])
      const text = helpText(command)
      if (text === undefined) {
        io.err(`Unknown command ${command}\n${MAIN_USAGE}`)
        code = 2
        return
      }
      io.out(text)
    })
    .strict()
    .help(false)
    .version(false)
    .fail((msg, err) => {
      if (err) throw err
      failed = true
      code = report(new UsageError(msg ?? 'invalid arguments', verb))
    })
    .parseAsync()
  return code
}
