import t from 'tap'
import { parseInfluxQL, InfluxQLError } from '../../src/query/batch-query.js'
import {
  formatSelect, formatExpr, formatDuration, formatFloat, quoteIdent,
  type Binary, type BinaryOp, type Call, type Expr, type Measurement, type SelectStatement, type VarRef,
} from '../../src/query/influxql-ast.js'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import peggy from 'peggy'
import { startInfluxd } from '../fixtures/influxd.js'
import { seededRandom } from '../fixtures/seeded-random.js'

// Every query of this file that parses; the fixed-point test at the end goes through all of them.
const parsed: string[] = []
function parse(q: string): SelectStatement {
  const s = parseInfluxQL(q)
  parsed.push(q)
  return s
}

// [query as written, canonical form printed from its AST]
const CANONICAL: ReadonlyArray<readonly [string, string]> = [
  // Kapacitor's query_test.go TestQuery_Clone queries
  ['SELECT usage FROM telegraf.autogen.cpu', 'SELECT usage FROM telegraf.autogen.cpu'],
  ["SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA'", "SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA'"],
  ["SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA' AND dc = 'slc'", "SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA' AND dc = 'slc'"],
  ["SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA' AND dc = 'slc' OR product = 'login'",
    "SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA' AND dc = 'slc' OR product = 'login'"],
  ["SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA' AND (dc = 'slc' OR product = 'login')",
    "SELECT mean(usage) FROM telegraf.autogen.cpu WHERE host = 'serverA' AND (dc = 'slc' OR product = 'login')"],
  ['SELECT * from (SELECT usage FROM telegraf.autogen.cpu)', 'SELECT * FROM (SELECT usage FROM telegraf.autogen.cpu)'],
  ['SELECT * INTO telegraf.autogen.cpu FROM (SELECT usage FROM telegraf.autogen.cpu)', 'SELECT * INTO telegraf.autogen.cpu FROM (SELECT usage FROM telegraf.autogen.cpu)'],
  // the query of Kapacitor's batch examples and server tests
  ['SELECT value from mydb.myrp.cpu', 'SELECT value FROM mydb.myrp.cpu'],
  ['  SELECT mean("usage_idle") FROM "telegraf"."autogen"."cpu"  ', 'SELECT mean(usage_idle) FROM telegraf.autogen.cpu'],
  // calls, arithmetic, aliases
  ['select percentile("x", 95) as p95, max(x) - min(x) AS "spread of x" from m', 'SELECT percentile(x, 95) AS p95, max(x) - min(x) AS "spread of x" FROM m'],
  ['SELECT (a + b) * 2 / c % 3 FROM m', 'SELECT (a + b) * 2 / c % 3 FROM m'],
  ['SELECT a + b * c - -d FROM m', 'SELECT a + b * c - -d FROM m'],
  ['SELECT -1.5 * x, - 7, -10s FROM m', 'SELECT -1.5 * x, -7, -10s FROM m'],
  ['SELECT a & b | c ^ d FROM m', 'SELECT a & b | c ^ d FROM m'],
  ['SELECT count(distinct(host)), DISTINCT region FROM m', 'SELECT count(distinct(host)), DISTINCT region FROM m'],
  ['SELECT top(value, host, 3), derivative(mean(v), 1s) FROM m', 'SELECT top(value, host, 3), derivative(mean(v), 1s) FROM m'],
  // wildcards and regex field selectors
  ['SELECT * FROM m', 'SELECT * FROM m'],
  ['SELECT *::field, *::tag FROM m', 'SELECT *::field, *::tag FROM m'],
  ['SELECT mean(*), count(/^usage_/) FROM m', 'SELECT mean(*), count(/^usage_/) FROM m'],
  ['SELECT /^usage/ FROM m', 'SELECT /^usage/ FROM m'],
  // identifiers: keywords and odd names are quoted, plain names are not
  ['SELECT "select", "from x", "a\\"b", "back\\\\slash", "_ok", "Key" FROM "m"', 'SELECT "select", "from x", "a\\"b", "back\\\\slash", _ok, "Key" FROM m'],
  ['SELECT "usage"::float, host::tag, n::integer FROM m', 'SELECT usage::float, host::tag, n::integer FROM m'],
  ['SELECT fill, tz, "time" FROM m', 'SELECT fill, tz, time FROM m'],
  // sources
  ["SELECT max(m) FROM ( SELECT mean(v) AS m FROM a, (SELECT v FROM b WHERE x = 1) GROUP BY time(1m), host ), c WHERE host = 'x'",
    "SELECT max(m) FROM (SELECT mean(v) AS m FROM a, (SELECT v FROM b WHERE x = 1) GROUP BY time(1m), host), c WHERE host = 'x'"],
  ['SELECT v FROM db..m', 'SELECT v FROM db..m'],
  ['SELECT v FROM rp.m', 'SELECT v FROM rp.m'],
  ['SELECT v FROM "my db"."my rp"."my m"', 'SELECT v FROM "my db"."my rp"."my m"'],
  ['SELECT v FROM /^cpu.*/, mem, telegraf.autogen./disk\\/io/', 'SELECT v FROM /^cpu.*/, mem, telegraf.autogen./disk\\/io/'],
  ['SELECT v INTO other.autogen.m2 FROM m', 'SELECT v INTO other.autogen.m2 FROM m'],
  // WHERE: every comparison, regexes, literals, casts
  ["SELECT v FROM m WHERE a = 1 AND b != 2 AND c <> 3 AND d < 4 AND e <= 5.5 AND f > -6 AND g >= 7",
    "SELECT v FROM m WHERE a = 1 AND b != 2 AND c <> 3 AND d < 4 AND e <= 5.5 AND f > -6 AND g >= 7"],
  ["SELECT v FROM m WHERE host =~ /^web[0-9]+$/ OR host !~ /a\\/b/", "SELECT v FROM m WHERE host =~ /^web[0-9]+$/ OR host !~ /a\\/b/"],
  ["SELECT v FROM m WHERE s = 'it\\'s' AND t = 'back\\\\slash' AND u = 'line\\nbreak' AND q = 'say \\\"hi\\\"'",
    "SELECT v FROM m WHERE s = 'it\\'s' AND t = 'back\\\\slash' AND u = 'line\\nbreak' AND q = 'say \"hi\"'"],
  ['SELECT v FROM m WHERE ok = true OR ok = FALSE', 'SELECT v FROM m WHERE ok = true OR ok = false'],
  ["SELECT v FROM m WHERE \"host\"::tag = 'a' AND v::field > 0", "SELECT v FROM m WHERE host::tag = 'a' AND v::field > 0"],
  ['SELECT v FROM m WHERE ((a = 1))', 'SELECT v FROM m WHERE ((a = 1))'],
  ['SELECT v FROM m WHERE x > 0.000001 AND y < 12345678901234567890.0', 'SELECT v FROM m WHERE x > 0.000001 AND y < 12345678901234567000.0'],
  ['SELECT v FROM m WHERE x = .5', 'SELECT v FROM m WHERE x = 0.5'],
  // GROUP BY, fill, ORDER BY, limits, tz (clauses keep influxql's order)
  ['SELECT mean(v) FROM m GROUP BY host, "region name", /^dc/, *', 'SELECT mean(v) FROM m GROUP BY host, "region name", /^dc/, *'],
  ['SELECT mean(v) FROM m GROUP BY time(10s, -2s) fill(previous)', 'SELECT mean(v) FROM m GROUP BY time(10s, -2s) fill(previous)'],
  ['SELECT mean(v) FROM m GROUP BY time(1m) FILL(-1.5)', 'SELECT mean(v) FROM m GROUP BY time(1m) fill(-1.5)'],
  ['SELECT mean(v) FROM m GROUP BY time(1h) fill(0) ORDER BY time DESC LIMIT 10 OFFSET 2 SLIMIT 3 SOFFSET 4 tz(\'Europe/Paris\')',
    "SELECT mean(v) FROM m GROUP BY time(1h) fill(0) ORDER BY time DESC LIMIT 10 OFFSET 2 SLIMIT 3 SOFFSET 4 tz('Europe/Paris')"],
  ['SELECT v FROM m ORDER BY time asc', 'SELECT v FROM m ORDER BY time ASC'],
  ['SELECT v FROM m fill(none)', 'SELECT v FROM m fill(none)'],
  // comments, case, whitespace, one trailing semicolon
  ['select v -- the value\nfrom /* a block\ncomment */ m where host=\'a\';', "SELECT v FROM m WHERE host = 'a'"],
  ['SELECT\tv\r\nFROM\nm', 'SELECT v FROM m'],
  ['SELECT*FROM m', 'SELECT * FROM m'],
  // times a user may write outside batch queries (the batch check refuses them, not the parser)
  ["SELECT v FROM m WHERE time > now() - 1h AND time <= '2024-01-01T00:00:00Z'", "SELECT v FROM m WHERE time > now() - 1h AND time <= '2024-01-01T00:00:00Z'"],
  ['SELECT v FROM m WHERE time >= 1500ms AND time < 2w + 3d + 4u + 5ns + 6µ', 'SELECT v FROM m WHERE time >= 1500ms AND time < 2w + 3d + 4u + 5ns + 6u'],
]

