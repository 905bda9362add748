/**
 * One HTTP(S) POST for the httpPost node, through the daemon's egress policy
 * (`-blacklist-cidrs`): resolves with the status (and, when asked, the body of a non-2xx
 * answer); rejects on a connection failure, an abort, or a refused address.
 */
import http from 'node:http'
import https from 'node:https'
import { OPEN_EGRESS, type EgressPolicy } from './egress.js'

export interface PostAnswer {
  readonly status: number
  /** the body of a non-2xx answer, when `captureErrorBody` */
  readonly body: string | undefined
}

export interface PostRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly signal: AbortSignal
  readonly captureErrorBody: boolean
  readonly egress?: EgressPolicy
}

/** bytes of an error body kept */
const CAPTURE_MAX = 64 * 1024

export function httpPost(r: PostRequest): Promise<PostAnswer> {
  let url: URL
  const egress = r.egress ?? OPEN_EGRESS
  try {
    url = new URL(r.url)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol} in ${r.url}`)
    egress.checkHost(url.hostname)
  } catch (err) {
    return Promise.reject(err)
  }
  const mod = url.protocol === 'https:' ? https : http
  return new Promise<PostAnswer>((resolve, reject) => {
    const req = mod.request(url, {
      method: 'POST',
      headers: { ...r.headers, 'Content-Length': String(Buffer.byteLength(r.body)) },
      signal: r.signal,
      ...(egress.restricted ? { lookup: egress.lookup } : {}),
    }, (res) => {
      const status = res.statusCode ?? 0
      if (Math.trunc(status / 100) === 2 || !r.captureErrorBody) {
        // the body is not needed: drain it so the connection can be reused
        res.resume()
        resolve({ status, body: undefined })
        return
      }
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { if (text.length < CAPTURE_MAX) text += d.slice(0, CAPTURE_MAX - text.length) })
      res.on('error', reject)
      res.on('end', () => resolve({ status, body: text }))
    })
    req.on('error', (err) => reject(r.signal.aborted && r.signal.reason instanceof Error ? r.signal.reason : err))
    req.end(r.body)
  })
}
