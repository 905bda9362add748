/**
 * kapacitord's configuration: Kapacitor's TOML file format (`kapacitor.conf`), the
 * `KAPACITOR_<SECTION>_<KEY>` environment overrides, and command-line overrides,
 * validated once, with the path of every problem in its message.
 *
 * Keys this build understands (TOML name → default):
 *
 * | key | default | notes |
 * | --- | --- | --- |
 * | `hostname` | `"localhost"` | |
 * | `data_dir` | `"./data"` | **departure**: Kapacitor uses `/var/lib/kapacitor`; ours runs without root and without arguments |
 * | `default-retention-policy` | `"autogen"` | **departure**: Kapacitor's is empty; ours lets a Telegraf that sends no `rp` reach `"telegraf"."autogen"` tasks, as it would reach InfluxDB's default retention policy |
 * | `[http] bind-address` | `":9092"` | |
 * | `[http] log-enabled` | `true` | one log line per HTTP request |
 * | `[http] max-body-size` | `25000000` | influxd's; bytes; applies to the raw body and again after gunzip; 0 = unlimited |
 * | `[http] shutdown-timeout` | `"10s"` | how long SIGTERM waits for in-flight requests |
 * | `[[udp]] enabled` | `false` | |
 * | `[[udp]] bind-address` | `""` | required when enabled |
 * | `[[udp]] database` | `""` | required when enabled |
 * | `[[udp]] retention-policy` | `""` | empty → `default-retention-policy` |
 * | `[[udp]] precision` | `""` | influxd's: `""`/`n`/`ns`, `u`, `ms`, `s`, `m`, `h` |
 * | `[[udp]] buffer` | `1000` | Kapacitor's: datagrams queued in the process before they are dropped (and counted) |
 * | `[[udp]] read-buffer` | `8388608` | socket receive buffer (SO_RCVBUF) in bytes; the kernel caps it at `net.core.rmem_max`; 0 = OS default |
 * | `[logging] level` | `"INFO"` | `DEBUG`, `INFO`, `WARN`, `ERROR`, `OFF` (any case) |
 * | `[logging] file` | `""` | empty or `STDOUT` → standard output, `STDERR`, or a file path |
 *
 * Every other section and key of a real `kapacitor.conf` (`[storage]`, `[[influxdb]]`,
 * `[smtp]`, …) is accepted and ignored (listed in `Config.ignored`, logged at debug),
 * so an existing file works unchanged.
 *
 * Environment: `KAPACITOR_<SECTION>_<KEY>` with the key upper-cased and `-` → `_`
 * (`KAPACITOR_HTTP_BIND_ADDRESS`, `KAPACITOR_DATA_DIR`, `KAPACITOR_LOGGING_LEVEL`);
 * array sections are indexed (`KAPACITOR_UDP_0_BIND_ADDRESS`), and an index one past
 * the end adds an element, so a listener can be configured from the environment alone.
 * An empty variable overrides nothing. Precedence: defaults < file < environment <
 * command-line overrides.
 */
import { createSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'
import { parse as parseToml, TomlError } from 'smol-toml'
import type { Precision } from '../model/time.js'

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'OFF'
export const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'OFF']

export interface HttpConfig {
  /** `host:port`; empty host = every interface; port 0 = any free port. */
  readonly bindAddress: string
  readonly logEnabled: boolean
  /** Bytes; 0 = unlimited. */
  readonly maxBodySize: number
  /** Nanoseconds. */
  readonly shutdownTimeout: bigint
}

export interface UdpConfig {
  readonly enabled: boolean
  readonly bindAddress: string
  readonly database: string
  /** Empty = the top-level `default-retention-policy`. */
  readonly retentionPolicy: string
  readonly precision: Precision
  /** Datagrams queued in the process before new ones are dropped. */
  readonly buffer: number
  /** SO_RCVBUF in bytes; 0 = leave the OS default. */
  readonly readBuffer: number
}