t.test('queries parse and print back in canonical form', async (t) => {
  for (const [q, exp] of CANONICAL) t.equal(formatSelect(parse(q)), exp, q)
})

t.test('the AST: precedence, literals and sources', async (t) => {
  const s = parse("SELECT mean(\"usage_idle\") AS idle FROM \"telegraf\".\"autogen\".\"cpu\", db..mem, /^disk/ WHERE a = 1 OR b = 2 AND c =~ /x/ GROUP BY time(10s, 1s), host")
  t.same(s.fields.map((f) => f.alias), ['idle'])
  const call = s.fields[0]!.expr as Call
  t.equal(call.name, 'mean')
  t.equal((call.args[0] as VarRef).name, 'usage_idle')
  const src = s.sources.map((m: Measurement) => [m.database, m.retentionPolicy, m.name, m.regex?.source])
  t.same(src, [['telegraf', 'autogen', 'cpu', undefined], ['db', undefined, 'mem', undefined], [undefined, undefined, undefined, '^disk']])
  // AND binds tighter than OR
  const where = s.where as Binary
  t.equal(where.op, 'OR')
  t.equal((where.right as Binary).op, 'AND')
  const time = s.groupBy[0] as Call
  t.equal(time.name, 'time')
  t.same(time.args.map((a) => (a.kind === 'Duration' ? a.ns : null)), [10_000_000_000n, 1_000_000_000n])
  // integers stay exact, floats are floats
  const lits = parse('SELECT v FROM m WHERE a = 9223372036854775807 AND b = 1.0')
  const w = lits.where as Binary
  t.same(((w.left as Binary).right), { kind: 'Integer', value: 9223372036854775807n, loc: ((w.left as Binary).right).loc })
  t.equal(((w.right as Binary).right).kind, 'Number')
})

