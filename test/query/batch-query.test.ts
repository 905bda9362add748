import t from 'tap'
import { prepareBatchQuery, parseInfluxQL, InfluxQLError, type RenderOptions } from '../../src/query/batch-query.js'
import { formatSelect, type Binary } from '../../src/query/influxql-ast.js'
import { parseRFC3339Nano } from '../../src/model/rfc3339.js'
import { seriesToBatches } from '../../src/query/result-batches.js'
import type { QuerySeries } from '../../src/query/influxdb.js'
import { startInfluxd } from '../fixtures/influxd.js'

const S = 1_000_000_000n
const M = 60n * S
const H = 60n * M
const at = (rfc: string): bigint => parseRFC3339Nano(rfc)!

// Kapacitor's query_test.go (TestQuery_Clone): start 1975-01-01, stop 1975-01-02,
// Dimensions([time.Hour]); then AlignGroup + TimeDimension{1m, 1s}. Restated as the text
// Kapacitor's NewQuery/SetStartTime/SetStopTime/Dimensions/String produce, except that the
// user's WHERE is parenthesised here (Kapacitor prints it bare, which changes the meaning
// of a condition with OR).
const START = at('1975-01-01T00:00:00Z')
const STOP = at('1975-01-02T00:00:00Z')
const BOUNDS = "time >= '1975-01-01T00:00:00Z' AND time < '1975-01-02T00:00:00Z'"
const KAPACITOR_CASES: ReadonlyArray<readonly [string, RenderOptions, string]> = [
  ['SELECT usage FROM telegraf.autogen.cpu', { start: START, stop: STOP },
    `SELECT usage FROM telegraf.autogen.cpu WHERE ${BOUNDS}`],
  ["SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA'", { start: START, stop: STOP },
    `SELECT mean(usage) FROM telegraf.autogen.cpu WHERE (host = 'serverA') AND ${BOUNDS}`],
  ["SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA' AND dc = 'slc'",
    { start: START, stop: STOP, groupBy: { time: { every: H, offset: 0n }, tags: [], star: false } },
    `SELECT mean(usage) FROM telegraf.autogen.cpu WHERE (host = 'serverA' AND dc = 'slc') AND ${BOUNDS} GROUP BY time(1h, 0s)`],
  ["SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA' AND dc = 'slc' OR product = 'login'",
    { start: START, stop: STOP, groupBy: { time: { every: H, offset: 0n }, tags: [], star: false } },
    `SELECT mean(usage) FROM telegraf.autogen.cpu WHERE (host = 'serverA' AND dc = 'slc' OR product = 'login') AND ${BOUNDS} GROUP BY time(1h, 0s)`],
  ["SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA' AND (dc = 'slc' OR product = 'login')",
    { start: START, stop: STOP, groupBy: { time: { every: M, offset: S }, tags: [], star: false } },
    `SELECT mean(usage) FROM telegraf.autogen.cpu WHERE (host = 'serverA' AND (dc = 'slc' OR product = 'login')) AND ${BOUNDS} GROUP BY time(1m, 1s)`],
  // AlignGroup: the offset is start % every (1975-01-01 is on a whole minute)
  ['SELECT usage FROM telegraf.autogen.cpu',
    { start: START, stop: STOP, groupBy: { time: { every: M, offset: S }, tags: [], star: false }, alignGroup: true },
    `SELECT usage FROM telegraf.autogen.cpu WHERE ${BOUNDS} GROUP BY time(1m, 0s)`],
  ['SELECT usage FROM telegraf.autogen.cpu',
    { start: START + 25n * S, stop: STOP, groupBy: { time: { every: M, offset: 0n }, tags: [], star: false }, alignGroup: true },
    "SELECT usage FROM telegraf.autogen.cpu WHERE time >= '1975-01-01T00:00:25Z' AND time < '1975-01-02T00:00:00Z' GROUP BY time(1m, 25s)"],
  // server_test.go TestServer_BatchTask: `SELECT value from mydb.myrp.cpu` with .period(5ms)
  ['SELECT value from mydb.myrp.cpu', { start: at('2016-08-01T00:00:00.995Z'), stop: at('2016-08-01T00:00:01Z') },
    "SELECT value FROM mydb.myrp.cpu WHERE time >= '2016-08-01T00:00:00.995Z' AND time < '2016-08-01T00:00:01Z'"],
]

