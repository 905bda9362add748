/**
 * InfluxDB subscriptions: makes every configured cluster forward its writes to us.
 * STUB (contract only): the InfluxDB helper replaces this file.
 */
import type { Logger } from '../server/logger.js'
import type { InfluxDBClusterConfig, InfluxDBService } from './influxdb.js'

export interface SubscriptionsOptions {
  readonly clusters: readonly InfluxDBClusterConfig[]
  readonly influxdb: InfluxDBService
  readonly logger: Logger
  /** the daemon's cluster id (`kapacitor-<cluster id>` is the subscription name) */
  readonly clusterId: string
  /** `hostname` from the config */
  readonly hostname: string
  /** the port our HTTP server listens on */
  readonly httpPort: number
}

export interface Subscriptions {
  /** Links every cluster now (also `POST /kapacitor/v1/subscriptions`); never rejects, failures are logged. */
  sync(): Promise<void>
  stop(): Promise<void>
}

export function startSubscriptions(_opts: SubscriptionsOptions): Subscriptions {
  return { sync: async () => {}, stop: async () => {} }
}
