/**
 * The API routes through fastify's inject(): ping, the CREATE DATABASE answer of /query,
 * debug vars, JSON 404s, and the headers every answer carries.
 */
import t from 'tap'
import { fixedClock } from '../../src/model/clock.js'
import type { Point } from '../../src/model/point.js'
import { IngestStats } from '../../src/ingest/stats.js'
import { defaultConfig } from '../../src/server/config.js'
import { buildApp } from '../../src/server/http.js'
import { silentLogger } from '../../src/server/logger.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function makeApp() {
  const points: Point[] = []
  const stats = new IngestStats()
  const app = buildApp({
    config: defaultConfig(),
    logger: silentLogger(),
    sink: { write: (ps) => { points.push(...ps) } },
    stats,
    clock: fixedClock(1_700_000_000_000_000_000n),
    clusterId: 'cluster-1',
    serverId: 'server-1',
    startedAtMs: performance.now(),
  })
  return { app, points, stats }
}

const { app, points, stats } = makeApp()
t.teardown(() => app.close())

t.test('ping answers 204 with the InfluxDB headers clients read', async (t) => {
  for (const method of ['GET', 'HEAD'] as const) {
    for (const url of ['/ping', '/kapacitor/v1/ping', '/ping?verbose=true']) {
      const res = await app.inject({ method, url })
      t.equal(res.statusCode, 204, `${method} ${url}`)
      t.equal(res.body, '')
      t.equal(res.headers['x-influxdb-version'], '1.8.3')
      t.equal(res.headers['x-influxdb-build'], 'OSS')
      t.equal(res.headers['x-kapacitor-version'], '1.8.3')
      t.match(res.headers['request-id'], UUID)
      t.equal(res.headers['x-request-id'], res.headers['request-id'])
    }
  }
})

t.test('a client-sent Request-Id is echoed', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/ping', headers: { 'request-id': 'abc-123' } })
  t.equal(res.headers['request-id'], 'abc-123')
})

t.test('CREATE DATABASE as Telegraf sends it (form body) → 200 with one result', async (t) => {
  const res = await app.inject({
    method: 'POST', url: '/query',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'q=' + encodeURIComponent('CREATE DATABASE "telegraf"'),
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  t.same(res.json(), { results: [{ statement_id: 0 }] })
})

t.test('CREATE DATABASE in the URL, with an empty JSON body (python-influxdb) or none (influx -import)', async (t) => {
  const py = await app.inject({
    method: 'POST', url: '/query?q=CREATE+DATABASE+%22pydb%22&db=pydb',
    headers: { 'content-type': 'application/json', authorization: 'Basic cm9vdDpyb290' },
  })
  t.equal(py.statusCode, 200)
  t.same(py.json(), { results: [{ statement_id: 0 }] })
  const cli = await app.inject({ method: 'POST', url: '/query?db=&epoch=s&q=CREATE+DATABASE+importdb%0A' })
  t.equal(cli.statusCode, 200)
  t.same(cli.json(), { results: [{ statement_id: 0 }] })
})

t.test('several statements → one result each', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/query?q=' + encodeURIComponent('CREATE DATABASE a; create database "b;c";') })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { results: [{ statement_id: 0 }, { statement_id: 1 }] })
})

t.test('GET CREATE DATABASE carries influxd\'s deprecation warning', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/query?q=CREATE+DATABASE+x' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    results: [{
      statement_id: 0,
      messages: [{ level: 'warning', text: "deprecated use of 'CREATE DATABASE x' in a read only context, please use a POST request instead" }],
    }],
  })
})

t.test('any other query is a JSON 400 saying this server does not answer queries', async (t) => {
  for (const q of ['SHOW DATABASES', 'SELECT * FROM cpu', 'CREATE DATABASE a; DROP DATABASE a']) {
    const res = await app.inject({ method: 'POST', url: '/query?q=' + encodeURIComponent(q) })
    t.equal(res.statusCode, 400, q)
    const body = res.json() as { error: string }
    t.match(body.error, /does not answer queries/)
    t.equal(res.headers['x-influxdb-error'], body.error)
  }
  const missing = await app.inject({ method: 'POST', url: '/query' })
  t.equal(missing.statusCode, 400)
  t.same(missing.json(), { error: 'missing required parameter "q"', message: 'missing required parameter "q"' })
})

t.test('unknown routes are JSON 404s', async (t) => {
  for (const [method, url] of [['GET', '/nope'], ['POST', '/kapacitor/v1/tasks'], ['DELETE', '/ping']] as const) {
    const res = await app.inject({ method, url })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.match(res.headers['content-type'], /^application\/json/)
    t.match(res.json(), { error: /not found/ })
    t.match(res.headers['request-id'], UUID)
  }
})

t.test('/write through fastify (inject) reaches the same handler', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/write?db=d&precision=s', payload: 'cpu v=1 10\n' })
  t.equal(res.statusCode, 204)
  t.equal(res.headers['x-influxdb-version'], '1.8.3')
  t.same(points.map((p) => [p.db, p.rp, p.name, p.time]), [['d', 'autogen', 'cpu', 10_000_000_000n]])
  const get = await app.inject({ method: 'GET', url: '/kapacitor/v1/write?db=d' })
  t.equal(get.statusCode, 405)
  t.equal(get.headers['allow'], 'OPTIONS, POST')
})

t.test('debug vars: Kapacitor\'s top-level keys and our ingest counters', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/kapacitor/v1/debug/vars' })
  t.equal(res.statusCode, 200)
  const v = res.json() as Record<string, unknown>
  t.match(v, {
    cluster_id: 'cluster-1', server_id: 'server-1', host: 'localhost', product: 'kapacitor', version: '1.8.3',
    num_tasks: 0, num_enabled_tasks: 0, num_subscriptions: 0, uptime: Number,
    memstats: { alloc_bytes: Number },
    kapacitor: { 'httpd:bind=:9092': { name: 'httpd', tags: { bind: ':9092' }, values: { write_req: stats.http.requests } } },
    ingest: {
      points_received: 1, lines_rejected: 0,
      http: { requests: 2, points_received: 1, writes_ok: 1, requests_rejected: 1, partial_writes: 0, write_errors: 0 },
      udp: [],
    },
  })
  const root = await app.inject({ method: 'GET', url: '/debug/vars' })
  t.equal(root.statusCode, 200)
})
