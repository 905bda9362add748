import t, { type Test } from 'tap'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { startInfluxd, type Influxd } from '../fixtures/influxd.js'
import { defaultClusterConfig } from '../../src/query/influxdb-config.js'
import { createInfluxDBClient } from '../../src/query/influxdb-client.js'
import { createInfluxDBService } from '../../src/query/influxdb-service.js'
import { InfluxDBError } from '../../src/query/influxdb.js'
import { silentLogger } from '../../src/server/logger.js'

const logger = silentLogger()
let influx: Influxd

t.before(async () => {
  influx = await startInfluxd()
  await influx.createDatabase('db')
})
t.teardown(() => influx.stop())

/** A URL where nothing listens (a port that was free a moment ago). */
async function deadUrl(): Promise<string> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as AddressInfo).port
  await new Promise<void>((r) => srv.close(() => r()))
  return `http://127.0.0.1:${port}`
}

/** A listener that accepts connections and never answers. */
async function silentListener(t: Test): Promise<string> {
  const sockets = new Set<Socket>()
  const srv: Server = createServer((s) => { sockets.add(s); s.on('error', () => {}) })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()) }))
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`
}

t.test('write then query: int64 exact above 2^53, float 1.0 stays a float, ns times, tags, strings, booleans', async (t) => {
  const c = createInfluxDBClient(defaultClusterConfig({ name: 'c', urls: [influx.url] }), logger)
  t.equal(c.cluster, 'c')
  await c.write([
    'typed,host=a big=9223372036854775807i,small=-9223372036854775808i,above=9007199254740993i,one=1i,f=1.0,s="x y",b=true 1700000000123456789',
    'typed,host=b f=0.1 5',
  ].join('\n'), { db: 'db' })
  const series = await c.query('SELECT * FROM typed GROUP BY host', { db: 'db' })
  t.equal(series.length, 2)
  const a = series.find((s) => s.tags['host'] === 'a')!
  t.equal(a.name, 'typed')
  t.same(a.columns, ['time', 'above', 'b', 'big', 'f', 'one', 's', 'small'])
  const row = a.values[0]!
  t.equal(row[0], 1700000000123456789n, 'ns time exact')
  t.equal(row[1], 9007199254740993n, 'int above 2^53 exact')
  t.equal(row[2], true)
  t.equal(row[3], 9223372036854775807n)
  t.equal(row[4], 1)
  t.equal(typeof row[4], 'number', 'a float 1.0 is a number')
  t.equal(row[5], 1n)
  t.equal(typeof row[5], 'bigint', 'an int 1 is a bigint')
  t.equal(row[6], 'x y')
  t.equal(row[7], -9223372036854775808n)
  const b = series.find((s) => s.tags['host'] === 'b')!
  t.equal(b.values[0]![0], 5n, 'a small time is a bigint too')
  t.equal(b.values[0]![4], 0.1)
  t.equal(b.values[0]![1], null, 'missing values are null')
})

t.test('strings: short and long, ASCII and not; tags too; integers of every width', async (t) => {
  const c = createInfluxDBClient(defaultClusterConfig({ urls: [influx.url] }), logger)
  const long = 'héllo wörld — a string longer than twenty-four bytes ✓'
  await c.write(`strs,city=Zürich short="ab",accent="é",long="${long}",i8=-100i,i16=30000i,i32=-2000000000i,u32=4000000000i 7`, { db: 'db' })
  const [s] = await c.query('SELECT * FROM strs GROUP BY *', { db: 'db' })
  t.same(s!.tags, { city: 'Zürich' })
  t.same(s!.columns, ['time', 'accent', 'i16', 'i32', 'i8', 'long', 'short', 'u32'])
  t.same(s!.values, [[7n, 'é', 30000n, -2000000000n, -100n, long, 'ab', 4000000000n]])
})

t.test('write options: rp, precision', async (t) => {
  const c = createInfluxDBClient(defaultClusterConfig({ urls: [influx.url] }), logger)
  await c.query('CREATE RETENTION POLICY "week" ON "db" DURATION 1000w REPLICATION 1')
  await c.write('prec v=2i 1700000000', { db: 'db', rp: 'week', precision: 's' })
  const s = await c.query('SELECT v FROM "db"."week"."prec"')
  t.same(s[0]!.values, [[1700000000000000000n, 2n]])
  t.same(await c.query('SELECT v FROM prec', { db: 'db', rp: 'week' }), s, 'rp as a query option')
  t.same(await c.query('SELECT * FROM nothing_here', { db: 'db' }), [], 'no series → []')
})

t.test('error answers reject with InfluxDBError carrying influxd\'s message', async (t) => {
  const c = createInfluxDBClient(defaultClusterConfig({ name: 'e', urls: [influx.url] }), logger)
  const parse = await c.query('SELECT FROM', { db: 'db' }).catch((e) => e)
  t.type(parse, InfluxDBError)
  t.match(parse.message, /error parsing query/)
  t.equal(parse.status, 400)
  t.equal(parse.cluster, 'e')
  const stmt = await c.query('SELECT * FROM m', { db: 'nodb' }).catch((e) => e)
  t.type(stmt, InfluxDBError)
  t.equal(stmt.message, 'database not found: nodb')
  const w = await c.write('m v=', { db: 'db' }).catch((e) => e)
  t.type(w, InfluxDBError)
  t.match(w.message, /unable to parse 'm v='/)
  t.equal(w.status, 400)
  const w404 = await c.write('m v=1', { db: 'nodb' }).catch((e) => e)
  t.equal(w404.status, 404)
  t.match(w404.message, /database not found/)
})

t.test('fails over from a dead URL to the live one, and remembers it', async (t) => {
  const dead = await deadUrl()
  const c = createInfluxDBClient(defaultClusterConfig({ urls: [dead, influx.url], timeoutMs: 5000 }), logger)
  await c.write('fo v=1i 1', { db: 'db' })
  const s = await c.query('SELECT v FROM fo', { db: 'db' })
  t.same(s[0]!.values, [[1n, 1n]])
  const allDead = createInfluxDBClient(defaultClusterConfig({ name: 'x', urls: [dead, await deadUrl()] }), logger)
  const err = await allDead.query('SHOW DATABASES').catch((e) => e)
  t.type(err, InfluxDBError)
  t.match(err.message, /no InfluxDB URL answered/)
  t.ok(err.message.includes(dead), 'names the URLs that failed')
})

t.test('a listener that never answers times out, then the next URL is used', async (t) => {
  const silent = await silentListener(t)
  const only = createInfluxDBClient(defaultClusterConfig({ urls: [silent], timeoutMs: 200 }), logger)
  const err = await only.query('SHOW DATABASES').catch((e) => e)
  t.type(err, InfluxDBError)
  t.match(err.message, /timed out after 200 ms/)
  const two = createInfluxDBClient(defaultClusterConfig({ urls: [silent, influx.url], timeoutMs: 200 }), logger)
  const dbs = await two.query('SHOW DATABASES')
  t.ok(dbs[0]!.values.some((r) => r[0] === 'db'))
})

t.test('basic auth is sent when a username is configured', async (t) => {
  // influxd's auth needs its own [http] section, which the fixture writes: a local listener records the header
  const seen: (string | undefined)[] = []
  const srv = createHttpServer((req, res) => { seen.push(req.headers.authorization); req.resume(); res.statusCode = 204; res.end() })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => srv.close(() => r())))
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`
  await createInfluxDBClient(defaultClusterConfig({ urls: [url], username: 'kapa', password: 'p:w' }), logger).write('m v=1', { db: 'db' })
  await createInfluxDBClient(defaultClusterConfig({ urls: [url] }), logger).write('m v=1', { db: 'db' })
  t.same(seen, ['Basic ' + Buffer.from('kapa:p:w').toString('base64'), undefined])
})

t.test('the service: enabled clusters only, \'\' is the default', async (t) => {
  const svc = createInfluxDBService([
    defaultClusterConfig({ name: 'a', urls: [influx.url], default: true }),
    defaultClusterConfig({ name: 'b', urls: [influx.url] }),
    defaultClusterConfig({ name: 'off', enabled: false }),
  ], logger)
  t.same(svc.clusters, ['a', 'b'])
  t.equal(svc.client('').cluster, 'a')
  t.equal(svc.client('b').cluster, 'b')
  t.throws(() => svc.client('off'), InfluxDBError)
  t.throws(() => svc.client('nope'), /unknown InfluxDB cluster "nope"/)
  const single = createInfluxDBService([defaultClusterConfig({ name: 'only', urls: [influx.url] })], logger)
  t.equal(single.client('').cluster, 'only', 'a single enabled cluster is the default')
  t.same((await single.client('').query('SHOW DATABASES'))[0]!.columns, ['name'])
  t.throws(() => createInfluxDBService([], logger).client(''), /no InfluxDB cluster is configured/)
})
