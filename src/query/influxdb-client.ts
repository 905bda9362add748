/**
 * An HTTP client for one InfluxDB 1.x cluster of `[[influxdb]]`.
 *
 *  - Queries are `POST /query` with the statement in the form body, `epoch=ns` and
 *    `Accept: application/x-msgpack`: integers come back as `bigint` (exact over int64),
 *    floats as `number` (a float 1.0 stays a float), times as exact nanoseconds.
 *  - The cluster's URLs are tried in order on a connection failure or a timeout; the one
 *    that answered is remembered and tried first next time. An HTTP answer — even an
 *    error status — ends the attempt: influxd said something, another URL would not
 *    know better.
 *  - Every request has the cluster's timeout (`timeout`, 0 = none) and basic auth when a
 *    username is configured.
 */
import type { Logger } from '../server/logger.js'
import { InfluxDBError, type InfluxDBClient, type InfluxDBClusterConfig, type QueryOptions, type QuerySeries, type QueryValue, type WriteOptions } from './influxdb.js'
import { decodeMsgpack, type MsgValue } from './msgpack-decoder.js'

interface Answer {
  readonly status: number
  readonly contentType: string
  readonly body: Uint8Array
}

/** A failure to get any answer from one URL (refused, reset, timed out). */
class NoAnswer extends Error {
  /** the connection was closed under the request: maybe a kept-alive socket the server had dropped (influxd restarted) */
  constructor(message: string, readonly reset = false) {
    super(message)
  }
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'])

export function createInfluxDBClient(cluster: InfluxDBClusterConfig, logger: Logger): InfluxDBClient {
  return new HttpInfluxDBClient(cluster, logger)
}

class HttpInfluxDBClient implements InfluxDBClient {
  readonly cluster: string
  private readonly urls: readonly string[]
  private readonly auth: string | undefined
  /** index of the URL that answered last */
  private current = 0

  constructor(private readonly config: InfluxDBClusterConfig, private readonly logger: Logger) {
    this.cluster = config.name
    this.urls = config.urls.map((u) => u.replace(/\/+$/, ''))
    this.auth = config.username !== ''
      ? 'Basic ' + Buffer.from(`${config.username}:${config.password}`).toString('base64')
      : undefined
  }

  async query(q: string, opts: QueryOptions = {}): Promise<QuerySeries[]> {
    const params = new URLSearchParams()
    if (opts.db !== undefined) params.set('db', opts.db)
    if (opts.rp !== undefined && opts.rp !== '') params.set('rp', opts.rp)
    params.set('epoch', 'ns')
    const answer = await this.request('/query?' + params.toString(), new URLSearchParams({ q }).toString(), {
      Accept: 'application/x-msgpack',
      'Content-Type': 'application/x-www-form-urlencoded',
    })
    const doc = decodeAnswer(answer)
    const topError = errorOf(doc)
    if (topError !== undefined) throw new InfluxDBError(topError, this.cluster, answer.status)
    if (answer.status !== 200) throw new InfluxDBError(`query answered HTTP ${answer.status}`, this.cluster, answer.status)
    const results = isMap(doc) && Array.isArray(doc['results']) ? doc['results'] : []
    const out: QuerySeries[] = []
    for (const r of results) {
      const err = errorOf(r)
      if (err !== undefined) throw new InfluxDBError(err, this.cluster, answer.status)
      if (!isMap(r) || !Array.isArray(r['series'])) continue
      for (const s of r['series']) out.push(toSeries(s))
    }
    return out
  }

