/**
 * `GET|HEAD /ping` and `/kapacitor/v1/ping` → 204, no body, with the common headers
 * (`X-Influxdb-Version` is what python-influxdb's `ping()` reads). `?verbose=true`
 * changes nothing, as on influxd 1.6.
 */
import type { FastifyPluginAsync } from 'fastify'

const schema = {
  querystring: { type: 'object', properties: { verbose: { type: 'string' }, wait_for_leader: { type: 'string' } } },
  response: { 204: { type: 'null' } },
} as const

export const pingRoutes: FastifyPluginAsync = async (app) => {
  for (const url of ['/ping', '/kapacitor/v1/ping']) {
    app.route({
      method: ['GET', 'HEAD'],
      url,
      schema,
      handler: async (_request, reply) => {
        reply.code(204).send()
      },
    })
  }
}
