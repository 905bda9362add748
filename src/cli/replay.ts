/**
 * `kapacitor replay -task id -recording id [-real-clock] [-rec-time] [-replay-id id]
 * [-no-wait]` and the design's positional `kapacitor replay <recording> <task>`:
 * replays a recording into a task (POST /kapacitor/v1/replays), waits for it unless
 * `-no-wait`, prints the replay ID; a failed replay is an error.
 *
 * `kapacitor replay-live batch|query ...`: the same without a stored recording
 * (POST /replays/batch, /replays/query).
 */
import { parseInfluxDuration, parseTimeFlag } from './argv.js'
import type { ApiReplay } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { waitWhileRunning, type PollOptions } from './wait.js'

export const REPLAY_USAGE = `Usage: kapacitor replay [options]
       kapacitor replay <recording ID> <task ID> [options]

	Replay a recording to a task. Prints the replay ID.

	The times of the data points will either be relative to now or the exact times
	in the recording if the '-rec-time' flag is set. In either case the relative times
	between the data points remains the same.

	The replay's httpOut endpoints are served at
	/kapacitor/v1/tasks/<task ID>/<endpoint>?replay-id=<replay ID>.

	See 'kapacitor help record' for how to create a recording.
	See 'kapacitor help define' for how to create a task.

Options:

  -task          The task ID.
  -recording     The recording ID.
  -real-clock    If set, replay the data in real time. If not set replay data as fast as possible.
  -rec-time      If set, use the times saved in the recording instead of present times.
  -replay-id     The ID to give to this replay. If not set a random ID is chosen.
  -no-wait       Do not wait for the replay to finish.
`

export const REPLAY_LIVE_USAGE = `Usage: kapacitor replay-live <batch|query> [options]

	Replay data to a task directly without saving a recording.

	The command is a hybrid of the 'kapacitor record batch|query' and 'kapacitor replay' commands.

Examples:

	$ kapacitor replay-live batch -task cpu_idle -start 2015-09-01T00:00:00Z -stop 2015-09-02T00:00:00Z
	$ kapacitor replay-live batch -task cpu_idle -past 10h

		Replays the results of the task's queries over that time range against the task.

	$ kapacitor replay-live query -task cpu_alert -rec-time -query 'select value from "telegraf"."autogen"."cpu_idle" where time > now() - 1h'

		Replays the result of the query against the cpu_alert task.

Options:

  -task          The task ID.
  -start, -stop  The time range of the queries (batch; -stop defaults to now).
  -past          Set the start time via 'now - past' (batch).
  -query         The query to replay (query).
  -cluster       Optional named InfluxDB cluster from configuration (query).
  -real-clock    If set, replay the data in real time. If not set replay data as fast as possible.
  -rec-time      If set, use the times saved in the recording instead of present times.
  -replay-id     The ID to give to this replay. If not set a random ID is chosen.
  -no-wait       Do not wait for the replay to finish.
`

export interface ReplayFlags {
  task?: string
  recording?: string
  'real-clock'?: boolean
  'rec-time'?: boolean
  'replay-id'?: string
  'no-wait'?: boolean
}

export interface ReplayLiveFlags extends ReplayFlags {
  start?: string
  stop?: string
  past?: string
  query?: string
  cluster?: string
}

function common(f: ReplayFlags): Record<string, unknown> {
  return {
    ...(f['replay-id'] ? { id: f['replay-id'] } : {}),
    task: f.task,
    'recording-time': f['rec-time'] === true,
    clock: f['real-clock'] === true ? 'real' : 'fast',
  }
}

async function awaitReplay(ctx: CliContext, r: ApiReplay, noWait: boolean, opts: PollOptions): Promise<void> {
  if (!noWait) {
    const path = r.link?.href ?? ctx.client.replayPath(r.id)
    r = await waitWhileRunning(r, () => ctx.client.replay(path), `replay ${r.id}`, ctx.io.progress, opts)
  }
  ctx.io.out(`${r.id}\n`)
  if (r.status === 'failed') throw new Error(r.error || 'replay failed: unknown reason')
}

/** `positional`: the design's `<recording> <task>`; a flag and a positional for the same thing is refused. */
export async function replay(ctx: CliContext, f: ReplayFlags, opts: PollOptions = {}, positional: readonly string[] = []): Promise<void> {
  if (positional.length > 2) throw new UsageError(`too many arguments: ${positional.join(' ')} (expected <recording ID> <task ID>)`, 'replay')
  const [posRecording, posTask] = positional
  if (posRecording !== undefined && f.recording) throw new UsageError('the recording is given twice (-recording and an argument)', 'replay')
  if (posTask !== undefined && f.task) throw new UsageError('the task is given twice (-task and an argument)', 'replay')
  const recording = f.recording || posRecording
  const task = f.task || posTask
  if (!recording) throw new UsageError('must pass recording ID', 'replay')
  if (!task) throw new UsageError('must pass task ID', 'replay')
  const r = await ctx.client.createReplay({ ...common({ ...f, task }), recording })
  await awaitReplay(ctx, r, f['no-wait'] === true, opts)
}

export async function replayLive(ctx: CliContext, kind: string | undefined, f: ReplayLiveFlags, opts: PollOptions = {}): Promise<void> {
  switch (kind) {
    case 'batch': {
      if (!f.task) throw new UsageError('task is required', 'replay-live')
      if (!f.start && !f.past) throw new UsageError('must set one of start or past flags.', 'replay-live')
      if (f.start && f.past) throw new UsageError('cannot set both start and past flags.', 'replay-live')
      const stop = f.stop ? parseTimeFlag('stop', f.stop) : new Date((opts.nowMs ?? Date.now)()).toISOString()
      const start = f.start
        ? parseTimeFlag('start', f.start)
        : new Date(new Date(stop).getTime() - Number(parseInfluxDuration(f.past!) / 1_000_000n)).toISOString()
      const r = await ctx.client.createReplay({ ...common(f), start, stop }, 'batch')
      await awaitReplay(ctx, r, f['no-wait'] === true, opts)
      return
    }
    case 'query': {
      if (!f.query || !f.task) throw new UsageError('both query and task are required', 'replay-live')
      const r = await ctx.client.createReplay({ ...common(f), query: f.query, ...(f.cluster ? { cluster: f.cluster } : {}) }, 'query')
      await awaitReplay(ctx, r, f['no-wait'] === true, opts)
      return
    }
    case undefined:
      throw new UsageError("Must specify 'batch' or 'query'", 'replay-live')
    default:
      throw new Error(`Unknown replay-live type ${JSON.stringify(kind)}, expected 'batch' or 'query'`)
  }
}