export interface LoggingConfig {
  readonly level: LogLevel
  /** Empty = standard output; `STDOUT`, `STDERR`, or a file path. */
  readonly file: string
}

export interface Config {
  readonly hostname: string
  readonly dataDir: string
  readonly defaultRetentionPolicy: string
  readonly http: HttpConfig
  readonly udp: readonly UdpConfig[]
  readonly logging: LoggingConfig
  /** The file the config was read from; null for embedded defaults. */
  readonly path: string | null
  /** Dotted paths of keys present in the file that this build does not use. */
  readonly ignored: readonly string[]
  /**
   * The file's sections this module does not type (`[smtp]`, `[[slack]]`, `[[httppost]]`,
   * `[alert]`, `[deadman]` …) as parsed TOML; the services that use them validate their own
   * section (alert handlers read theirs when they are built).
   */
  readonly sections: Readonly<Record<string, unknown>>
  /**
   * The `KAPACITOR_*` variables the config was loaded with, for the services that apply
   * overrides to their own untyped section (`KAPACITOR_INFLUXDB_0_URLS_0`).
   */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/** Command-line flags (`-hostname`, `-data-dir`, `-log-level`, `-log-file`); they win over file and environment. */
export interface ConfigOverrides {
  hostname?: string
  dataDir?: string
  logLevel?: string
  logFile?: string
}

export interface LoadConfigOptions {
  /** A TOML file; absent = embedded defaults (plus environment and overrides). */
  path?: string
  /** Defaults to `process.env`; pass `{}` to ignore the environment. */
  env?: NodeJS.ProcessEnv
  overrides?: ConfigOverrides
}

/** Every problem found, one per line, each starting with the key's path. */
export class ConfigError extends Error {
  readonly problems: readonly string[]
  constructor(problems: readonly string[], source?: string) {
    super(`invalid configuration${source ? ` in ${source}` : ''}:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

// ---------------------------------------------------------------------------------------
// The key table: one place says which keys exist, their TOML names, kinds and defaults.

type Kind = 'string' | 'bool' | 'int' | 'duration'
type RawValue = string | boolean | number
interface KeySpec { readonly key: string; readonly kind: Kind; readonly def: RawValue }
type RawTable = Record<string, unknown>

const TOP_KEYS: readonly KeySpec[] = [
  { key: 'hostname', kind: 'string', def: 'localhost' },
  { key: 'data_dir', kind: 'string', def: './data' },
  { key: 'default-retention-policy', kind: 'string', def: 'autogen' },
]
const TABLE_KEYS: Readonly<Record<'http' | 'logging', readonly KeySpec[]>> = {
  http: [
    { key: 'bind-address', kind: 'string', def: ':9092' },
    { key: 'log-enabled', kind: 'bool', def: true },
    { key: 'max-body-size', kind: 'int', def: 25_000_000 },
    { key: 'shutdown-timeout', kind: 'duration', def: '10s' },
  ],
  logging: [
    { key: 'file', kind: 'string', def: '' },
    { key: 'level', kind: 'string', def: 'INFO' },
  ],
}
const ARRAY_KEYS: Readonly<Record<'udp', readonly KeySpec[]>> = {
  udp: [
    { key: 'enabled', kind: 'bool', def: false },
    { key: 'bind-address', kind: 'string', def: '' },
    { key: 'database', kind: 'string', def: '' },
    { key: 'retention-policy', kind: 'string', def: '' },
    { key: 'precision', kind: 'string', def: '' },
    { key: 'buffer', kind: 'int', def: 1000 },
    { key: 'read-buffer', kind: 'int', def: 8 * 1024 * 1024 },
  ],
}
const TABLES = Object.keys(TABLE_KEYS) as (keyof typeof TABLE_KEYS)[]
const ARRAYS = Object.keys(ARRAY_KEYS) as (keyof typeof ARRAY_KEYS)[]

function defaultsOf(specs: readonly KeySpec[]): RawTable {
  const t: RawTable = {}
  for (const s of specs) t[s.key] = s.def
  return t
}

function rawDefaults(): RawTable {
  const raw = defaultsOf(TOP_KEYS)
  for (const t of TABLES) raw[t] = defaultsOf(TABLE_KEYS[t])
  for (const a of ARRAYS) raw[a] = []
  return raw
}

// ---------------------------------------------------------------------------------------

export function defaultConfig(): Config {
  return loadConfig({ env: {} })
}

export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env
  const raw = rawDefaults()
  const problems: string[] = []
  const ignored: string[] = []
  const sections: Record<string, unknown> = {}

  if (opts.path !== undefined) {
    let text: string
    try {
      text = readFileSync(opts.path, 'utf8')
    } catch (err) {
      throw new ConfigError([`cannot read config file: ${(err as Error).message}`], opts.path)
    }
    let file: RawTable
    try {
      file = parseToml(text) as RawTable
    } catch (err) {
      if (err instanceof TomlError) {
        throw new ConfigError([`line ${err.line} column ${err.column}: ${err.message.split('\n')[0]}`], opts.path)
      }
      throw err
    }
    mergeFile(raw, file, problems, ignored)
    for (const [k, v] of Object.entries(file)) {
      if (!TOP_KEYS.some((s) => s.key === k) && !(TABLES as string[]).includes(k) && !(ARRAYS as string[]).includes(k)) sections[k] = v
    }
  }
  applyEnv(raw, env, problems)
  applyOverrides(raw, opts.overrides ?? {})

  const kapacitorEnv = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('KAPACITOR_')))
  const config: Config = { ...toConfig(raw, problems, opts.path ?? null, ignored), sections, env: kapacitorEnv }
  if (problems.length > 0) throw new ConfigError(problems, opts.path)
  return config
}

function isTable(v: unknown): v is RawTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
}

function mergeKeys(target: RawTable, source: RawTable, specs: readonly KeySpec[], prefix: string, ignored: string[]): void {
  for (const [k, v] of Object.entries(source)) {
    if (specs.some((s) => s.key === k)) target[k] = v
    else ignored.push(prefix + k)
  }
}

function mergeFile(raw: RawTable, file: RawTable, problems: string[], ignored: string[]): void {
  for (const [k, v] of Object.entries(file)) {
    if (TOP_KEYS.some((s) => s.key === k)) {
      raw[k] = v
    } else if ((TABLES as string[]).includes(k)) {
      const t = k as keyof typeof TABLE_KEYS
      if (!isTable(v)) { problems.push(`${k}: must be a table ([${k}])`); continue }
      mergeKeys(raw[t] as RawTable, v, TABLE_KEYS[t], `${k}.`, ignored)
    } else if ((ARRAYS as string[]).includes(k)) {
      const a = k as keyof typeof ARRAY_KEYS
      // `[udp]` (a single table) is accepted as a one-element array, as Go's TOML decoder does.
      const items = Array.isArray(v) ? v : isTable(v) ? [v] : null
      if (items === null) { problems.push(`${k}: must be an array of tables ([[${k}]])`); continue }
      const out: RawTable[] = []
      items.forEach((item, i) => {
        if (!isTable(item)) { problems.push(`${k}[${i}]: must be a table`); return }
        const el = defaultsOf(ARRAY_KEYS[a])
        mergeKeys(el, item, ARRAY_KEYS[a], `${k}[${i}].`, ignored)
        out.push(el)
      })
      raw[a] = out
    } else {
      ignored.push(k)
    }
  }
}

/** `bind-address` → `BIND_ADDRESS`. */
function envName(...parts: (string | number)[]): string {
  return ['KAPACITOR', ...parts].map((p) => String(p).toUpperCase().replace(/-/g, '_')).join('_')
}

function coerceEnv(name: string, value: string, kind: Kind, problems: string[]): RawValue | undefined {
  switch (kind) {
    case 'string':
    case 'duration':
      return value
    case 'bool':
      // Go's strconv.ParseBool
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
      problems.push(`${name}: not a boolean: ${JSON.stringify(value)}`)
      return undefined
    case 'int':
      if (/^-?\d+$/.test(value.trim())) return Number(value.trim())
      problems.push(`${name}: not an integer: ${JSON.stringify(value)}`)
      return undefined
  }
}

function applyEnvKeys(target: RawTable, specs: readonly KeySpec[], env: NodeJS.ProcessEnv, parts: (string | number)[], problems: string[]): void {
  for (const s of specs) {
    const name = envName(...parts, s.key)
    const value = env[name]
    if (value === undefined || value === '') continue // unset or empty: no override (as InfluxDB's overrides)
    const v = coerceEnv(name, value, s.kind, problems)
    if (v !== undefined) target[s.key] = v
  }
}

function applyEnv(raw: RawTable, env: NodeJS.ProcessEnv, problems: string[]): void {
  applyEnvKeys(raw, TOP_KEYS, env, [], problems)
  for (const t of TABLES) applyEnvKeys(raw[t] as RawTable, TABLE_KEYS[t], env, [t], problems)
  for (const a of ARRAYS) {
    const items = raw[a] as RawTable[]
    for (let i = 0; ; i++) {
      const prefix = envName(a, i) + '_'
      if (i >= items.length) {
        if (!Object.keys(env).some((k) => k.startsWith(prefix) && env[k] !== '')) break
        items.push(defaultsOf(ARRAY_KEYS[a]))
      }
      applyEnvKeys(items[i]!, ARRAY_KEYS[a], env, [a, i], problems)
    }
  }
}

function applyOverrides(raw: RawTable, o: ConfigOverrides): void {
  if (o.hostname !== undefined) raw['hostname'] = o.hostname
  if (o.dataDir !== undefined) raw['data_dir'] = o.dataDir
  const logging = raw['logging'] as RawTable
  if (o.logLevel !== undefined) logging['level'] = o.logLevel
  if (o.logFile !== undefined) logging['file'] = o.logFile
}

// ---------------------------------------------------------------------------------------
// Typed values and validation.

class Reader {
  constructor(private readonly table: RawTable, private readonly prefix: string, private readonly problems: string[]) {}

  private bad(key: string, msg: string): void {
    this.problems.push(`${this.prefix}${key}: ${msg}`)
  }

  string(key: string, def: string): string {
    const v = this.table[key]
    if (typeof v === 'string') return v
    this.bad(key, `must be a string, got ${describe(v)}`)
    return def
  }

  bool(key: string, def: boolean): boolean {
    const v = this.table[key]
    if (typeof v === 'boolean') return v
    this.bad(key, `must be true or false, got ${describe(v)}`)
    return def
  }

  int(key: string, def: number, min = 0): number {
    const v = this.table[key]
    const n = typeof v === 'bigint' ? Number(v) : v
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= min) return n
    this.bad(key, `must be an integer >= ${min}, got ${describe(v)}`)
    return def
  }

  duration(key: string, def: bigint): bigint {
    const v = this.table[key]
    if (typeof v === 'string') {
      const ns = parseGoDuration(v)
      if (ns !== null && ns >= 0n) return ns
    }
    this.bad(key, `not a duration (like "10s", "1m30s", "500ms"): ${describe(v)}`)
    return def
  }

  hostPort(key: string, required: boolean): string {
    const v = this.string(key, '')
    if (v === '' && !required) return v
    if (splitHostPort(v) === null) this.bad(key, `not a host:port: ${JSON.stringify(v)}`)
    return v
  }

  problem(key: string, msg: string): void {
    this.bad(key, msg)
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (typeof v === 'string') return JSON.stringify(v)
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object' && v !== null) return 'a table'
  return `${typeof v} ${String(v)}`
}

const UDP_PRECISIONS: Readonly<Record<string, Precision>> = { '': 'ns', n: 'ns', ns: 'ns', u: 'u', ms: 'ms', s: 's', m: 'm', h: 'h' }

function toConfig(raw: RawTable, problems: string[], path: string | null, ignored: string[]): Config {
  const top = new Reader(raw, '', problems)
  const hostname = top.string('hostname', 'localhost')
  if (hostname === '') top.problem('hostname', 'must not be empty')
  const dataDir = top.string('data_dir', './data')
  if (dataDir === '') top.problem('data_dir', 'must not be empty')
  const defaultRetentionPolicy = top.string('default-retention-policy', 'autogen')

  const h = new Reader(raw['http'] as RawTable, 'http.', problems)
  const http: HttpConfig = {
    bindAddress: h.hostPort('bind-address', true),
    logEnabled: h.bool('log-enabled', true),
    maxBodySize: h.int('max-body-size', 25_000_000),
    shutdownTimeout: h.duration('shutdown-timeout', 10_000_000_000n),
  }

  const udp = (raw['udp'] as RawTable[]).map((el, i): UdpConfig => {
    const u = new Reader(el, `udp[${i}].`, problems)
    const enabled = u.bool('enabled', false)
    const bindAddress = u.hostPort('bind-address', enabled)
    const database = u.string('database', '')
    if (enabled && database === '') u.problem('database', 'required when the listener is enabled')
    const precisionText = u.string('precision', '')
    const precision = UDP_PRECISIONS[precisionText]
    if (precision === undefined) u.problem('precision', `must be one of "", n, ns, u, ms, s, m, h; got ${JSON.stringify(precisionText)}`)
    return {
      enabled,
      bindAddress,
      database,
      retentionPolicy: u.string('retention-policy', ''),
      precision: precision ?? 'ns',
      buffer: u.int('buffer', 1000, 1),
      readBuffer: u.int('read-buffer', 8 * 1024 * 1024),
    }
  })

  const l = new Reader(raw['logging'] as RawTable, 'logging.', problems)
  const levelText = l.string('level', 'INFO').toUpperCase()
  const level = (LOG_LEVELS as string[]).includes(levelText) ? (levelText as LogLevel) : null
  if (level === null) l.problem('level', `must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(levelText)}`)
  const logging: LoggingConfig = { level: level ?? 'INFO', file: l.string('file', '') }

  return { hostname, dataDir, defaultRetentionPolicy, http, udp, logging, path, ignored, sections: {} }
}

// ---------------------------------------------------------------------------------------
// Helpers shared with the servers.

/**
 * Go's `net.SplitHostPort` for what a bind address may be: `:9092`, `127.0.0.1:0`,
 * `localhost:9092`, `[::1]:9092`. Returns null when it is not host:port with a numeric
 * port in 0..65535. An empty host means every interface.
 */
export function splitHostPort(addr: string): { host: string; port: number } | null {
  let host: string
  let portText: string
  if (addr.startsWith('[')) {
    const end = addr.indexOf(']')
    if (end < 0 || addr[end + 1] !== ':') return null
    host = addr.slice(1, end)
    portText = addr.slice(end + 2)
  } else {
    const colon = addr.lastIndexOf(':')
    if (colon < 0) return null
    host = addr.slice(0, colon)
    portText = addr.slice(colon + 1)
    if (host.includes(':')) return null // an IPv6 address must be bracketed
  }
  if (!/^\d{1,5}$/.test(portText)) return null
  const port = Number(portText)
  if (port > 65535) return null
  return { host, port }
}

let wildcard: Promise<string> | null = null

/**
 * The host to bind for an empty bind-address host: `::` (IPv6 and IPv4) where the host
 * has IPv6, else `0.0.0.0` (containers often run with IPv6 disabled). Probed once.
 */
export function wildcardHost(): Promise<string> {
  wildcard ??= new Promise((resolve) => {
    const s = createSocket('udp6')
    s.once('error', () => { s.close(); resolve('0.0.0.0') })
    s.bind(0, '::', () => { s.close(); resolve('::') })
  })
  return wildcard
}

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
}

/** Go's `time.ParseDuration` ("1h30m", "1.5s", "500ms", "0"), exact in nanoseconds; null when invalid. */
export function parseGoDuration(text: string): bigint | null {
  let s = text
  let sign = 1n
  if (s.startsWith('-') || s.startsWith('+')) { if (s[0] === '-') sign = -1n; s = s.slice(1) }
  if (s === '0') return 0n
  if (s === '') return null
  const re = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/
  let total = 0n
  while (s.length > 0) {
    const m = re.exec(s)
    if (m === null || (m[1] === '' && (m[2] === undefined || m[2] === ''))) return null
    const unit = UNIT_NS[m[3]!]!
    const whole = BigInt(m[1] === '' ? '0' : m[1]!)
    let frac = 0n
    if (m[2] !== undefined && m[2] !== '') {
      const scale = 10n ** BigInt(m[2].length)
      frac = (BigInt(m[2]) * unit) / scale
    }
    total += whole * unit + frac
    s = s.slice(m[0].length)
  }
  return sign * total
}

/** Go's `time.Duration.String()`: "10s", "1m30s", "1h0m0s", "1.5s", "500ms", "0s". */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  const neg = ns < 0n
  let u = neg ? -ns : ns
  let out: string
  if (u < 1_000_000_000n) {
    const [unit, scale] = u < 1_000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1_000n] : ['ms', 1_000_000n]
    out = fixed(u, scale as bigint) + unit
  } else {
    const h = u / 3_600_000_000_000n
    u %= 3_600_000_000_000n
    const m = u / 60_000_000_000n
    u %= 60_000_000_000n
    out = fixed(u, 1_000_000_000n) + 's'
    if (h > 0n || m > 0n) out = `${m}m` + out
    if (h > 0n) out = `${h}h` + out
  }
  return neg ? '-' + out : out
}

function fixed(v: bigint, scale: bigint): string {
  const whole = v / scale
  const frac = v % scale
  if (frac === 0n) return String(whole)
  const digits = String(scale).length - 1
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`
}

/** The config as a Kapacitor TOML file (what `kapacitord config` prints); loads back to the same config. */
export function configToToml(c: Config): string {
  const q = (s: string): string => JSON.stringify(s)
  const lines = [
    `hostname = ${q(c.hostname)}`,
    `data_dir = ${q(c.dataDir)}`,
    `default-retention-policy = ${q(c.defaultRetentionPolicy)}`,
    '',
    '[http]',
    `  bind-address = ${q(c.http.bindAddress)}`,
    `  log-enabled = ${c.http.logEnabled}`,
    `  max-body-size = ${c.http.maxBodySize}`,
    `  shutdown-timeout = ${q(formatGoDuration(c.http.shutdownTimeout))}`,
    '',
    '[logging]',
    `  file = ${q(c.logging.file)}`,
    `  level = ${q(c.logging.level)}`,
  ]
  if (c.udp.length === 0) {
    lines.push('', '# [[udp]]', '#   enabled = true', '#   bind-address = ":8089"', '#   database = "telegraf"',
      '#   retention-policy = "autogen"', '#   precision = ""', '#   buffer = 1000', '#   read-buffer = 8388608')
  }
  for (const u of c.udp) {
    lines.push('', '[[udp]]',
      `  enabled = ${u.enabled}`,
      `  bind-address = ${q(u.bindAddress)}`,
      `  database = ${q(u.database)}`,
      `  retention-policy = ${q(u.retentionPolicy)}`,
      `  precision = ${q(u.precision === 'ns' ? '' : u.precision)}`,
      `  buffer = ${u.buffer}`,
      `  read-buffer = ${u.readBuffer}`)
  }
  return lines.join('\n') + '\n'
}
