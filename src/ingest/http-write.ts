/**
 * `POST /write` and `POST /kapacitor/v1/write`: the ingest hot path, a plain Node
 * request handler that reads the raw body itself (no framework body parsing).
 *
 * Behaviour (InfluxDB 1.x's, see wire-compat.md §a):
 * - methods: POST writes; OPTIONS → 200; anything else → 405 `Allow: OPTIONS, POST`.
 * - `db` required (400 `database is required`); `rp` empty → `default-retention-policy`;
 *   `precision` via `parsePrecision` (unknown = ns, as influxd); `consistency` empty or
 *   any|one|quorum|all (else 400 `invalid consistency level`; checked before the body is
 *   read, so a bad level with bad lines reports the level); `u`, `p` and Basic auth ignored.
 * - any or no Content-Type; `Content-Encoding: gzip` decoded (corrupt → 400 `unexpected
 *   EOF`); chunked bodies.
 * - `max-body-size` caps the raw body (413 + `Connection: close`, the rest of the body
 *   unread: a declared Content-Length over the cap is refused before reading anything)
 *   and again the gunzipped body (413; the inflater stops at the cap, so a gzip bomb
 *   never costs more than the cap in memory).
 * - the receive time is taken once per request; lines without a timestamp get it
 *   (truncated to the precision by the parser).
 * - 204 when every line parsed (an empty body or only comments included); 400
 *   `partial write: <entries> dropped=0` when some lines were bad (the good ones ARE
 *   handed to the sink); 400 with the entries alone when all were bad; 500 when the
 *   sink fails. Errors are always JSON `{"error": …}` with `X-Influxdb-Error`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { unescape as unescapeQueryValue } from 'node:querystring'
import { constants as bufferConstants } from 'node:buffer'
import { gunzip, gunzipSync } from 'node:zlib'
import type { Clock } from '../model/clock.js'
import type { Point } from '../model/point.js'
import { parsePrecision } from '../model/time.js'
import type { PointSink } from './sink.js'
import type { HttpWriteCounters } from './stats.js'
import { formatLineError, parseLineProtocol, type ParseResult } from './line-protocol-parser.js'
import { STATIC_HEADERS, errorHeaderValue, redactUri, requestIdFor } from '../server/headers.js'
import type { Logger } from '../server/logger.js'

export interface WriteHandlerOptions {
  readonly sink: PointSink
  readonly stats: HttpWriteCounters
  readonly clock: Clock
  /** `rp` to use when a write names none (config `default-retention-policy`). */
  readonly defaultRetentionPolicy: string
  /** Bytes, raw and after gunzip; 0 = unlimited. */
  readonly maxBodySize: number
  /** Logs sink failures at error; with `logRequests`, one line per request at info. */
  readonly logger?: Logger
  readonly logRequests?: boolean
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void

/** True for the paths this handler serves: `/write` and `/kapacitor/v1/write` (any query string). */
export function isWritePath(url: string | undefined): boolean {
  if (url === undefined) return false
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  return path === '/write' || path === '/kapacitor/v1/write'
}

/** Bodies this small are gunzipped synchronously (at most ~1000× their size of work); larger ones on the thread pool. */
const SYNC_GUNZIP_MAX = 8 * 1024
const CONSISTENCY_LEVELS = new Set(['', 'any', 'one', 'quorum', 'all'])

/** The query parameters `/write` reads (the first occurrence of each, as Go's `Query().Get`). */
export interface WriteParams { db: string; rp: string; precision: string; consistency: string }

/**
 * Reads `db`, `rp`, `precision` and `consistency` from a query string in one pass,
 * decoding (`%xx`, `+`) only the values that need it; other parameters (`u`, `p`, …) are
 * skipped. `querystring.parse` builds an object of every parameter on each request.
 */
