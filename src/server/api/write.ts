/**
 * `/write` and `/kapacitor/v1/write` as fastify routes that hand the untouched request
 * to the raw handler of src/ingest/http-write.ts (`reply.hijack()`; the body is not read
 * by fastify). The daemon normally answers these paths before fastify (see http.ts,
 * `writeRouting`); these routes serve `app.inject()` and the `'fastify'` routing mode.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { RequestHandler } from '../../ingest/http-write.js'

export interface WriteRoutesOptions {
  readonly handler: RequestHandler
}

const schema = {
  querystring: {
    type: 'object',
    properties: {
      db: { type: 'string' }, rp: { type: 'string' }, precision: { type: 'string' },
      consistency: { type: 'string' }, u: { type: 'string' }, p: { type: 'string' },
    },
  },
} as const

export const writeRoutes: FastifyPluginAsync<WriteRoutesOptions> = async (app, opts) => {
  // Leave the body in the stream for the raw handler, whatever its type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined))
  for (const url of ['/write', '/kapacitor/v1/write']) {
    app.all(url, { schema }, (request, reply) => {
      reply.hijack()
      opts.handler(request.raw, reply.raw)
    })
  }
}
