/**
 * `[[influxdb]]` sections → cluster configs, with Kapacitor's keys, defaults and rules
 * (services/influxdb/config.go, server/config.go):
 *
 * | key | default |
 * | --- | --- |
 * | `enabled` | `true` |
 * | `default` | `false` (a single enabled cluster is the default anyway) |
 * | `name` | `"default"` (letters, digits, `.`, `-`, `_`) |
 * | `urls` | `["http://localhost:8086"]` |
 * | `username`, `password` | `""` (basic auth when a username is set) |
 * | `timeout` | `"0s"` (none) |
 * | `disable-subscriptions` | `false` |
 * | `subscription-protocol` | `"http"` (`http`, `https`, `udp`) |
 * | `subscriptions-sync-interval` | `"1m0s"` (0 = the default) |
 * | `kapacitor-hostname` | `""` (= the top-level `hostname`) |
 * | `http-port` | `0` (= the port our HTTP server listens on) |
 * | `udp-bind`, `udp-buffer`, `udp-read-buffer` | `""`, `1000`, `0` (UDP subscriptions: the listeners' host, queue, SO_RCVBUF) |
 * | `[influxdb.subscriptions]` | `{}` (db → rps; empty = every db/rp) |
 * | `[influxdb.excluded-subscriptions]` | `{ _kapacitor = ["autogen"] }` |
 *
 * Rules: names are unique; among the enabled clusters at most one is `default = true`, and
 * when several are enabled one must be. Kapacitor's other keys (`ssl-*`, `startup-timeout`,
 * `subscription-mode`, `token`, …) are accepted and not used.
 *
 * **Departure**: without any `[[influxdb]]` section there is no cluster (Kapacitor assumes
 * one at localhost:8086 and waits up to 5 minutes for it at start).
 */
import { ConfigError, formatGoDuration, parseGoDuration } from '../server/config.js'
import type { InfluxDBClusterConfig } from './influxdb.js'

const DEFAULT_SYNC_INTERVAL_MS = 60_000
const NAME_PATTERN = /^[-._\p{L}0-9]+$/u
const PROTOCOLS = ['http', 'https', 'udp'] as const

/** One cluster with Kapacitor's defaults, `over` applied on top. */
export function defaultClusterConfig(over: Partial<InfluxDBClusterConfig> = {}): InfluxDBClusterConfig {
  return {
    name: 'default',
    enabled: true,
    default: false,
    urls: ['http://localhost:8086'],
    username: '',
    password: '',
    timeoutMs: 0,
    disableSubscriptions: false,
    subscriptionProtocol: 'http',
    subscriptionsSyncIntervalMs: DEFAULT_SYNC_INTERVAL_MS,
    kapacitorHostname: '',
    httpPort: 0,
    udpBind: '',
    udpBuffer: 1000,
    udpReadBuffer: 0,
    subscriptions: {},
    excludedSubscriptions: { _kapacitor: ['autogen'] },
    ...over,
  }
}

type Table = Record<string, unknown>

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v)
  if (Array.isArray(v)) return 'an array'
  if (isTable(v)) return 'a table'
  return `${typeof v} ${String(v)}`
}

/**
 * Reads `sections['influxdb']` (an array of tables for `[[influxdb]]`; a single table
 * is one cluster), with the `KAPACITOR_INFLUXDB_<i>_…` variables of `env` over it. Throws a ConfigError listing every problem with its key path
 * (`influxdb[0].urls[1]: not an http(s) URL: "x"`).
 */
export function influxdbClustersFromSections(sections: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv = {}): InfluxDBClusterConfig[] {
  const raw = sections['influxdb']
  const problems: string[] = []
  const fromFile = raw === undefined ? [] : Array.isArray(raw) ? raw : isTable(raw) ? [raw] : null
  if (fromFile === null) throw new ConfigError([`influxdb: must be an array of tables ([[influxdb]]), got ${describe(raw)}`])
  const items = applyEnv(fromFile, env)
  if (items.length === 0) return []
  const clusters: InfluxDBClusterConfig[] = []
  items.forEach((item, i) => {
    const at = `influxdb[${i}]`
    if (!isTable(item)) { problems.push(`${at}: must be a table, got ${describe(item)}`); return }
    clusters.push(readCluster(item, at, problems))
  })

  const seen = new Set<string>()
  let defaultName: string | undefined
  let enabled = 0
  clusters.forEach((c, i) => {
    if (seen.has(c.name)) problems.push(`influxdb[${i}].name: duplicate name ${JSON.stringify(c.name)} for influxdb configs`)
    seen.add(c.name)
    if (!c.enabled) return
    enabled++
    if (c.default) {
      if (defaultName !== undefined) problems.push(`influxdb[${i}].default: more than one InfluxDB default was specified: ${c.name} ${defaultName}`)
      else defaultName = c.name
    }
  })
  if (enabled > 1 && defaultName === undefined) problems.push('influxdb: at least one of the enabled InfluxDB clusters must be marked as default')
  if (problems.length > 0) throw new ConfigError(problems)
  return clusters
}

