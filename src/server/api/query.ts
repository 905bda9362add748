/**
 * `POST|GET /query`: only what clients send on connect. `CREATE DATABASE …` (Telegraf
 * as a form body, python-influxdb and `influx -import` in the URL, several statements
 * separated by `;`) → 200 `{"results":[{"statement_id":0},…]}`, one result per
 * statement, as influxd answers (a GET also gets influxd's deprecation warning). This
 * server keeps no data to query: any other statement → 400 JSON error, and nothing of
 * the request is done.
 */
import type { FastifyPluginAsync } from 'fastify'
import { parse as parseQueryString } from 'node:querystring'
import { BadRequestError, QueryNotSupportedError } from '../errors.js'

const resultSchema = {
  type: 'object',
  properties: {
    statement_id: { type: 'integer' },
    messages: {
      type: 'array',
      items: { type: 'object', properties: { level: { type: 'string' }, text: { type: 'string' } } },
    },
  },
} as const

const schema = {
  querystring: {
    type: 'object',
    properties: { q: { type: 'string' }, db: { type: 'string' }, epoch: { type: 'string' }, rp: { type: 'string' } },
  },
  response: {
    200: { type: 'object', properties: { results: { type: 'array', items: resultSchema } } },
  },
} as const

/** Splits on `;` outside quoted identifiers and strings; drops empty statements. */
export function splitStatements(q: string): string[] {
  const out: string[] = []
  let quote: string | null = null
  let start = 0
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!
    if (quote !== null) {
      if (c === '\\') i++
      else if (c === quote) quote = null
    } else if (c === '"' || c === "'") {
      quote = c
    } else if (c === ';') {
      out.push(q.slice(start, i))
      start = i + 1
    }
  }
  out.push(q.slice(start))
  return out.map((s) => s.trim()).filter((s) => s !== '')
}

const CREATE_DATABASE = /^CREATE\s+DATABASE\s+\S/i

interface QueryBody { q?: string }

export const queryRoutes: FastifyPluginAsync = async (app) => {
  // Clients send every kind of Content-Type here (form, an empty `application/json`,
  // none at all): read any body as text, decode it only when it is a form.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (request, body, done) => {
    const type = request.headers['content-type'] ?? ''
    if (type.startsWith('application/x-www-form-urlencoded')) done(null, parseQueryString(body as string))
    else done(null, undefined)
  })

  app.route<{ Querystring: { q?: string }; Body: QueryBody | undefined }>({
    method: ['GET', 'POST'],
    url: '/query',
    schema,
    handler: async (request) => {
      // Go's r.FormValue: a form body's value first, then the URL's.
      const fromBody = request.body?.q
      const q = (Array.isArray(fromBody) ? fromBody[0] : fromBody) ?? request.query.q
      if (q === undefined || q === '') throw new BadRequestError('missing required parameter "q"')
      const statements = splitStatements(q)
      if (statements.length === 0) throw new BadRequestError('missing required parameter "q"')
      for (const s of statements) {
        if (!CREATE_DATABASE.test(s)) {
          throw new QueryNotSupportedError(
            `this server does not answer queries (it is a Kapacitor write endpoint); only CREATE DATABASE is accepted, got: ${s}`)
        }
      }
      const get = request.method === 'GET'
      return {
        results: statements.map((s, i) => get
          ? { statement_id: i, messages: [{ level: 'warning', text: `deprecated use of '${s}' in a read only context, please use a POST request instead` }] }
          : { statement_id: i }),
      }
    },
  })
}
