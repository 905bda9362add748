import t, { type Test } from 'tap'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/server/config.js'
import { defaultClusterConfig, influxdbClustersFromSections } from '../../src/query/influxdb-config.js'

function fromToml(t: Test, text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'influxdb-config.'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'kapacitor.conf')
  writeFileSync(path, text)
  return influxdbClustersFromSections(loadConfig({ path, env: {} }).sections)
}

t.test('no [[influxdb]] section: no cluster', async (t) => {
  t.same(influxdbClustersFromSections({}), [])
})

t.test('Kapacitor\'s defaults for a section that sets only urls', async (t) => {
  const [c, ...rest] = fromToml(t, '[[influxdb]]\n  urls = ["http://127.0.0.1:8086"]\n')
  t.equal(rest.length, 0)
  t.same(c, defaultClusterConfig({ urls: ['http://127.0.0.1:8086'] }))
  t.equal(c!.name, 'default')
  t.equal(c!.enabled, true)
  t.equal(c!.subscriptionsSyncIntervalMs, 60_000)
  t.same(c!.excludedSubscriptions, { _kapacitor: ['autogen'] })
})

t.test('the sample kapacitor.conf section with every key', async (t) => {
  const clusters = fromToml(t, `
[[influxdb]]
  enabled = true
  default = true
  name = "localhost"
  urls = ["http://a:8086", "https://b:8086/"]
  username = "u"
  password = "p"
  ssl-ca = ""
  insecure-skip-verify = false
  timeout = "1m30s"
  disable-subscriptions = true
  subscription-protocol = "https"
  subscriptions-sync-interval = "10s"
  kapacitor-hostname = "kapa.example"
  http-port = 9999
  startup-timeout = "5m"
  udp-bind = "10.0.0.5"
  udp-buffer = 2000
  udp-read-buffer = 65536
  [influxdb.subscriptions]
    telegraf = ["autogen", "weekly"]
  [influxdb.excluded-subscriptions]
    _kapacitor = ["autogen"]
    internal = ["monitor"]
`)
  t.same(clusters, [{
    name: 'localhost', enabled: true, default: true, urls: ['http://a:8086', 'https://b:8086/'],
    username: 'u', password: 'p', timeoutMs: 90_000, disableSubscriptions: true, subscriptionProtocol: 'https',
    subscriptionsSyncIntervalMs: 10_000, kapacitorHostname: 'kapa.example', httpPort: 9999,
    udpBind: '10.0.0.5', udpBuffer: 2000, udpReadBuffer: 65536,
    subscriptions: { telegraf: ['autogen', 'weekly'] },
    excludedSubscriptions: { _kapacitor: ['autogen'], internal: ['monitor'] },
  }])
})

t.test('a single table is one cluster; sync interval 0 means the default', async (t) => {
  const [c] = influxdbClustersFromSections({ influxdb: { name: 'x', 'subscriptions-sync-interval': '0s' } })
  t.equal(c!.name, 'x')
  t.equal(c!.subscriptionsSyncIntervalMs, 60_000)
})

t.test('several clusters: unique names, exactly one default among the enabled', async (t) => {
  const two = (a: object, b: object) => influxdbClustersFromSections({ influxdb: [{ name: 'a', ...a }, { name: 'b', ...b }] })
  t.equal(two({ default: true }, {}).length, 2)
  t.equal(two({ enabled: false }, {}).length, 2, 'one enabled: no default needed')
  t.throws(() => two({}, {}), /influxdb: at least one of the enabled InfluxDB clusters must be marked as default/)
  t.throws(() => two({ default: true }, { default: true }), /influxdb\[1\]\.default: more than one InfluxDB default was specified: b a/)
  t.throws(() => influxdbClustersFromSections({ influxdb: [{ default: true }, {}] }), /influxdb\[1\]\.name: duplicate name "default"/)
})

