/**
 * The daemon's InfluxDB clients, one per enabled cluster.
 * STUB (contract only): the InfluxDB helper replaces this file.
 */
import type { Logger } from '../server/logger.js'
import { NO_INFLUXDB, type InfluxDBClusterConfig, type InfluxDBService } from './influxdb.js'

export function createInfluxDBService(_clusters: readonly InfluxDBClusterConfig[], _logger: Logger): InfluxDBService {
  return NO_INFLUXDB
}
