/**
 * Errors the HTTP API answers with: each is a `KapacitorError` subclass with a `code`,
 * and the one table below maps a code to its HTTP status. Route handlers throw them;
 * the error handler in http.ts turns them into `{"error": msg, "message": msg}`
 * (Kapacitor's API error shape; `error` is also what InfluxDB clients read) with the
 * text in `X-Influxdb-Error` too.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'QUERY_NOT_SUPPORTED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL'

export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  QUERY_NOT_SUPPORTED: 400,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
}

export abstract class KapacitorError extends Error {
  abstract readonly code: ErrorCode
  get status(): number {
    return STATUS_BY_CODE[this.code]
  }
}

export class BadRequestError extends KapacitorError {
  readonly code = 'BAD_REQUEST' as const
}

export class NotFoundError extends KapacitorError {
  readonly code = 'NOT_FOUND' as const
}

export class MethodNotAllowedError extends KapacitorError {
  readonly code = 'METHOD_NOT_ALLOWED' as const
  constructor(readonly allow: readonly string[], message = 'Method Not Allowed') {
    super(message)
  }
}

/** A `/query` statement other than `CREATE DATABASE`: this server stores nothing to query. */
export class QueryNotSupportedError extends KapacitorError {
  readonly code = 'QUERY_NOT_SUPPORTED' as const
}

export class PayloadTooLargeError extends KapacitorError {
  readonly code = 'PAYLOAD_TOO_LARGE' as const
}

export class InternalError extends KapacitorError {
  readonly code = 'INTERNAL' as const
}
