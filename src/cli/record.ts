/**
 * `kapacitor record stream|batch|query ...`: starts a recording (POST
 * /kapacitor/v1/recordings/<kind>) and, unless `-no-wait`, polls it until it is no longer
 * running; prints the recording ID; a failed recording is an error.
 *
 * Besides Kapacitor's forms, the design's `record stream --host <influxdb url> --query
 * 'select ...'` records the result of a query against that InfluxDB as a stream
 * recording (POST /recordings/query with `host`).
 */
import { parseInfluxDuration, parseTimeFlag } from './argv.js'
import type { ApiRecording } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { waitWhileRunning, type PollOptions } from './wait.js'

export const RECORD_USAGE = `Usage: kapacitor record [batch|stream|query] [options]

	Record the result of a InfluxDB query or a snapshot of the live data stream.

	Prints the recording ID on exit.

	See 'kapacitor help replay' for how to replay a recording.
	See 'kapacitor help start-recording' for an open-ended recording of everything written.

Examples:

	$ kapacitor record stream -task mem_free -duration 1m

		Records the live data stream for 1 minute using the databases and retention policies of the task.

	$ kapacitor record stream --host http://localhost:8086 --query 'select * from "telegraf"."autogen"."cpu" where time > now() - 1h'

		Records the result of the query against that InfluxDB as a stream recording.

	$ kapacitor record batch -task cpu_idle -start 2015-09-01T00:00:00Z -stop 2015-09-02T00:00:00Z
	$ kapacitor record batch -task cpu_idle -past 10h

		Records the result of the queries of the batch task over that time range.

	$ kapacitor record query -query 'select value from "telegraf"."autogen"."cpu_idle" where time > now() - 1h' -type stream

		Records the result of the query as a stream (or, with -type batch, a batch) recording.

Options:

  -task          The ID of a task (stream: its dbrps; batch: its queries).
  -duration      How long to record the data stream (stream).
  -host          The URL of an InfluxDB to run -query against (stream).
  -start, -stop  The time range of the queries (batch; -stop defaults to now).
  -past          Set the start time via 'now - past' (batch).
  -query, -type  The query and the type of recording, stream or batch (query).
  -cluster       Optional named InfluxDB cluster from configuration (query).
  -recording-id  The ID to give to this recording. If not set a random ID is chosen.
  -no-wait       Do not wait for the recording to finish.
`

export interface RecordFlags {
  task?: string
  duration?: string
  start?: string
  stop?: string
  past?: string
  query?: string
  type?: string
  cluster?: string
  host?: string
  'recording-id'?: string
  'no-wait'?: boolean
}

export type RecordingKind = 'stream' | 'batch' | 'query'

function isoOfMs(ms: number): string {
  return new Date(ms).toISOString()
}

/** The endpoint and body of a `record` command line. */
export function recordRequest(kind: string, f: RecordFlags, nowMs: number): { kind: RecordingKind; body: Record<string, unknown> } {
  const id = f['recording-id'] !== undefined && f['recording-id'] !== '' ? { id: f['recording-id'] } : {}
  switch (kind) {
    case 'stream': {
      if (f.host || f.query) {
        if (!f.host || !f.query) throw new UsageError('both host and query are required to record a query as a stream', 'record')
        if (f.task || f.duration) throw new UsageError('-host and -query record a query: -task and -duration are for the live stream', 'record')
        return { kind: 'query', body: { ...id, query: f.query, type: 'stream', host: f.host } }
      }
      if (!f.task || !f.duration) throw new UsageError('both task and duration are required', 'record')
      const ns = parseInfluxDuration(f.duration)
      return { kind: 'stream', body: { ...id, task: f.task, stop: isoOfMs(nowMs + Number(ns / 1_000_000n)) } }
    }
    case 'batch': {
      if (!f.task) throw new UsageError('task is required', 'record')
      if (!f.start && !f.past) throw new UsageError('must set one of start or past flags.', 'record')
      if (f.start && f.past) throw new UsageError('cannot set both start and past flags.', 'record')
      const stop = f.stop ? parseTimeFlag('stop', f.stop) : isoOfMs(nowMs)
      const start = f.start
        ? parseTimeFlag('start', f.start)
        : isoOfMs(new Date(stop).getTime() - Number(parseInfluxDuration(f.past!) / 1_000_000n))
      return { kind: 'batch', body: { ...id, task: f.task, start, stop } }
    }
    case 'query': {
      if (!f.query || !f.type) throw new UsageError('both query and type are required', 'record')
      if (f.type !== 'stream' && f.type !== 'batch') throw new UsageError(`invalid type ${JSON.stringify(f.type)}: must be stream or batch`, 'record')
      return { kind: 'query', body: { ...id, query: f.query, type: f.type, ...(f.cluster ? { cluster: f.cluster } : {}), ...(f.host ? { host: f.host } : {}) } }
    }
    default:
      throw new Error(`Unknown record type ${JSON.stringify(kind)}, expected 'stream', 'batch' or 'query'`)
  }
}

/** Prints the ID once the recording is done (or at once with -no-wait); a failed one is an error. */
export async function awaitRecording(ctx: CliContext, rec: ApiRecording, noWait: boolean, opts: PollOptions = {}): Promise<ApiRecording> {
  if (!noWait) {
    const path = rec.link?.href ?? ctx.client.recordingPath(rec.id)
    rec = await waitWhileRunning(rec, () => ctx.client.recording(path), `recording ${rec.id}`, ctx.io.progress, opts)
  }
  ctx.io.out(`${rec.id}\n`)
  if (rec.status === 'failed') throw new Error(rec.error || 'recording failed: unknown reason')
  return rec
}

export async function record(ctx: CliContext, kind: string | undefined, flags: RecordFlags, opts: PollOptions = {}): Promise<void> {
  if (kind === undefined) throw new UsageError('Must specify stream, batch or query', 'record')
  const req = recordRequest(kind, flags, (opts.nowMs ?? Date.now)())
  const rec = await ctx.client.createRecording(req.kind, req.body)
  await awaitRecording(ctx, rec, flags['no-wait'] === true, opts)
}
