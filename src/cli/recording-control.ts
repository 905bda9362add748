/**
 * The design's open-ended recording: `kapacitor start-recording [-id X]` records every
 * point written to the server, of every database and retention policy, until
 * `kapacitor stop-recording [id]`, which prints `RecordingID=<id>`.
 */
import type { ApiRecording } from './client.js'
import { type CliContext } from './context.js'
import { listAll } from './select.js'

export const START_RECORDING_USAGE = `Usage: kapacitor start-recording [-id <recording ID>]

	Start recording every point written to the server (every database and retention
	policy) until 'kapacitor stop-recording'. Prints the recording ID.

	See 'kapacitor help replay' for how to replay a recording.

Options:

  -id          The ID to give to this recording. If not set a random ID is chosen.
`

export const STOP_RECORDING_USAGE = `Usage: kapacitor stop-recording [recording ID]

	Stop a running stream recording and print RecordingID=<id>.

	Without an ID, stops the one running stream recording (an error if there is none,
	or more than one).
`

export async function startRecording(ctx: CliContext, id: string | undefined): Promise<ApiRecording> {
  const rec = await ctx.client.startRecording(id)
  ctx.io.out(`${rec.id}\n`)
  return rec
}

/** The one running stream recording: what `stop-recording` stops when given no ID. */
async function runningStreamRecording(ctx: CliContext): Promise<string> {
  const all = await listAll((o) => ctx.client.listRecordings(o), '', ['type', 'status'])
  const running = all.filter((r) => r.type === 'stream' && r.status === 'running').map((r) => r.id)
  if (running.length === 0) throw new Error('no stream recording is running')
  if (running.length > 1) throw new Error(`${running.length} stream recordings are running (${running.join(', ')}): give the ID of the one to stop`)
  return running[0]!
}

export async function stopRecording(ctx: CliContext, id: string | undefined): Promise<ApiRecording> {
  const target = id !== undefined && id !== '' ? id : await runningStreamRecording(ctx)
  const rec = await ctx.client.stopRecording(target)
  ctx.io.out(`RecordingID=${rec.id ?? target}\n`)
  if (rec.status === 'failed') throw new Error(rec.error || 'recording failed: unknown reason')
  return rec
}
