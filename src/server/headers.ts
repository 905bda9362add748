/**
 * The headers every HTTP answer carries, as influxd 1.x sends them (wire-compat.md §a.3),
 * plus Kapacitor's `X-Kapacitor-Version`; and the `X-Influxdb-Error` header value.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { INFLUXDB_COMPAT_VERSION, KAPACITOR_COMPAT_VERSION } from './version.js'

export const STATIC_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'application/json',
  'X-Influxdb-Build': 'OSS',
  'X-Influxdb-Version': INFLUXDB_COMPAT_VERSION,
  'X-Kapacitor-Version': KAPACITOR_COMPAT_VERSION,
})

const SAFE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/

/**
 * The request's id: the client's `Request-Id` / `X-Request-Id` when it sent a sane one,
 * else a fresh id in UUID form. Fresh ids are a random per-process prefix plus a counter
 * (unique for the life of the process, different after a restart): the same guarantee as
 * influxd's time-based v1 UUIDs, without drawing randomness on every request of the hot path.
 */
export function requestIdFor(headers: IncomingHttpHeaders): string {
  const given = headers['request-id'] ?? headers['x-request-id']
  if (typeof given === 'string' && SAFE_REQUEST_ID.test(given)) return given
  return nextRequestId()
}

const ID_PREFIX = ((): string => {
  const hex = randomBytes(10).toString('hex')
  // xxxxxxxx-xxxx-4xxx-axxx- : version 4 and RFC 4122 variant nibbles, the last group is the counter.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-a${hex.slice(15, 18)}-`
})()
let idCounter = Math.floor(Math.random() * 0x1000000)

function nextRequestId(): string {
  idCounter = (idCounter + 1) % 0x1000000000000
  return ID_PREFIX + idCounter.toString(16).padStart(12, '0')
}

export const MAX_ERROR_HEADER_BYTES = 1024

/**
 * `X-Influxdb-Error`: the error text cut to 1024 bytes (at a UTF-8 character boundary)
 * with CR, LF and every other control character replaced by a space. The result is a
 * latin1 string whose code units are the UTF-8 bytes, which is how Node puts a header
 * on the wire; `setHeader` would throw on control characters or on characters above U+00FF.
 */
export function errorHeaderValue(text: string): string {
  let bytes = Buffer.from(text, 'utf8')
  if (bytes.length > MAX_ERROR_HEADER_BYTES) {
    let end = MAX_ERROR_HEADER_BYTES
    while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
    bytes = bytes.subarray(0, end)
  }
  // eslint-disable-next-line no-control-regex
  return bytes.toString('latin1').replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ')
}

/** A request URI for logs, with the `p` (password) query parameter redacted, as influxd logs it. */
export function redactUri(uri: string | undefined): string {
  if (uri === undefined) return ''
  return uri.includes('p=') ? uri.replace(/([?&]p=)[^&]*/g, '$1[REDACTED]') : uri
}
