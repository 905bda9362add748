/**
 * Versions this server announces.
 *
 * - `X-Influxdb-Version` is what InfluxDB 1.x clients read from `/ping` (python-influxdb's
 *   `ping()` fails without the header). We announce 1.8.3: an InfluxDB 1.x line-protocol
 *   server, and the version of Kapacitor whose API and write semantics we follow.
 * - `X-Kapacitor-Version` is what Kapacitor's own clients (the `kapacitor` CLI, Chronograf)
 *   read; it is the Kapacitor release we are compatible with, not our package version.
 */
export const INFLUXDB_COMPAT_VERSION = '1.8.3'
export const KAPACITOR_COMPAT_VERSION = '1.8.3'
/** This implementation's own version (package.json). */
export const PRODUCT_VERSION = '0.1.0'
export const PRODUCT = 'kapacitor'
