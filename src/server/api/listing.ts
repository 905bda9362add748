/**
 * What the list endpoints share: Kapacitor's `pattern` (a glob as Go's filepath.Match
 * reads it: `*`, `?`, `[…]`), `fields`, `offset`, `limit` (default 100), the view options
 * and a JSON writer that keeps integers exact (bigint values as numbers when safe).
 */
import type { FastifyReply } from 'fastify'
import type { ViewOptions } from '../task-service.js'

export interface ListParams {
  readonly pattern: string
  readonly fields: readonly string[]
  readonly offset: number
  readonly limit: number
}

/** JSON schema of the query string's list parameters, read by `listParams`. */
export const listQueryProperties = {
  pattern: { type: 'string' },
  fields: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  offset: { type: 'integer', minimum: 0 },
  limit: { type: 'integer', minimum: 1 },
} as const

export function listParams(q: Record<string, unknown>): ListParams {
  const f = q['fields']
  return {
    pattern: typeof q['pattern'] === 'string' ? q['pattern'] : '',
    fields: Array.isArray(f) ? f.map(String) : typeof f === 'string' ? [f] : [],
    offset: typeof q['offset'] === 'number' ? q['offset'] : 0,
    limit: typeof q['limit'] === 'number' ? q['limit'] : 100,
  }
}

export function viewOptions(q: Record<string, unknown>): ViewOptions {
  return {
    ...(q['dot-view'] === 'labels' || q['dot-view'] === 'attributes' ? { dotView: q['dot-view'] } : {}),
    ...(q['script-format'] === 'raw' || q['script-format'] === 'formatted' ? { scriptFormat: q['script-format'] } : {}),
  }
}

/** Go's filepath.Match on a whole id. */
export function globMatch(pattern: string, s: string): boolean {
  let re = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') re += '.*'
    else if (c === '?') re += '.'
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end < 0) return false
      let cls = pattern.slice(i + 1, end)
      if (cls.startsWith('^')) cls = '^' + cls.slice(1).replace(/[\\\]]/g, '\\$&')
      else cls = cls.replace(/[\\\]^]/g, '\\$&')
      re += `[${cls}]`
      i = end
    } else if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(re + '$', 'su').test(s)
}

/** JSON with bigints written as exact integers. */
export function stringifyExact(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : `__bigint__${v}`) : v))
    .replace(/"__bigint__(-?\d+)"/g, '$1')
}

export function jsonBody(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply.code(status).type('application/json').send(stringifyExact(value))
}
