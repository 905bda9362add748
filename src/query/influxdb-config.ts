/**
 * `[[influxdb]]` sections → cluster configs, with Kapacitor's defaults.
 * STUB (contract only): the InfluxDB helper replaces this file.
 */
import type { InfluxDBClusterConfig } from './influxdb.js'

export function influxdbClustersFromSections(_sections: Readonly<Record<string, unknown>>): InfluxDBClusterConfig[] {
  return []
}
