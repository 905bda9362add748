/**
 * Recording files, Kapacitor's formats: `kapacitor export-recording <id> [file]` writes a
 * recording as Kapacitor stores it (`<id>.srpl`, a gzip of db / rp / line-protocol
 * records, for a stream recording; `<id>.brpl`, a zip of JSON batches, for a batch one),
 * and `kapacitor import-recording <file> [-id X] [-type stream|batch] [-precision s]`
 * brings one in (also Kapacitor's plain test-data files: `.srpl` with times in seconds
 * needs `-precision s`).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { ApiRecording } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { awaitRecording } from './record.js'
import type { PollOptions } from './wait.js'

export const EXPORT_RECORDING_USAGE = `Usage: kapacitor export-recording <recording ID> [file]

	Write a recording in Kapacitor's file format: a stream recording as <ID>.srpl
	(gzip of database, retention policy and line-protocol lines), a batch recording
	as <ID>.brpl (zip of JSON batches, one entry per query). Prints the file name.
`

export const IMPORT_RECORDING_USAGE = `Usage: kapacitor import-recording <file> [options]

	Store a recording file made by Kapacitor (or exported by 'kapacitor export-recording').
	Prints the recording ID.

	.srpl files are stream recordings and .brpl files batch recordings; plain (not
	compressed) files as in Kapacitor's integration test data are accepted too.

Options:

  -id          The ID to give to the recording. If not set, the file name without its extension.
  -type        stream or batch; needed when the extension does not tell.
  -precision   The precision of the times in a stream file (n, u, ms, s, m, h; default n).
  -no-wait     Do not wait for the import to finish.
`

export interface ImportFlags {
  id?: string
  type?: string
  precision?: string
  'no-wait'?: boolean
}

const EXTENSIONS: Readonly<Record<string, string>> = { stream: 'srpl', batch: 'brpl' }

export async function exportRecording(ctx: CliContext, args: readonly string[]): Promise<void> {
  if (args.length === 0 || args.length > 2) throw new UsageError('Must pass a recording ID and, optionally, a file name', 'export-recording')
  const id = args[0]!
  const info = await ctx.client.recording(ctx.client.recordingPath(id))
  if (info.status === 'running') throw new Error(`recording ${id} is still running`)
  const ext = EXTENSIONS[info.type ?? ''] ?? 'rpl'
  const file = args[1] ?? `${id}.${ext}`
  const bytes = await ctx.client.exportRecording(id)
  try {
    writeFileSync(file, bytes)
  } catch (err) {
    throw new Error(`write ${file}: ${(err as Error).message}`)
  }
  ctx.io.out(`${file}\n`)
}

/** The recording type a file name tells (`.srpl`, `.brpl`, and Kapacitor's `<Test>.<n>.brpl`). */
export function typeOfFile(file: string): 'stream' | 'batch' | undefined {
  if (/\.srpl$/i.test(file)) return 'stream'
  if (/\.brpl$/i.test(file)) return 'batch'
  return undefined
}

export async function importRecording(ctx: CliContext, args: readonly string[], flags: ImportFlags, opts: PollOptions = {}): Promise<ApiRecording> {
  if (args.length !== 1) throw new UsageError('Must pass one recording file', 'import-recording')
  const file = args[0]!
  const type = flags.type || typeOfFile(file)
  if (type === undefined) throw new UsageError(`cannot tell the recording type of ${file}: give -type stream or -type batch`, 'import-recording')
  if (type !== 'stream' && type !== 'batch') throw new UsageError(`invalid type ${JSON.stringify(type)}: must be stream or batch`, 'import-recording')
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw new Error(e.code === 'ENOENT' ? `open ${file}: no such file or directory` : `read ${file}: ${e.message}`)
  }
  const id = flags.id || basename(file).replace(/\.[sb]rpl$/i, '')
  const query: Record<string, string> = { id, type }
  if (flags.precision) query['precision'] = flags.precision
  const rec = await ctx.client.importRecording(bytes, query)
  return awaitRecording(ctx, rec, flags['no-wait'] === true, opts)
}