// The queries and query-node settings of Kapacitor's integrations/batcher_test.go (period
// and every 10s or 20s), for the first run of a replay starting at 1971-01-01T00:00:00Z.
const B_START = at('1971-01-01T00:00:00Z')
const B_BOUNDS = "time >= '1971-01-01T00:00:00Z' AND time < '1971-01-01T00:00:10Z'"
const tg = (every: bigint, offset: bigint, ...tags: string[]) => ({ time: { every, offset }, tags, star: false })
const BATCHER_CASES: ReadonlyArray<readonly [string, RenderOptions, string]> = [
  // TestBatch_SimpleMR: .groupBy(time(2s), 'cpu')
  [`SELECT mean("value") FROM "telegraf"."default".cpu_usage_idle WHERE "host" = 'serverA' AND "cpu" != 'cpu-total'`,
    { start: B_START, stop: B_START + 10n * S, groupBy: tg(2n * S, 0n, 'cpu') },
    `SELECT mean(value) FROM telegraf."default".cpu_usage_idle WHERE (host = 'serverA' AND cpu != 'cpu-total') AND ${B_BOUNDS} GROUP BY time(2s, 0s), cpu`],
  // TestBatch_AlertAll-like: .groupBy(time(2s))
  [`SELECT mean("value") FROM "telegraf"."default".cpu_usage_idle WHERE "host" = 'serverA'`,
    { start: B_START, stop: B_START + 10n * S, groupBy: tg(2n * S, 0n) },
    `SELECT mean(value) FROM telegraf."default".cpu_usage_idle WHERE (host = 'serverA') AND ${B_BOUNDS} GROUP BY time(2s, 0s)`],
  // TestBatch_GroupBy… with a measurement regex and .groupByMeasurement()
  [`SELECT mean("value") FROM "telegraf"."default"./cpu_.*/ WHERE "host" = 'serverA'`,
    { start: B_START, stop: B_START + 10n * S, groupBy: tg(2n * S, 0n, 'cpu') },
    `SELECT mean(value) FROM telegraf."default"./cpu_.*/ WHERE (host = 'serverA') AND ${B_BOUNDS} GROUP BY time(2s, 0s), cpu`],
  // .groupBy(time(2s, 1s), 'cpu') and .fill(100.0)
  [`SELECT mean("value") FROM "telegraf"."default".cpu_usage_idle WHERE "host" = 'serverA' AND "cpu" = 'cpu-total'`,
    { start: B_START, stop: B_START + 10n * S, groupBy: tg(2n * S, S, 'cpu'), fill: 100 },
    `SELECT mean(value) FROM telegraf."default".cpu_usage_idle WHERE (host = 'serverA' AND cpu = 'cpu-total') AND ${B_BOUNDS} GROUP BY time(2s, 1s), cpu fill(100)`],
  // TestBatch_Join: two queries, .groupBy(time(5s), 'dc', 'service') over a 20s period
  [`SELECT sum("value") FROM "telegraf"."default".errors`,
    { start: B_START, stop: B_START + 20n * S, groupBy: tg(5n * S, 0n, 'dc', 'service') },
    "SELECT sum(value) FROM telegraf.\"default\".errors WHERE time >= '1971-01-01T00:00:00Z' AND time < '1971-01-01T00:00:20Z' GROUP BY time(5s, 0s), dc, service"],
  [`SELECT first("value") as value FROM "telegraf"."default".errors`,
    { start: B_START, stop: B_START + 20n * S, groupBy: tg(5n * S, 0n, 'service') },
    "SELECT first(value) AS value FROM telegraf.\"default\".errors WHERE time >= '1971-01-01T00:00:00Z' AND time < '1971-01-01T00:00:20Z' GROUP BY time(5s, 0s), service"],
  // .groupBy('cpu') without time: batch time is the query stop
  [`SELECT mean("value") FROM "telegraf"."default".cpu_usage_idle WHERE "cpu" = 'cpu0'`,
    { start: B_START, stop: B_START + 10n * S, groupBy: { tags: ['cpu'], star: false } },
    `SELECT mean(value) FROM telegraf."default".cpu_usage_idle WHERE (cpu = 'cpu0') AND ${B_BOUNDS} GROUP BY cpu`],
]