t.test('AST nodes carry their source location', async (t) => {
  const s = parse("SELECT mean(v)\n  FROM cpu\n  WHERE host = 'a'\n  GROUP BY region")
  const where = s.where as Binary
  t.same(where.loc?.start, { offset: 34, line: 3, column: 9 })
  t.same((where.left as VarRef).loc?.start, { offset: 34, line: 3, column: 9 })
  t.same(where.right.loc?.end, { offset: 44, line: 3, column: 19 })
  t.same(s.sources[0]!.loc?.start, { offset: 22, line: 2, column: 8 })
  t.same(s.groupBy[0]!.loc?.start, { offset: 56, line: 4, column: 12 })
  t.same(s.fields[0]!.loc?.start, { offset: 7, line: 1, column: 8 })
})

// [query, line, column, message (the part after `line L char C: `)]
const ERRORS: ReadonlyArray<readonly [string, number, number, string]> = [
  ['', 1, 1, 'unexpected end of input (expected "SELECT")'],
  ['SHOW DATABASES', 1, 1, 'the query is not a SELECT statement (it starts with SHOW)'],
  ['  \n  drop measurement cpu', 2, 3, 'the query is not a SELECT statement (it starts with DROP)'],
  ['SELECT v FROM m; SELECT w FROM n', 1, 18, 'the query must be a single SELECT statement, found a second statement'],
  ['SELECT v FROM m WHERE', 1, 22, 'unexpected end of input (expected an expression)'],
  ['SELECT FROM m', 1, 8, 'unexpected "FROM" (expected "*" or an expression)'],
  ['SELECT v m', 1, 10, 'unexpected "m" (expected "(", "AS", ",", "INTO", "FROM" or an operator)'],
  ['SELECT v FROM', 1, 14, 'unexpected end of input (expected "(", an identifier or a regex)'],
  ['SELECT v FROM m WHERE a = 1 AND (b = 2', 1, 39, 'unexpected end of input (expected ")" or an operator)'],
  ["SELECT v FROM m WHERE a = 'open", 1, 27, 'unterminated string'],
  ["SELECT v FROM m WHERE a = 'a\\qb'", 1, 29, "bad escape \\q in a string (only \\\\, \\', \\\" and \\n are allowed)"],
  ['SELECT "open FROM m', 1, 8, 'unterminated quoted identifier'],
  ['SELECT v FROM (SELECT w FROM)', 1, 29, 'unexpected ")" (expected "(", an identifier or a regex)'],
  ["SELECT v FROM m WHERE NOT host = 'a'", 1, 23, 'InfluxQL has no NOT operator (negate the comparison instead: != or !~)'],
  ['SELECT v FROM m ORDER BY host', 1, 26, 'only ORDER BY time is supported'],
  ['SELECT v FROM m LIMIT 99999999999999999999', 1, 23, 'integer 99999999999999999999 out of range'],
  ['SELECT v FROM m WHERE a = 1 GROUP', 1, 34, 'unexpected end of input (expected "BY")'],
  ['SELECT v FROM m GROUP BY time(10s) fill(sometimes)', 1, 41, 'unexpected "sometimes" (expected "NULL", "NONE", "PREVIOUS", "LINEAR", "-" or a number)'],
  ['SELECT v FROM m WHERE a = 1 LIMT 5', 1, 29, 'unexpected "LIMT" (expected "GROUP", fill(…), "ORDER", "LIMIT", "OFFSET", "SLIMIT", "SOFFSET", tz(…), ";" or an operator)'],
  ["SELECT v FROM m WHERE host == 'a'", 1, 28, 'InfluxQL compares with = (not ==)'],
  ['SELECT v FROM m tz(UTC)', 1, 20, 'unexpected "UTC" (expected a string)'],
  ['SELECT v FROM select', 1, 15, 'unexpected "select" (expected "(", an identifier or a regex)'],
]

