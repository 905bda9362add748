import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import {
  ConfigError, configToToml, defaultConfig, formatGoDuration, loadConfig, parseGoDuration, splitHostPort,
} from '../../src/server/config.js'

const dir = mkdtempSync(join(tmpdir(), 'kapacitord-config-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
function file(text: string): string {
  const p = join(dir, `k${n++}.conf`)
  writeFileSync(p, text)
  return p
}
function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('expected a ConfigError')
}

t.test('defaults run with no file and no environment', async (t) => {
  const c = defaultConfig()
  t.equal(c.hostname, 'localhost')
  t.equal(c.dataDir, './data', 'data in ./data (a departure from /var/lib/kapacitor)')
  t.equal(c.defaultRetentionPolicy, 'autogen', 'writes without rp reach autogen (a departure from Kapacitor)')
  t.same(c.http, { bindAddress: ':9092', logEnabled: true, maxBodySize: 25_000_000, shutdownTimeout: 10_000_000_000n })
  t.same(c.udp, [])
  t.same(c.logging, { level: 'INFO', file: '' })
  t.equal(c.path, null)
})

t.test('a Kapacitor TOML file with the keys we use', async (t) => {
  const c = loadConfig({
    env: {},
    path: file(`
hostname = "kap1"
data_dir = "/tmp/kdata"
default-retention-policy = ""

[http]
  bind-address = "127.0.0.1:9093"
  log-enabled = false
  max-body-size = 1000
  shutdown-timeout = "1m30s"

[[udp]]
  enabled = true
  bind-address = ":8089"
  database = "telegraf"
  retention-policy = "autogen"
  precision = "s"
  read-buffer = 0

[[udp]]
  enabled = false
  bind-address = ""

[logging]
  level = "debug"
  file = "STDERR"
`),
  })
  t.equal(c.hostname, 'kap1')
  t.equal(c.dataDir, '/tmp/kdata')
  t.equal(c.defaultRetentionPolicy, '')
  t.same(c.http, { bindAddress: '127.0.0.1:9093', logEnabled: false, maxBodySize: 1000, shutdownTimeout: 90_000_000_000n })
  t.equal(c.udp.length, 2)
  t.same(c.udp[0], {
    enabled: true, bindAddress: ':8089', database: 'telegraf', retentionPolicy: 'autogen',
    precision: 's', buffer: 1000, readBuffer: 0,
  })
  t.equal(c.udp[1]!.enabled, false, 'a disabled listener needs no address or database')
  t.same(c.logging, { level: 'DEBUG', file: 'STDERR' }, 'level is case-insensitive')
})

t.test('every other section of a real kapacitor.conf is tolerated and listed as ignored', async (t) => {
  const c = loadConfig({
    env: {},
    path: file(`
hostname = "localhost"
data_dir = "/var/lib/kapacitor"
skip-config-overrides = false

[http]
  bind-address = ":9092"
  auth-enabled = false
  https-enabled = false
  https-certificate = "/etc/ssl/kapacitor.pem"
  shared-secret = ""

[config-override]
  enabled = true

[storage]
  boltdb = "/var/lib/kapacitor/kapacitor.db"

[[influxdb]]
  enabled = true
  default = true
  name = "localhost"
  urls = ["http://localhost:8086"]
  timeout = 0
  [influxdb.subscriptions]
  [influxdb.excluded-subscriptions]
    _kapacitor = ["autogen"]

[smtp]
  enabled = false
  port = 25

[[slack]]
  enabled = false

[udf]
[udf.functions]
  [udf.functions.movavg]
    prog = "/usr/bin/python3"
    args = ["-u", "movavg.py"]
    timeout = "10s"
`),
  })
  t.equal(c.dataDir, '/var/lib/kapacitor')
  for (const k of ['skip-config-overrides', 'http.auth-enabled', 'http.https-certificate', 'config-override', 'storage', 'influxdb', 'smtp', 'slack', 'udf']) {
    t.ok(c.ignored.includes(k), `${k} ignored`)
  }
})

t.test('environment overrides KAPACITOR_<SECTION>_<KEY>, over the file', async (t) => {
  const path = file('[http]\n  bind-address = ":9092"\n[[udp]]\n  enabled = false\n  bind-address = ":1"\n')
  const c = loadConfig({
    path,
    env: {
      KAPACITOR_HOSTNAME: 'envhost',
      KAPACITOR_DATA_DIR: '/tmp/envdata',
      KAPACITOR_DEFAULT_RETENTION_POLICY: 'rp1',
      KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0',
      KAPACITOR_HTTP_LOG_ENABLED: 'false',
      KAPACITOR_HTTP_MAX_BODY_SIZE: '123',
      KAPACITOR_HTTP_SHUTDOWN_TIMEOUT: '2s',
      KAPACITOR_LOGGING_LEVEL: 'WARN',
      KAPACITOR_UDP_0_ENABLED: 'true',
      KAPACITOR_UDP_0_BIND_ADDRESS: '127.0.0.1:8089',
      KAPACITOR_UDP_0_DATABASE: 'db0',
      KAPACITOR_UDP_1_ENABLED: 'true',
      KAPACITOR_UDP_1_BIND_ADDRESS: ':8090',
      KAPACITOR_UDP_1_DATABASE: 'db1',
      KAPACITOR_URL: 'http://not-a-config-key',
    },
  })
  t.equal(c.hostname, 'envhost')
  t.equal(c.dataDir, '/tmp/envdata')
  t.equal(c.defaultRetentionPolicy, 'rp1')
  t.same(c.http, { bindAddress: '127.0.0.1:0', logEnabled: false, maxBodySize: 123, shutdownTimeout: 2_000_000_000n })
  t.equal(c.logging.level, 'WARN')
  t.equal(c.udp.length, 2, 'index 1, one past the file\'s listeners, adds a listener')
  t.match(c.udp[0], { enabled: true, bindAddress: '127.0.0.1:8089', database: 'db0' })
  t.match(c.udp[1], { enabled: true, bindAddress: ':8090', database: 'db1', readBuffer: 8 * 1024 * 1024 })
})

t.test('command-line overrides win over the environment', async (t) => {
  const c = loadConfig({
    env: { KAPACITOR_DATA_DIR: '/env', KAPACITOR_LOGGING_LEVEL: 'ERROR' },
    overrides: { dataDir: '/flag', logLevel: 'debug', hostname: 'flaghost' },
  })
  t.equal(c.dataDir, '/flag')
  t.equal(c.logging.level, 'DEBUG')
  t.equal(c.hostname, 'flaghost')
})

t.test('validation names the key of every problem', async (t) => {
  const problems = problemsOf(() => loadConfig({
    env: { KAPACITOR_HTTP_LOG_ENABLED: 'maybe' },
    path: file(`
hostname = 7
[http]
  bind-address = "9092"
  max-body-size = -1
  shutdown-timeout = "10 seconds"
[[udp]]
  enabled = true
  bind-address = "localhost"
  precision = "us"
[[udp]]
  enabled = true
  bind-address = "[::1]:99999"
  database = "x"
[logging]
  level = "verbose"
`),
  }))
  t.same([...problems].sort(), [
    'KAPACITOR_HTTP_LOG_ENABLED: not a boolean: "maybe"',
    'hostname: must be a string, got number 7',
    'http.bind-address: not a host:port: "9092"',
    'http.max-body-size: must be an integer >= 0, got number -1',
    'http.shutdown-timeout: not a duration (like "10s", "1m30s", "500ms"): "10 seconds"',
    'logging.level: must be one of DEBUG, INFO, WARN, ERROR, OFF; got "VERBOSE"',
    'udp[0].bind-address: not a host:port: "localhost"',
    'udp[0].database: required when the listener is enabled',
    'udp[0].precision: must be one of "", n, ns, u, ms, s, m, h; got "us"',
    'udp[1].bind-address: not a host:port: "[::1]:99999"',
  ].sort())
})

t.test('a TOML syntax error names the file, line and column', async (t) => {
  const path = file('[http]\n  bind-address = \n')
  t.throws(() => loadConfig({ path, env: {} }), { name: 'ConfigError', message: new RegExp(`in ${path}:\\n  line 2 column`) })
})

t.test('a missing file is a clear error', async (t) => {
  t.throws(() => loadConfig({ path: join(dir, 'nope.conf'), env: {} }), { message: /cannot read config file/ })
})

t.test('configToToml output loads back to the same config', async (t) => {
  const d = defaultConfig()
  const p = file(configToToml(d))
  t.same(loadConfig({ path: p, env: {} }), { ...d, path: p })
  const withUdp = loadConfig({
    env: { KAPACITOR_UDP_0_ENABLED: 'true', KAPACITOR_UDP_0_BIND_ADDRESS: ':8089', KAPACITOR_UDP_0_DATABASE: 'x', KAPACITOR_UDP_0_PRECISION: 'ms' },
  })
  const back = loadConfig({ path: file(configToToml(withUdp)), env: {} })
  t.same(back.udp, withUdp.udp)
  t.same(back.http, withUdp.http)
})

t.test('Go durations, both ways', async (t) => {
  const cases: [string, bigint][] = [
    ['0', 0n], ['0s', 0n], ['10s', 10_000_000_000n], ['1m30s', 90_000_000_000n], ['1.5s', 1_500_000_000n],
    ['500ms', 500_000_000n], ['2h', 7_200_000_000_000n], ['1us', 1_000n], ['1µs', 1_000n], ['3ns', 3n], ['-1s', -1_000_000_000n],
  ]
  for (const [text, ns] of cases) t.equal(parseGoDuration(text), ns, text)
  for (const bad of ['', '10', 's', '1x', '1s2']) t.equal(parseGoDuration(bad), null, `invalid: ${JSON.stringify(bad)}`)
  t.equal(formatGoDuration(10_000_000_000n), '10s')
  t.equal(formatGoDuration(90_000_000_000n), '1m30s')
  t.equal(formatGoDuration(3_600_000_000_000n), '1h0m0s')
  t.equal(formatGoDuration(1_500_000_000n), '1.5s')
  t.equal(formatGoDuration(500_000_000n), '500ms')
  t.equal(formatGoDuration(0n), '0s')
})

t.test('host:port as Go splits it', async (t) => {
  t.same(splitHostPort(':9092'), { host: '', port: 9092 })
  t.same(splitHostPort('127.0.0.1:0'), { host: '127.0.0.1', port: 0 })
  t.same(splitHostPort('[::1]:8089'), { host: '::1', port: 8089 })
  t.same(splitHostPort('localhost:80'), { host: 'localhost', port: 80 })
  for (const bad of ['9092', 'localhost', '::1:80', ':x', ':65536', '[::1]']) t.equal(splitHostPort(bad), null, bad)
})

t.test('KAPACITOR_INFLUXDB_<i>_<KEY> reaches the [[influxdb]] clusters the daemon builds', async (t) => {
  const { influxdbClustersFromSections } = await import('../../src/query/influxdb-config.js')
  const path = file('[[influxdb]]\n  name = "main"\n  urls = ["http://127.0.0.1:8086"]\n')
  const c = loadConfig({ path, env: { KAPACITOR_INFLUXDB_0_URLS_0: 'http://10.0.0.9:8086', HOME: '/root' } })
  t.same(Object.keys(c.env ?? {}), ['KAPACITOR_INFLUXDB_0_URLS_0'], 'only KAPACITOR_ variables are kept')
  const clusters = influxdbClustersFromSections(c.sections, c.env ?? {})
  t.same(clusters.map((x) => [x.name, x.urls]), [['main', ['http://10.0.0.9:8086']]])
})