const ENV_KEYS = ['enabled', 'default', 'name', 'username', 'password', 'timeout', 'disable-subscriptions',
  'subscription-protocol', 'subscriptions-sync-interval', 'kapacitor-hostname', 'http-port', 'udp-bind', 'udp-buffer', 'udp-read-buffer'] as const
const INT_KEYS = new Set(['http-port', 'udp-buffer', 'udp-read-buffer'])
const BOOL_KEYS = new Set(['enabled', 'default', 'disable-subscriptions'])
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])

/**
 * `KAPACITOR_INFLUXDB_<i>_<KEY>` (`-` → `_`) and `KAPACITOR_INFLUXDB_<i>_URLS_<j>` over the
 * file's sections, as config.ts does for `[[udp]]`: an index one past the end adds an
 * element (a cluster, a URL), so a cluster can be configured from the environment alone.
 * An empty variable overrides nothing. A value of the wrong kind is left as text for the
 * reader to refuse with the key's path.
 */
function applyEnv(items: readonly unknown[], env: NodeJS.ProcessEnv): unknown[] {
  const out = [...items]
  for (let i = 0; ; i++) {
    const prefix = `KAPACITOR_INFLUXDB_${i}_`
    const set = (name: string): string | undefined => { const v = env[prefix + name]; return v === undefined || v === '' ? undefined : v }
    const any = Object.keys(env).some((k) => k.startsWith(prefix) && env[k] !== '')
    if (i >= out.length) {
      if (!any) break
      out.push({})
    }
    if (!any || !isTable(out[i])) continue
    const t: Table = { ...(out[i] as Table) }
    for (const key of ENV_KEYS) {
      const v = set(key.toUpperCase().replace(/-/g, '_'))
      if (v === undefined) continue
      if (BOOL_KEYS.has(key)) t[key] = GO_TRUE.has(v) ? true : GO_FALSE.has(v) ? false : v
      else if (INT_KEYS.has(key)) t[key] = /^\d+$/.test(v.trim()) ? Number(v.trim()) : v
      else t[key] = v
    }
    const urls: unknown[] = Array.isArray(t['urls']) ? [...t['urls']] : t['urls'] === undefined ? [...defaultClusterConfig().urls] : [t['urls']]
    let changed = false
    for (let j = 0; j <= urls.length; j++) {
      const v = set(`URLS_${j}`)
      if (v === undefined) continue
      urls[j] = v
      changed = true
    }
    if (changed) t['urls'] = urls
    out[i] = t
  }
  return out
}

function readCluster(t: Table, at: string, problems: string[]): InfluxDBClusterConfig {
  const d = defaultClusterConfig()
  const bad = (key: string, msg: string): void => { problems.push(`${at}.${key}: ${msg}`) }
  const str = (key: string, def: string): string => {
    const v = t[key]
    if (v === undefined) return def
    if (typeof v === 'string') return v
    bad(key, `must be a string, got ${describe(v)}`)
    return def
  }
  const bool = (key: string, def: boolean): boolean => {
    const v = t[key]
    if (v === undefined) return def
    if (typeof v === 'boolean') return v
    bad(key, `must be true or false, got ${describe(v)}`)
    return def
  }
  const durationMs = (key: string, def: number): number => {
    const v = t[key]
    if (v === undefined) return def
    // Go's TOML decoder hands a number to the duration's text parser as its text: `timeout = 0` is valid
    const ns = typeof v === 'string' ? parseGoDuration(v) : typeof v === 'number' || typeof v === 'bigint' ? parseGoDuration(String(v)) : null
    if (ns === null || ns < 0n) { bad(key, `not a duration (like "10s", "1m30s", "500ms"): ${describe(v)}`); return def }
    return Number(ns / 1_000_000n)
  }

  const name = str('name', d.name)
  if (name === '') bad('name', 'influxdb cluster must be given a name')
  else if (!NAME_PATTERN.test(name)) bad('name', `influxdb cluster name must contain only numbers, letters or '.', '-', and '_' characters: ${JSON.stringify(name)}`)

  let urls = d.urls
  const rawUrls = t['urls']
  if (rawUrls !== undefined) {
    if (!Array.isArray(rawUrls)) {
      bad('urls', `must be an array of URLs, got ${describe(rawUrls)}`)
    } else {
      urls = rawUrls.map(String)
      if (rawUrls.length === 0) bad('urls', 'must specify at least one InfluxDB URL')
      rawUrls.forEach((u, k) => {
        if (typeof u !== 'string' || !isHttpUrl(u)) problems.push(`${at}.urls[${k}]: not an http(s) URL: ${describe(u)}`)
      })
    }
  }

  const protocol = str('subscription-protocol', d.subscriptionProtocol)
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    bad('subscription-protocol', `invalid subscription protocol, must be one of 'udp', 'http' or 'https', got ${JSON.stringify(protocol)}`)
  }

  const int = (key: string, def: number, max: number, what: string): number => {
    const raw = t[key]
    if (raw === undefined) return def
    const n = typeof raw === 'bigint' ? Number(raw) : raw
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max) return n
    bad(key, `must be ${what}, got ${describe(raw)}`)
    return def
  }
  const httpPort = int('http-port', d.httpPort, 65535, 'a port number 0..65535')

  const syncMs = durationMs('subscriptions-sync-interval', d.subscriptionsSyncIntervalMs)
  return {
    name,
    enabled: bool('enabled', d.enabled),
    default: bool('default', d.default),
    urls,
    username: str('username', d.username),
    password: str('password', d.password),
    timeoutMs: durationMs('timeout', d.timeoutMs),
    disableSubscriptions: bool('disable-subscriptions', d.disableSubscriptions),
    subscriptionProtocol: (PROTOCOLS as readonly string[]).includes(protocol) ? (protocol as InfluxDBClusterConfig['subscriptionProtocol']) : 'http',
    // 0 = the default, as Kapacitor's ApplyConditionalDefaults
    subscriptionsSyncIntervalMs: syncMs === 0 ? DEFAULT_SYNC_INTERVAL_MS : syncMs,
    kapacitorHostname: str('kapacitor-hostname', d.kapacitorHostname),
    httpPort,
    udpBind: str('udp-bind', d.udpBind),
    udpBuffer: int('udp-buffer', d.udpBuffer, 2 ** 31 - 1, 'a number of datagrams'),
    udpReadBuffer: int('udp-read-buffer', d.udpReadBuffer, 2 ** 31 - 1, 'a size in bytes'),
    subscriptions: dbRps(t, 'subscriptions', d.subscriptions, at, problems),
    excludedSubscriptions: dbRps(t, 'excluded-subscriptions', d.excludedSubscriptions, at, problems),
  }
}