export function parseWriteParams(query: string): WriteParams {
  const out: WriteParams = { db: '', rp: '', precision: '', consistency: '' }
  let seen = 0
  let start = 0
  while (start <= query.length) {
    let end = query.indexOf('&', start)
    if (end < 0) end = query.length
    const eq = query.indexOf('=', start)
    const keyEnd = eq >= 0 && eq < end ? eq : end
    let key = query.slice(start, keyEnd)
    if (key.includes('%')) key = unescapeQueryValue(key)
    let bit = 0
    if (key === 'db') bit = 1
    else if (key === 'rp') bit = 2
    else if (key === 'precision') bit = 4
    else if (key === 'consistency') bit = 8
    if (bit !== 0 && (seen & bit) === 0) {
      seen |= bit
      let value = keyEnd < end ? query.slice(keyEnd + 1, end) : ''
      if (value.includes('%') || value.includes('+')) value = unescapeQueryValue(value.replace(/\+/g, ' '))
      if (bit === 1) out.db = value
      else if (bit === 2) out.rp = value
      else if (bit === 4) out.precision = value
      else out.consistency = value
    }
    start = end + 1
  }
  return out
}

/** How long a connection answered 413 before its body was read keeps reading (and discarding) it. */
const LINGER_MS = 2000

/**
 * After a 413 sent before the body was read, Node would destroy the socket as soon as the
 * answer is flushed; with request bytes still unread the kernel then resets the
 * connection, and a client that sends its whole body before reading (python's urllib,
 * requests) sees `Broken pipe` instead of the 413. Like Go's server (influxd), half-close
 * instead and keep discarding what arrives for a while, then close.
 */
function lingerBeforeClose(req: IncomingMessage): void {
  const socket = req.socket
  socket.destroySoon = function lingeringDestroySoon(this: typeof socket): void {
    if (this.writable) this.end()
    const timer = setTimeout(() => this.destroy(), LINGER_MS)
    timer.unref()
    this.once('close', () => clearTimeout(timer))
    this.once('end', () => this.destroy())
  }
  req.resume()
}