t.test('syntax errors are located, with what was expected', async (t) => {
  for (const [q, line, column, message] of ERRORS) {
    const e = t.throws(() => parseInfluxQL(q), InfluxQLError, JSON.stringify(q)) as unknown as InfluxQLError
    if (!(e instanceof InfluxQLError)) continue
    t.equal(e.message, `line ${line} char ${column}: ${message}`, JSON.stringify(q))
    t.equal(e.line, line)
    t.equal(e.column, column)
  }
})

t.test('a query nested too deeply for the parser is a located error, not a crash', async (t) => {
  const deep = 'SELECT v FROM m WHERE ' + '('.repeat(20_000) + 'a = 1' + ')'.repeat(20_000)
  t.throws(() => parseInfluxQL(deep), { name: 'InfluxQLError', line: 1, column: 1, message: 'line 1 char 1: the query is nested too deeply to parse' })
  // an ordinary depth is fine
  t.ok(parseInfluxQL('SELECT v FROM m WHERE ' + '('.repeat(50) + 'a = 1' + ')'.repeat(50)))
})

t.test('durations print with the largest exact unit', async (t) => {
  const cases: ReadonlyArray<readonly [bigint, string]> = [
    [0n, '0s'], [1n, '1ns'], [1_000n, '1u'], [1_500n, '1500ns'], [1_000_000n, '1ms'], [1_500_000_000n, '1500ms'],
    [10_000_000_000n, '10s'], [60_000_000_000n, '1m'], [90_000_000_000n, '90s'], [3_600_000_000_000n, '1h'],
    [86_400_000_000_000n, '1d'], [604_800_000_000_000n, '1w'], [-300_000_000_000n, '-5m'], [2n * 86_400_000_000_000n + 3_600_000_000_000n, '49h'],
  ]
  for (const [ns, exp] of cases) t.equal(formatDuration(ns), exp, String(ns))
})

