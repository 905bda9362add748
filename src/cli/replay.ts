/**
 * `kapacitor replay -task id -recording id [-real-clock] [-rec-time] [-replay-id id]
 * [-no-wait]`: replays a recording into a task (POST /kapacitor/v1/replays), waits for
 * it unless `-no-wait`, prints the replay ID; a failed replay is an error.
 */
import type { ApiReplay } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { sleep, type PollOptions } from './record.js'

export const REPLAY_USAGE = `Usage: kapacitor replay [options]

	Replay a recording to a task. Prints the replay ID.

	The times of the data points will either be relative to now or the exact times
	in the recording if the '-rec-time' flag is set. In either case the relative times
	between the data points remains the same.

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

export interface ReplayFlags {
  task?: string
  recording?: string
  'real-clock'?: boolean
  'rec-time'?: boolean
  'replay-id'?: string
  'no-wait'?: boolean
}

export async function replay(ctx: CliContext, f: ReplayFlags, opts: PollOptions = {}): Promise<void> {
  if (!f.recording) throw new UsageError('must pass recording ID', 'replay')
  if (!f.task) throw new UsageError('must pass task ID', 'replay')
  let r: ApiReplay = await ctx.client.createReplay({
    ...(f['replay-id'] ? { id: f['replay-id'] } : {}),
    task: f.task,
    recording: f.recording,
    'recording-time': f['rec-time'] === true,
    clock: f['real-clock'] === true ? 'real' : 'fast',
  })
  if (f['no-wait'] !== true) {
    const path = r.link?.href ?? ctx.client.replayPath(r.id)
    while (r.status === 'running') {
      await sleep(opts.pollMs ?? 500)
      r = await ctx.client.replay(path)
    }
  }
  ctx.io.out(`${r.id}\n`)
  if (r.status === 'failed') throw new Error(r.error || 'replay failed: unknown reason')
}