t.test("renders the query Kapacitor sends for given bounds, dimensions and fill", async (t) => {
  for (const [q, o, exp] of [...KAPACITOR_CASES, ...BATCHER_CASES]) {
    const rendered = prepareBatchQuery(q).render(o)
    t.equal(rendered, exp, q)
    // what influxd receives parses back to the same text
    t.equal(formatSelect(parseInfluxQL(rendered)), rendered)
  }
})

t.test('the stop condition is the right-hand side of the top-level AND (what Kapacitor\'s own tests look for)', async (t) => {
  const q = prepareBatchQuery("SELECT v FROM m WHERE a = 1 OR b = 2")
  const where = parseInfluxQL(q.render({ start: 10n * S, stop: 20n * S })).where as Binary
  t.equal(where.op, 'AND')
  t.same(where.right.kind === 'Binary' && [where.right.op, where.right.right], ['<', { kind: 'String', value: '1970-01-01T00:00:20Z', loc: (where.right as Binary).right.loc }])
})

t.test('times are exact RFC3339Nano in UTC, start inclusive, stop exclusive', async (t) => {
  const q = prepareBatchQuery('SELECT v FROM m')
  t.equal(q.render({ start: 1n, stop: 1_500_000_000_123_456_789n }),
    "SELECT v FROM m WHERE time >= '1970-01-01T00:00:00.000000001Z' AND time < '2017-07-14T02:40:00.123456789Z'")
  t.equal(q.render({ start: -S / 2n, stop: 0n }),
    "SELECT v FROM m WHERE time >= '1969-12-31T23:59:59.5Z' AND time < '1970-01-01T00:00:00Z'")
  t.throws(() => q.render({ start: 2n, stop: 1n }), RangeError)
})

t.test('GROUP BY: time first, then the user\'s dimensions, then the node\'s tags and *', async (t) => {
  const base = { start: 0n, stop: 10n * S }
  const bounds = "time >= '1970-01-01T00:00:00Z' AND time < '1970-01-01T00:00:10Z'"
  const cases: ReadonlyArray<readonly [string, RenderOptions, string]> = [
    ['SELECT mean(v) FROM m', { ...base, groupBy: { time: { every: 10n * S, offset: 0n }, tags: ['host', 'cpu'], star: false } },
      `SELECT mean(v) FROM m WHERE ${bounds} GROUP BY time(10s, 0s), host, cpu`],
    ['SELECT mean(v) FROM m', { ...base, groupBy: { tags: [], star: true } },
      `SELECT mean(v) FROM m WHERE ${bounds} GROUP BY *`],
    ['SELECT mean(v) FROM m', { ...base, groupBy: { time: { every: 90n * S, offset: -5n * S }, tags: ['dc name'], star: true } },
      `SELECT mean(v) FROM m WHERE ${bounds} GROUP BY time(90s, -5s), "dc name", *`],
    ['SELECT mean(v) FROM m GROUP BY host, /^dc/', { ...base, groupBy: { time: { every: 7n * 86_400n * S, offset: 0n }, tags: ['host', 'region'], star: false } },
      `SELECT mean(v) FROM m WHERE ${bounds} GROUP BY time(1w, 0s), host, /^dc/, region`],
    ['SELECT mean(v) FROM m GROUP BY *', { ...base, groupBy: { tags: ['host'], star: true } },
      `SELECT mean(v) FROM m WHERE ${bounds} GROUP BY *, host`],
    ['SELECT mean(v) FROM m GROUP BY host', base,
      `SELECT mean(v) FROM m WHERE ${bounds} GROUP BY host`],
    ['SELECT v FROM m', { ...base, groupBy: { tags: [], star: false } },
      `SELECT v FROM m WHERE ${bounds}`],
  ]
  for (const [q, o, exp] of cases) t.equal(prepareBatchQuery(q).render(o), exp, exp)
  t.throws(() => prepareBatchQuery('SELECT v FROM m').render({ ...base, groupBy: { time: { every: 0n, offset: 0n }, tags: [], star: false } }), RangeError)
})