t.test('floats print as InfluxQL float literals (a point, never an exponent)', async (t) => {
  const cases: ReadonlyArray<readonly [number, string]> = [
    [1, '1.0'], [0.5, '0.5'], [-2.25, '-2.25'], [1e21, '1000000000000000000000.0'], [1.5e-7, '0.00000015'], [123.456e5, '12345600.0'], [-0, '-0.0'],
  ]
  for (const [v, exp] of cases) t.equal(formatFloat(v), exp, String(v))
  for (const [v] of cases) {
    const back = parseInfluxQL(`SELECT v FROM m WHERE x = ${formatFloat(v)}`).where as Binary
    t.ok(back.right.kind === 'Number' && Object.is(back.right.value, v), `${v} reads back`)
  }
})

t.test('names are quoted only when they must be', async (t) => {
  t.equal(quoteIdent('cpu'), 'cpu')
  t.equal(quoteIdent('usage_idle'), 'usage_idle')
  t.equal(quoteIdent('from'), '"from"')
  t.equal(quoteIdent('FROM'), '"FROM"')
  t.equal(quoteIdent('1m'), '"1m"')
  t.equal(quoteIdent('a-b'), '"a-b"')
  t.equal(quoteIdent('ünï'), '"ünï"')
  t.equal(quoteIdent('say "x"\n'), '"say \\"x\\"\\n"')
  t.equal(quoteIdent(''), '""')
})

// A random expression tree as a program would build it (no Paren nodes): the printer must
// add exactly the parentheses that make the text parse back to the same tree.
const OPS: readonly BinaryOp[] = ['OR', 'AND', '=', '!=', '<', '>=', '=~', '+', '-', '|', '*', '/', '%', '&']
function randomExpr(rnd: () => number, depth: number): Expr {
  const r = rnd()
  if (depth <= 0 || r < 0.25) {
    const leaf = Math.floor(rnd() * 7)
    switch (leaf) {
      case 0: return { kind: 'VarRef', name: ['host', 'usage idle', 'select', 'v'][Math.floor(rnd() * 4)]! }
      case 1: return { kind: 'Integer', value: BigInt(Math.floor(rnd() * 2000) - 1000) }
      case 2: return { kind: 'Number', value: (Math.floor(rnd() * 2000) - 1000) / 8 }
      case 3: return { kind: 'String', value: ["a'b", 'c\\d', 'x\ny', ''][Math.floor(rnd() * 4)]! }
      case 4: return { kind: 'Duration', ns: BigInt(Math.floor(rnd() * 100) - 50) * 1_000_000_000n }
      case 5: return { kind: 'Regex', source: ['^a/b$', 'x.*', '\\d+'][Math.floor(rnd() * 3)]! }
      default: return { kind: 'Call', name: 'mean', args: [randomExpr(rnd, depth - 1)] }
    }
  }
  if (r < 0.35) return { kind: 'Unary', op: '-', operand: randomExpr(rnd, depth - 1) }
  return { kind: 'Binary', op: OPS[Math.floor(rnd() * OPS.length)]!, left: randomExpr(rnd, depth - 1), right: randomExpr(rnd, depth - 1) }
}