  async write(body: string, opts: WriteOptions): Promise<void> {
    const params = new URLSearchParams({ db: opts.db })
    if (opts.rp !== undefined && opts.rp !== '') params.set('rp', opts.rp)
    if (opts.precision !== undefined && opts.precision !== '') params.set('precision', opts.precision)
    if (opts.consistency !== undefined && opts.consistency !== '') params.set('consistency', opts.consistency)
    const answer = await this.request('/write?' + params.toString(), body, { 'Content-Type': 'text/plain; charset=utf-8' })
    if (answer.status === 204) return
    let message = `write answered HTTP ${answer.status}`
    try {
      const err = errorOf(decodeAnswer(answer))
      if (err !== undefined) message = err
    } catch {
      const text = Buffer.from(answer.body).toString('utf8').trim()
      if (text !== '') message = text
    }
    throw new InfluxDBError(message, this.cluster, answer.status)
  }

  /** POSTs to the URLs in turn, starting with the last one that answered. */
  private async request(path: string, body: string, headers: Record<string, string>): Promise<Answer> {
    if (this.urls.length === 0) throw new InfluxDBError('no URLs configured', this.cluster)
    if (this.auth !== undefined) headers = { ...headers, Authorization: this.auth }
    const failures: string[] = []
    for (let k = 0; k < this.urls.length; k++) {
      const i = (this.current + k) % this.urls.length
      const url = this.urls[i]!
      try {
        // a reset is tried once more on the same URL: a new connection answers if the server is up
        const answer = await this.once(url + path, body, headers).catch((err: unknown) => {
          if (err instanceof NoAnswer && err.reset) return this.once(url + path, body, headers)
          throw err
        })
        if (i !== this.current) {
          this.logger.warn({ cluster: this.cluster, url }, 'InfluxDB: failed over to another URL')
          this.current = i
        }
        return answer
      } catch (err) {
        if (!(err instanceof NoAnswer)) throw err
        failures.push(`${url}: ${err.message}`)
      }
    }
    throw new InfluxDBError(`no InfluxDB URL answered: ${failures.join('; ')}`, this.cluster)
  }

  private async once(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
    const timeoutMs = this.config.timeoutMs
    const signal = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined
    try {
      const res = await fetch(url, { method: 'POST', body, headers, signal })
      // the timeout also covers reading the body
      const buf = new Uint8Array(await res.arrayBuffer())
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: buf }
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } }
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new NoAnswer(`timed out after ${timeoutMs} ms`)
      const cause = e.cause?.code ?? e.cause?.message
      throw new NoAnswer(cause !== undefined ? `${e.message} (${cause})` : e.message, RESET_CODES.has(e.cause?.code ?? ''))
    }
  }
}

function decodeAnswer(a: Answer): MsgValue {
  if (a.body.length === 0) return null
  if (a.contentType.includes('msgpack')) return decodeMsgpack(a.body)
  // JSON (a proxy in front of influxd, an old server): errors only are read from it
  return JSON.parse(Buffer.from(a.body).toString('utf8')) as MsgValue
}

function isMap(v: unknown): v is { [key: string]: MsgValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)
}

function errorOf(v: unknown): string | undefined {
  if (!isMap(v)) return undefined
  const e = v['error']
  return typeof e === 'string' && e !== '' ? e : undefined
}

function toSeries(s: MsgValue): QuerySeries {
  if (!isMap(s)) return { name: '', tags: {}, columns: [], values: [] }
  const tags: Record<string, string> = {}
  const rawTags = s['tags']
  if (isMap(rawTags)) {
    for (const k of Object.keys(rawTags)) {
      Object.defineProperty(tags, k, { value: String(rawTags[k]), enumerable: true, writable: true, configurable: true })
    }
  }
  const columns = Array.isArray(s['columns']) ? s['columns'].map(String) : []
  const rows = Array.isArray(s['values']) ? s['values'] : []
  const values = rows.map((row) => (Array.isArray(row) ? row.map(toValue) : []))
  return { name: typeof s['name'] === 'string' ? s['name'] : '', tags, columns, values }
}

function toValue(v: MsgValue): QueryValue {
  switch (typeof v) {
    case 'number': case 'bigint': case 'string': case 'boolean': return v
    default:
      if (v === null) return null
      // arrays (SHOW SUBSCRIPTIONS' destinations) and binaries: as JSON text
      if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8')
      return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x))
  }
}