export function createWriteHandler(opts: WriteHandlerOptions): RequestHandler {
  const { sink, stats, clock, defaultRetentionPolicy, logger } = opts
  const maxBody = opts.maxBodySize > 0 ? opts.maxBodySize : Infinity
  const maxInflate = opts.maxBodySize > 0 ? Math.min(opts.maxBodySize, bufferConstants.MAX_LENGTH) : bufferConstants.MAX_LENGTH
  const logRequests = opts.logRequests === true && logger !== undefined

  function respond(req: IncomingMessage, res: ServerResponse, requestId: string, started: number, status: number, error: string | null, close = false): void {
    const headers: Record<string, string> = { ...STATIC_HEADERS, 'Request-Id': requestId, 'X-Request-Id': requestId }
    // A Buffer, never a string: Node writes the header block with the first body chunk's
    // encoding when that chunk is a string, which would UTF-8-encode X-Influxdb-Error's bytes again.
    let body: Buffer | undefined
    if (error !== null) {
      headers['X-Influxdb-Error'] = errorHeaderValue(error)
      body = Buffer.from(JSON.stringify({ error }))
      headers['Content-Length'] = String(body.length)
    }
    if (status === 405) headers['Allow'] = 'OPTIONS, POST'
    if (close) {
      headers['Connection'] = 'close'
      lingerBeforeClose(req)
    }
    res.writeHead(status, headers)
    res.end(body)
    if (logRequests) {
      logger!.info({
        service: 'http', method: req.method, uri: redactUri(req.url), status, request_id: requestId,
        user_agent: req.headers['user-agent'], remote: req.socket.remoteAddress,
        duration_ms: Date.now() - started,
      }, 'http request')
    }
  }

  function reject(req: IncomingMessage, res: ServerResponse, requestId: string, started: number, status: number, error: string, close = false): void {
    stats.requestsRejected++
    respond(req, res, requestId, started, status, error, close)
  }

  return function handleWrite(req, res) {
    const started = logRequests ? Date.now() : 0
    stats.requests++
    const requestId = requestIdFor(req.headers)
    const method = req.method
    if (method !== 'POST') {
      if (method === 'OPTIONS') {
        respond(req, res, requestId, started, 200, null)
        return
      }
      reject(req, res, requestId, started, 405, 'Method Not Allowed')
      return
    }

    const url = req.url ?? ''
    const qi = url.indexOf('?')
    const params = parseWriteParams(qi < 0 ? '' : url.slice(qi + 1))
    const db = params.db
    if (db === '') {
      reject(req, res, requestId, started, 400, 'database is required')
      return
    }
    if (!CONSISTENCY_LEVELS.has(params.consistency)) {
      reject(req, res, requestId, started, 400, 'invalid consistency level')
      return
    }
    const rp = params.rp || defaultRetentionPolicy
    const precision = parsePrecision(params.precision)
    const now = clock.nowNs()
    const gzipped = req.headers['content-encoding'] === 'gzip'

    const declared = req.headers['content-length']
    if (declared !== undefined && Number(declared) > maxBody) {
      reject(req, res, requestId, started, 413, 'Request Entity Too Large', true)
      return
    }

    let first: Buffer | null = null
    let chunks: Buffer[] | null = null
    let size = 0
    let done = false

    const onData = (chunk: Buffer): void => {
      if (done) return
      size += chunk.length
      if (size > maxBody) {
        done = true
        stats.bytesReceived += size
        req.removeListener('data', onData)
        reject(req, res, requestId, started, 413, 'Request Entity Too Large', true)
        return
      }
      if (first === null) first = chunk
      else if (chunks === null) chunks = [first, chunk]
      else chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('error', () => { done = true })
    req.on('end', () => {
      if (done) return
      done = true
      stats.bytesReceived += size
      const raw = chunks !== null ? Buffer.concat(chunks, size) : first ?? Buffer.alloc(0)
      if (!gzipped) {
        finish(raw)
        return
      }
      if (raw.length <= SYNC_GUNZIP_MAX) {
        let body: Buffer
        try {
          body = gunzipSync(raw, { maxOutputLength: maxInflate })
        } catch (err) {
          gunzipFailed(err)
          return
        }
        finish(body)
        return
      }
      gunzip(raw, { maxOutputLength: maxInflate }, (err, body) => {
        if (err) gunzipFailed(err)
        else finish(body)
      })
    })

    function gunzipFailed(err: unknown): void {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') reject(req, res, requestId, started, 413, 'Request Entity Too Large')
      else reject(req, res, requestId, started, 400, 'unexpected EOF')
    }

    function finish(body: Buffer): void {
      if (body.length > maxBody) {
        reject(req, res, requestId, started, 413, 'Request Entity Too Large')
        return
      }
      const result = parseLineProtocol(body, { db, rp, precision, now })
      const points = result.points
      if (points.length === 0) {
        answer(result, points)
        return
      }
      let pending: void | Promise<void>
      try {
        pending = sink.write(points)
      } catch (err) {
        sinkFailed(err)
        return
      }
      if (pending !== undefined && typeof (pending as Promise<void>).then === 'function') {
        ;(pending as Promise<void>).then(() => answer(result, points), sinkFailed)
      } else {
        answer(result, points)
      }
    }

    function sinkFailed(err: unknown): void {
      stats.writeErrors++
      const message = err instanceof Error ? err.message : String(err)
      logger?.error({ service: 'http', err, request_id: requestId, db, rp }, 'write failed')
      respond(req, res, requestId, started, 500, message)
    }

    function answer(result: ParseResult, points: readonly Point[]): void {
      const errors = result.errors
      stats.pointsReceived += points.length
      if (errors.length === 0) {
        stats.writesOk++
        respond(req, res, requestId, started, 204, null)
        return
      }
      stats.linesRejected += errors.length
      let text = ''
      for (let i = 0; i < errors.length; i++) text += (i === 0 ? '' : '\n') + formatLineError(errors[i]!)
      if (points.length > 0) {
        stats.partialWrites++
        respond(req, res, requestId, started, 400, `partial write: ${text} dropped=0`)
      } else {
        stats.requestsRejected++
        respond(req, res, requestId, started, 400, text)
      }
    }
  }
}