t.test('fill: null is InfluxDB\'s default and not printed; the others are', async (t) => {
  const q = prepareBatchQuery('SELECT mean(v) FROM m ORDER BY time DESC LIMIT 5 tz(\'UTC\')')
  const o = { start: 0n, stop: S, groupBy: { time: { every: S, offset: 0n }, tags: [], star: false } }
  const head = "SELECT mean(v) FROM m WHERE time >= '1970-01-01T00:00:00Z' AND time < '1970-01-01T00:00:01Z' GROUP BY time(1s, 0s)"
  const tail = " ORDER BY time DESC LIMIT 5 tz('UTC')"
  const cases: ReadonlyArray<readonly [RenderOptions['fill'], string]> = [
    [undefined, ''], ['null', ''], ['none', ' fill(none)'], ['previous', ' fill(previous)'], ['linear', ' fill(linear)'],
    [0, ' fill(0)'], [-1, ' fill(-1)'], [2.5, ' fill(2.5)'], [100, ' fill(100)'],
  ]
  for (const [fill, exp] of cases) t.equal(q.render({ ...o, fill }), head + exp + tail, String(fill))
})

t.test('FROM: measurements, database and retention policy', async (t) => {
  const q = prepareBatchQuery('SELECT v FROM "telegraf"."autogen"."cpu", mem, /^disk/')
  t.same(q.measurements, ['cpu', 'mem'])
  t.equal(q.database, 'telegraf')
  t.equal(q.retentionPolicy, 'autogen')
  t.same(q.sources, [{ database: 'telegraf', retentionPolicy: 'autogen', measurement: 'cpu' }, { measurement: 'mem' }, { regex: '^disk' }])
  const bare = prepareBatchQuery('SELECT v FROM cpu')
  t.equal(bare.database, undefined)
  t.equal(bare.retentionPolicy, undefined)
  t.same(prepareBatchQuery('SELECT v FROM db..cpu').sources, [{ database: 'db', measurement: 'cpu' }])
  t.same(prepareBatchQuery('SELECT v FROM rp.cpu').sources, [{ retentionPolicy: 'rp', measurement: 'cpu' }])
})

// [query, line, column, message after `line L char C: `]
const TIME_CONDITION = 'the query must not contain time conditions: the query node adds the time range of every batch (use .period() and .offset())'
const REFUSED: ReadonlyArray<readonly [string, number, number, string]> = [
  ['SELECT v FROM m WHERE time > now() - 1h', 1, 23, TIME_CONDITION],
  ["SELECT v FROM m WHERE host = 'a' AND time >= '2024-01-01T00:00:00Z'", 1, 38, TIME_CONDITION],
  ["SELECT v FROM m\nWHERE host = 'a'\n  AND (region = 'x' OR (\"time\" < now()))", 3, 25, TIME_CONDITION],
  ["SELECT v FROM m WHERE TIME > 0 OR host = 'a'", 1, 23, TIME_CONDITION],
  ['SELECT v FROM m WHERE v > 1 AND now() - 1h < time', 1, 46, TIME_CONDITION],
  ['SELECT mean(v) FROM m GROUP BY host, time(1m)', 1, 38, "the query must not contain GROUP BY time(…): use the query node's .groupBy(time(…))"],
  ['SELECT mean(v) FROM m GROUP BY TIME(1m, 10s)', 1, 32, "the query must not contain GROUP BY time(…): use the query node's .groupBy(time(…))"],
  ['SELECT mean(v) FROM m GROUP BY host fill(0)', 1, 37, "the query must not contain fill(…): use the query node's .fill(…)"],
  ['SELECT * FROM (SELECT usage FROM telegraf.autogen.cpu)', 1, 15, 'subqueries are not supported in a batch query (FROM (SELECT …))'],
  ['SELECT v FROM a,\n  (SELECT v FROM b)', 2, 3, 'subqueries are not supported in a batch query (FROM (SELECT …))'],
  ['SHOW MEASUREMENTS', 1, 1, 'the query is not a SELECT statement (it starts with SHOW)'],
  ['DELETE FROM m', 1, 1, 'the query is not a SELECT statement (it starts with DELETE)'],
  ['SELECT v FROM m;\nSELECT w FROM m', 2, 1, 'the query must be a single SELECT statement, found a second statement'],
  ['SELECT v FROM m WHERE host = ', 1, 30, 'unexpected end of input (expected an expression)'],
  ['SELECT mean(v) FROM m GROUP BY host LIMIT', 1, 42, 'unexpected end of input (expected an integer)'],
]