t.test('bad values name their key path; every problem is listed', async (t) => {
  const err = t.throws(() => influxdbClustersFromSections({
    influxdb: [{
      name: 'bad name', urls: ['http://ok:8086', 'ftp://x', 5], timeout: 'soon', 'subscription-protocol': 'tcp',
      'http-port': 70000, enabled: 'yes', subscriptions: { db: 'autogen' },
    }],
  })) as Error
  for (const re of [
    /influxdb\[0\]\.name: influxdb cluster name must contain only/,
    /influxdb\[0\]\.urls\[1\]: not an http\(s\) URL: "ftp:\/\/x"/,
    /influxdb\[0\]\.urls\[2\]: not an http\(s\) URL: number 5/,
    /influxdb\[0\]\.timeout: not a duration .*"soon"/,
    /influxdb\[0\]\.subscription-protocol: invalid subscription protocol/,
    /influxdb\[0\]\.http-port: must be a port number/,
    /influxdb\[0\]\.enabled: must be true or false/,
    /influxdb\[0\]\.subscriptions\.db: must be an array/,
  ]) t.match(err.message, re)
  t.throws(() => influxdbClustersFromSections({ influxdb: [{ urls: [] }] }), /influxdb\[0\]\.urls: must specify at least one InfluxDB URL/)
  t.throws(() => influxdbClustersFromSections({ influxdb: 'x' }), /influxdb: must be an array of tables/)
})

t.test('KAPACITOR_INFLUXDB_<i>_<KEY> environment overrides, URLS_<j> too; one past the end adds', async (t) => {
  const sections = { influxdb: [{ name: 'a', default: true, urls: ['http://file:8086'] }] }
  const [a, b] = influxdbClustersFromSections(sections, {
    KAPACITOR_INFLUXDB_0_URLS_0: 'http://env:8086',
    KAPACITOR_INFLUXDB_0_URLS_1: 'http://env2:8086',
    KAPACITOR_INFLUXDB_0_TIMEOUT: '5s',
    KAPACITOR_INFLUXDB_0_DISABLE_SUBSCRIPTIONS: 'true',
    KAPACITOR_INFLUXDB_0_HTTP_PORT: '9093',
    KAPACITOR_INFLUXDB_0_USERNAME: '',
    KAPACITOR_INFLUXDB_1_NAME: 'b',
    KAPACITOR_INFLUXDB_1_URLS_0: 'http://b:8086',
  })
  t.same([a!.name, a!.urls, a!.timeoutMs, a!.disableSubscriptions, a!.httpPort, a!.username], ['a', ['http://env:8086', 'http://env2:8086'], 5000, true, 9093, ''])
  t.same([b!.name, b!.urls, b!.default], ['b', ['http://b:8086'], false])
  const [only] = influxdbClustersFromSections({}, { KAPACITOR_INFLUXDB_0_URLS_0: 'http://only:8086' })
  t.same(only, defaultClusterConfig({ urls: ['http://only:8086'] }), 'a cluster from the environment alone')
  t.throws(() => influxdbClustersFromSections({}, { KAPACITOR_INFLUXDB_0_ENABLED: 'yes' }), /influxdb\[0\]\.enabled: must be true or false, got "yes"/)
  t.same(influxdbClustersFromSections({}, { KAPACITOR_INFLUXDB_0_NAME: '' }), [], 'empty variables override nothing')
})

t.test('timeout = 0 (an integer, as in Kapacitor\'s sample kapacitor.conf) is a duration of 0', async (t) => {
  const [c] = fromToml(t, '[[influxdb]]\n  enabled = true\n  default = true\n  name = "localhost"\n  urls = ["http://localhost:8086"]\n  timeout = 0\n  [influxdb.subscriptions]\n  [influxdb.excluded-subscriptions]\n    _kapacitor = ["autogen"]\n')
  t.equal(c!.timeoutMs, 0)
  t.same(c!.subscriptions, {})
  t.throws(() => influxdbClustersFromSections({ influxdb: [{ timeout: 10 }] }), /influxdb\[0\]\.timeout: not a duration .*number 10/, 'a bare number other than 0 has no unit')
})
