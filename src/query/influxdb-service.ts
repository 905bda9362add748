/**
 * The daemon's InfluxDB clients, one per enabled `[[influxdb]]` cluster, made once and
 * shared by every task, recording and the subscriptions. `client('')` is the default
 * cluster: the one marked `default = true`, or the only enabled one.
 */
import type { Logger } from '../server/logger.js'
import { createInfluxDBClient } from './influxdb-client.js'
import { InfluxDBError, NO_INFLUXDB, type InfluxDBClient, type InfluxDBClusterConfig, type InfluxDBService } from './influxdb.js'

export function createInfluxDBService(clusters: readonly InfluxDBClusterConfig[], logger: Logger): InfluxDBService {
  const enabled = clusters.filter((c) => c.enabled)
  if (enabled.length === 0) return NO_INFLUXDB
  const clients = new Map<string, InfluxDBClient>()
  for (const c of enabled) clients.set(c.name, createInfluxDBClient(c, logger.child({ cluster: c.name })))
  const def = enabled.find((c) => c.default) ?? (enabled.length === 1 ? enabled[0] : undefined)
  return {
    clusters: enabled.map((c) => c.name),
    client(cluster) {
      if (cluster === '') {
        if (def === undefined) throw new InfluxDBError('no default InfluxDB cluster is configured ([[influxdb]] default = true)', cluster)
        return clients.get(def.name)!
      }
      const c = clients.get(cluster)
      if (c === undefined) throw new InfluxDBError(`unknown InfluxDB cluster "${cluster}"`, cluster)
      return c
    },
  }
}
