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
  /** characters of an error body kept (default 64 KiB) */
  readonly captureMax?: number
  readonly egress?: EgressPolicy
  /** https: accept any certificate (`skipSSLVerification`) */
  readonly skipTlsVerification?: boolean
  /**
   * A connection of its own, closed once the status is in (an alert endpoint that never
   * ends its body must not hold anything); default: the shared keep-alive agent.
   */
  readonly ownConnection?: boolean
}

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
  const max = r.captureMax ?? CAPTURE_MAX
  return new Promise<PostAnswer>((resolve, reject) => {
    const req = mod.request(url, {
      method: 'POST',
      headers: { ...r.headers, 'Content-Length': String(Buffer.byteLength(r.body)) },
      signal: r.signal,
      ...(egress.restricted ? { lookup: egress.lookup } : {}),
      ...(r.ownConnection ? { agent: false } : {}),
      ...(url.protocol === 'https:' && r.skipTlsVerification ? { rejectUnauthorized: false } : {}),
    }, (res) => {
      const status = res.statusCode ?? 0
      if (Math.trunc(status / 100) === 2 || !r.captureErrorBody) {
        // the body is not needed: the status decides, without waiting for a body that may never end
        if (r.ownConnection) res.destroy()
        else res.resume()
        resolve({ status, body: undefined })
        return
      }
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { if (text.length < max) text += d.slice(0, max - text.length) })
      res.on('error', reject)
      res.on('end', () => resolve({ status, body: text }))
    })
    req.on('error', (err) => reject(r.signal.aborted && r.signal.reason instanceof Error ? r.signal.reason : err))
    req.end(r.body)
  })
}
