/**
 * Kapacitor's stream recording file, `.srpl`: gzip of repeated 3-line records — the
 * database, the retention policy, one line-protocol point with a nanosecond timestamp:
 *
 *     telegraf
 *     autogen
 *     cpu,host=a usage=1.5,n=3i 1700000000000000000
 *
 * Kapacitor's integration tests keep the same records uncompressed with timestamps in
 * seconds (`integrations/testdata/<Test>.srpl`, replayed with precision `s`); both forms
 * are read here. A string field may hold a newline (line protocol allows it inside
 * quotes); Kapacitor's line scanner cannot read such a record back, ours can.
 */
import { gunzipSync } from 'node:zlib'
import { parseLineProtocol } from '../ingest/line-protocol-parser.js'
import { encodePoint } from '../ingest/line-protocol-encoder.js'
import type { Point } from '../model/point.js'
import type { Precision } from '../model/time.js'

/** A recording file that cannot be read (import answers 400 with it). */
export class RecordingFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RecordingFormatError'
  }
}

/** The records of `points` (each `db\nrp\nline\n`), as Kapacitor writes them before gzip. */
export function srplRecords(points: readonly Point[]): string {
  let out = ''
  for (const p of points) {
    const line = encodePoint(p)
    if (line !== '') out += `${p.db}\n${p.rp}\n${line}\n`
  }
  return out
}

export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b
}

export interface SrplReadOptions {
  /** of the timestamps in the file: `ns` for Kapacitor's recordings, `s` for its test data */
  readonly precision: Precision
  /** the time of a line without a timestamp */
  readonly now: bigint
}

/** Records parsed together when they share db and rp (one parser call per run, not per line). */
const RUN = 4096

/** The points of a `.srpl` file, gzip or plain, in file order. */
export function parseSrpl(data: Uint8Array, opts: SrplReadOptions): Point[] {
  let bytes = data
  if (isGzip(data)) {
    try {
      bytes = gunzipSync(data)
    } catch (err) {
      throw new RecordingFormatError(`not a readable gzip file: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  const out: Point[] = []
  const parse = (db: string, rp: string, text: string) => parseLineProtocol(Buffer.from(text), { db, rp, precision: opts.precision, now: opts.now })
  let i = 0
  while (i < lines.length) {
    // fast path: a run of records of one db/rp whose points are one line each
    const db = lines[i]!
    const rp = lines[i + 1]
    const run: string[] = []
    let j = i
    while (run.length < RUN && j + 2 < lines.length && lines[j] === db && lines[j + 1] === rp) {
      run.push(lines[j + 2]!)
      j += 3
    }
    if (run.length > 1) {
      const r = parse(db, rp!, run.join('\n'))
      if (r.errors.length === 0 && r.points.length === run.length) {
        for (const p of r.points) out.push(p)
        i = j
        continue
      }
    }
    // one record; its point may continue over more lines (a string field holding a newline)
    if (i + 2 >= lines.length) throw new RecordingFormatError(`line ${i + 1}: invalid replay file format, expected another line`)
    let k = i + 2
    let text = lines[k]!
    for (;;) {
      const r = parse(db, rp!, text)
      if (r.errors.length === 0 && r.points.length === 1) {
        out.push(r.points[0]!)
        break
      }
      if (k + 1 >= lines.length || r.points.length > 1 || k - i > 1000) {
        const reason = r.errors[0]?.reason ?? (r.points.length === 0 ? 'no point' : 'more than one point')
        throw new RecordingFormatError(`line ${i + 3}: ${reason}`)
      }
      text += `\n${lines[++k]!}`
    }
    i = k + 1
  }
  return out
}
