/**
 * `/kapacitor/v1/replays[/batch|query|<id>]`.
 * STUB (contract only): the replays helper replaces this file.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ReplayService } from '../../record/replay-service.js'

export interface ReplayRoutesOptions {
  readonly replays: ReplayService
}

export const replayRoutes: FastifyPluginAsync<ReplayRoutesOptions> = async () => {}
