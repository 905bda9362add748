/**
 * `POST /kapacitor/v1/subscriptions`: re-link InfluxDB subscriptions now (Kapacitor answers 204).
 */
import type { FastifyPluginAsync } from 'fastify'

export interface SubscriptionRoutesOptions {
  /** links every cluster now; failures are logged, never thrown */
  readonly sync: () => Promise<void>
}

export const subscriptionRoutes: FastifyPluginAsync<SubscriptionRoutesOptions> = async (app, { sync }) => {
  app.post('/kapacitor/v1/subscriptions', async (_req, reply) => {
    await sync()
    reply.code(204).send()
  })
}
