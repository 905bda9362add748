/**
 * `/kapacitor/v1/recordings[/stream|batch|query|<id>]`.
 * STUB (contract only): the recordings helper replaces this file.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { RecordingService } from '../../record/recording-service.js'

export interface RecordingRoutesOptions {
  readonly recordings: RecordingService
}

export const recordingRoutes: FastifyPluginAsync<RecordingRoutesOptions> = async () => {}