function isHttpUrl(u: string): boolean {
  try {
    const p = new URL(u)
    return p.protocol === 'http:' || p.protocol === 'https:'
  } catch {
    return false
  }
}

/** A `db = ["rp", …]` table. */
function dbRps(t: Table, key: string, def: Readonly<Record<string, readonly string[]>>, at: string, problems: string[]): Record<string, string[]> {
  const v = t[key]
  if (v === undefined) return Object.fromEntries(Object.entries(def).map(([db, rps]) => [db, [...rps]]))
  if (!isTable(v)) { problems.push(`${at}.${key}: must be a table of database = ["retention policy", …], got ${describe(v)}`); return {} }
  const out: Record<string, string[]> = {}
  for (const [db, rps] of Object.entries(v)) {
    if (!Array.isArray(rps) || rps.some((rp) => typeof rp !== 'string')) {
      problems.push(`${at}.${key}.${db}: must be an array of retention policy names, got ${describe(rps)}`)
      continue
    }
    Object.defineProperty(out, db, { value: [...rps] as string[], enumerable: true, writable: true, configurable: true })
  }
  return out
}

/** The clusters as `[[influxdb]]` TOML sections (for `kapacitord config`); reads back to the same clusters. */
export function influxdbClustersToToml(clusters: readonly InfluxDBClusterConfig[]): string {
  const q = (s: string): string => JSON.stringify(s)
  const duration = (ms: number): string => q(formatGoDuration(BigInt(ms) * 1_000_000n))
  const table = (name: string, t: Readonly<Record<string, readonly string[]>>): string[] =>
    [`  [influxdb.${name}]`, ...Object.entries(t).map(([db, rps]) => `    ${q(db)} = [${rps.map(q).join(', ')}]`)]
  const out: string[] = []
  for (const c of clusters) {
    out.push('', '[[influxdb]]',
      `  enabled = ${c.enabled}`,
      `  default = ${c.default}`,
      `  name = ${q(c.name)}`,
      `  urls = [${c.urls.map(q).join(', ')}]`,
      `  username = ${q(c.username)}`,
      `  password = ${q(c.password)}`,
      `  timeout = ${duration(c.timeoutMs)}`,
      `  disable-subscriptions = ${c.disableSubscriptions}`,
      `  subscription-protocol = ${q(c.subscriptionProtocol)}`,
      `  subscriptions-sync-interval = ${duration(c.subscriptionsSyncIntervalMs)}`,
      `  kapacitor-hostname = ${q(c.kapacitorHostname)}`,
      `  http-port = ${c.httpPort}`,
      `  udp-bind = ${q(c.udpBind)}`,
      `  udp-buffer = ${c.udpBuffer}`,
      `  udp-read-buffer = ${c.udpReadBuffer}`,
      ...table('subscriptions', c.subscriptions),
      ...table('excluded-subscriptions', c.excludedSubscriptions))
  }
  return out.length === 0 ? '' : out.join('\n') + '\n'
}