/** The tree without locations and the parentheses the printer added. */
function shape(e: Expr): unknown {
  switch (e.kind) {
    case 'Paren': return shape(e.expr)
    case 'Binary': return [e.op, shape(e.left), shape(e.right)]
    case 'Unary': {
      // `-5` reads back as the literal -5, `-(…)` as a negation
      const s = shape(e.operand) as { kind?: string; value?: number | bigint; ns?: bigint }
      if (s.kind === 'Integer') return { kind: 'Integer', value: -(s.value as bigint) }
      if (s.kind === 'Number') return { kind: 'Number', value: -(s.value as number) }
      if (s.kind === 'Duration') return { kind: 'Duration', ns: -s.ns! }
      return ['neg', s]
    }
    case 'Call': return [e.name, e.args.map(shape)]
    default: { const { loc: _loc, ...rest } = e as Expr & { loc?: unknown }; return rest }
  }
}

t.test('built expression trees print with the parentheses their structure needs (seeded random trees)', async (t) => {
  const seed = 20261125
  const rnd = seededRandom(seed)
  let failures = 0
  for (let i = 0; i < 500 && failures < 5; i++) {
    const e = randomExpr(rnd, 5)
    const text = formatExpr(e)
    const back = parseInfluxQL(`SELECT v FROM m WHERE ${text}`).where!
    if (JSON.stringify(shape(back), big) !== JSON.stringify(shape(e), big)) {
      failures++
      t.fail(`seed ${seed} tree ${i}: ${text}`, { found: JSON.stringify(shape(back), big), wanted: JSON.stringify(shape(e), big) })
    }
  }
  t.equal(failures, 0)
})

function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : v
}

// What influxd's own parser says about the same texts (its semantic errors, like an unknown
// database, do not matter here; "error parsing query" does).
t.test('influxd parses every canonical form; what we refuse as bad syntax it refuses too', async (t) => {
  const influx = await startInfluxd()
  t.teardown(() => influx.stop())
  await influx.createDatabase('db')
  const parseError = async (q: string): Promise<string | undefined> => {
    const r = await influx.queryRaw(q, { db: 'db' })
    const m = /"error":"(error parsing query[^"]*)"/.exec(r.text)
    return m?.[1]
  }
  for (const [, canonical] of CANONICAL) t.equal(await parseError(canonical), undefined, canonical)
  // refused here for a batch task's sake, valid InfluxQL for influxd
  const batchOnly = new Set([
    '', 'SHOW DATABASES', '  \n  drop measurement cpu', 'SELECT v FROM m; SELECT w FROM n',
    'SELECT v FROM m LIMIT 99999999999999999999',
  ])
  for (const [q] of ERRORS) {
    if (batchOnly.has(q)) continue
    t.match(await parseError(q), /^error parsing query/, JSON.stringify(q))
  }
})

t.test('the committed parser is the one scripts/build-grammar.js makes of influxql.peggy', async (t) => {
  // dist/test/query → the repository root
  const root = fileURLToPath(new URL('../../../', import.meta.url))
  const generated = peggy.generate(readFileSync(root + 'src/query/influxql.peggy', 'utf8'), {
    output: 'source', format: 'es', allowedStartRules: ['Query'], grammarSource: 'influxql.peggy',
  })
  t.ok(generated === readFileSync(root + 'src/query/influxql.generated.js', 'utf8'),
    'src/query/influxql.generated.js is stale: run `node scripts/build-grammar.js` and commit it')
})

// Runs last: every query parsed above (and its canonical text) is a fixed point of print∘parse.
t.test('printing is a fixed point: parse(print(ast)) prints the same', async (t) => {
  t.ok(parsed.length >= CANONICAL.length)
  for (const q of parsed) {
    const once = formatSelect(parseInfluxQL(q))
    const twice = formatSelect(parseInfluxQL(once))
    t.equal(twice, once, q)
  }
})