t.test('queries a batch task must not run are refused with a located error', async (t) => {
  for (const [q, line, column, message] of REFUSED) {
    const e = t.throws(() => prepareBatchQuery(q), InfluxQLError, JSON.stringify(q)) as unknown as InfluxQLError
    if (!(e instanceof InfluxQLError)) continue
    t.equal(e.message, `line ${line} char ${column}: ${message}`, JSON.stringify(q))
    t.same([e.line, e.column], [line, column])
  }
  // a tag or field merely containing "time" is not a time condition
  t.doesNotThrow(() => prepareBatchQuery("SELECT v FROM m WHERE uptime > 0 AND \"time_zone\" = 'UTC' AND timestamp = 'x'"))
})

t.test('against a real influxd: the rendered query is accepted and selects exactly [start, stop)', async (t) => {
  const influx = await startInfluxd()
  t.teardown(() => influx.stop())
  await influx.createDatabase('telegraf')
  const lines = [
    'cpu,host=a value=1 5000000000',
    'cpu,host=a value=3 10000000000', // = start: inside
    'cpu,host=a value=4 15000000000',
    'cpu,host=a value=5 20000000000',
    'cpu,host=a value=6 25000000000',
    'cpu,host=a value=7 29999999999', // 1 ns before stop: inside
    'cpu,host=a value=8 30000000000', // = stop: outside
    'cpu,host=b value=10 10000000000',
    'cpu,host=b value=20 30000000000',
    'cpu,host=c value=100 15000000000', // neither a nor b
  ]
  const w = await influx.write(lines.join('\n'), { db: 'telegraf', precision: 'ns' })
  t.equal(w.status, 204, w.body)

  // the user's OR must stay one condition: without parentheses host=a rows outside the range would come back
  const q = prepareBatchQuery('SELECT mean("value") AS m, count("value") FROM "telegraf"."autogen"."cpu" WHERE "host" = \'a\' OR "host" = \'b\'')
  const grouped = q.render({ start: 10n * S, stop: 30n * S, groupBy: { time: { every: 10n * S, offset: 0n }, tags: ['host'], star: false }, fill: -1 })
  t.equal(grouped, "SELECT mean(value) AS m, count(value) FROM telegraf.autogen.cpu WHERE (host = 'a' OR host = 'b') AND time >= '1970-01-01T00:00:10Z' AND time < '1970-01-01T00:00:30Z' GROUP BY time(10s, 0s), host fill(-1)")
  const res = await influx.queryExact(grouped, { db: 'telegraf', epoch: 'ns' })
  t.equal(res.results[0].error, undefined, 'influxd accepts the query')
  const series = res.results[0].series as QuerySeries[]
  t.same(series, [
    { name: 'cpu', tags: { host: 'a' }, columns: ['time', 'm', 'count'], values: [[10n * S, 3.5, 2n], [20n * S, 6, 3n]] },
    { name: 'cpu', tags: { host: 'b' }, columns: ['time', 'm', 'count'], values: [[10n * S, 10, 1n], [20n * S, -1, -1n]] },
  ])
  // and the batches the query node makes of it
  const batches = seriesToBatches(series, { source: 0, stop: 30n * S, groupedByTime: true })
  t.same(batches.map((b) => [b.tags, b.tmax, b.points.map((p) => [p.time, p.fields])]), [
    [{ host: 'a' }, 20n * S, [[10n * S, { m: 3.5, count: 2n }], [20n * S, { m: 6, count: 3n }]]],
    [{ host: 'b' }, 20n * S, [[10n * S, { m: 10, count: 1n }], [20n * S, { m: -1, count: -1n }]]],
  ])

  const raw = prepareBatchQuery("SELECT value FROM cpu WHERE host = 'a'").render({ start: 10n * S, stop: 30n * S })
  const rawRes = await influx.queryExact(raw, { db: 'telegraf', epoch: 'ns' })
  t.same(rawRes.results[0].series, [{
    name: 'cpu',
    columns: ['time', 'value'],
    values: [[10n * S, 3], [15n * S, 4], [20n * S, 5], [25n * S, 6], [29_999_999_999n, 7]],
  }])

  // GROUP BY time(every, offset): buckets start at offset + k·every
  const sumA = prepareBatchQuery("SELECT sum(value) FROM cpu WHERE host = 'a'")
  const offsetRes = await influx.queryExact(sumA.render({ start: 10n * S, stop: 30n * S, groupBy: tg(10n * S, 5n * S), fill: 'none' }), { db: 'telegraf', epoch: 'ns' })
  t.same(offsetRes.results[0].series[0].values, [[5n * S, 3], [15n * S, 9], [25n * S, 13]])
  // .alignGroup(): the offset follows the start (12s % 10s = 2s), so the first bucket starts at the start
  const aligned = sumA.render({ start: 12n * S, stop: 30n * S, groupBy: tg(10n * S, 0n), fill: 'none', alignGroup: true })
  t.match(aligned, /GROUP BY time\(10s, 2s\) fill\(none\)$/)
  const alignedRes = await influx.queryExact(aligned, { db: 'telegraf', epoch: 'ns' })
  t.same(alignedRes.results[0].series[0].values, [[12n * S, 9], [22n * S, 13]])

  // an empty range is a valid query with no series
  const empty = prepareBatchQuery('SELECT value FROM cpu').render({ start: 31n * S, stop: 40n * S })
  const emptyRes = await influx.queryExact(empty, { db: 'telegraf', epoch: 'ns' })
  t.equal(emptyRes.results[0].error, undefined)
  t.same(emptyRes.results[0].series ?? [], [])

  // every rendered query of the tables above is InfluxQL to influxd (semantic errors such as
  // an unknown database do not matter here)
  for (const [q, o] of [...KAPACITOR_CASES, ...BATCHER_CASES]) {
    const r = await influx.queryRaw(prepareBatchQuery(q).render(o), { db: 'telegraf' })
    t.notMatch(r.text, /error parsing query/, q)
  }

  // every canonical form the printer makes of a broad query is InfluxQL influxd accepts
  const broad = prepareBatchQuery('SELECT max("value") - min(value) AS "spread", percentile(value, 95) FROM telegraf.autogen./^cp[u]$/ WHERE host =~ /^[ab]$/ AND value::field > -1.5 AND "host"::tag != \'it\\\'s\' GROUP BY *')
  const broadRes = await influx.queryExact(broad.render({ start: 0n, stop: 40n * S, groupBy: { time: { every: M, offset: 0n }, tags: [], star: false }, fill: 'none' }), { db: 'telegraf', epoch: 'ns' })
  t.equal(broadRes.results[0].error, undefined, 'influxd accepts the broad query')
  t.same((broadRes.results[0].series as QuerySeries[]).map((s) => [s.tags, s.values]), [
    [{ host: 'a' }, [[0n, 7, 8]]], // values 1 3 4 5 6 7 8: spread 7, 95th percentile 8
    [{ host: 'b' }, [[0n, 10, 20]]],
  ])
})
