/**
 * The line-protocol parser, table-driven. Every expectation below was checked against a
 * real influxd 1.6.7 (`POST /write`, then SHOW SERIES / SHOW FIELD KEYS / SELECT with
 * epoch=ns) unless its comment says it is one of our documented decisions. Each case runs
 * through the default parser (fast path + exact path) and through the exact path alone,
 * and both must give the expected result; a seeded differential fuzz then checks that the
 * two paths agree on odd input, and the Telegraf payload checks the common case.
 */
import t from 'tap'
import { seededRandom } from '../fixtures/seeded-random.js'
import { genTelegraf } from '../fixtures/telegraf-payload.js'
import type { FieldValue, Point } from '../../src/model/point.js'
import type { Precision } from '../../src/model/time.js'
import { LineProtocolParser, formatLineError, parseLineProtocol, type ParseResult } from '../../src/ingest/line-protocol-parser.js'
import { encodePoints } from '../../src/ingest/line-protocol-encoder.js'

const NOW = 1_795_616_086_035_201_172n

interface Expected {
  name: string
  tags?: Record<string, string>
  fields: Record<string, FieldValue>
  /** undefined: the request's time (NOW truncated to the precision). */
  time?: bigint
}

interface Case {
  name: string
  body: string | Buffer
  precision?: Precision
  points?: Expected[]
  /** [line, text, reason] */
  errors?: [number, string, string][]
}

const I64_MAX = 9223372036854775807n
const I64_MIN = -9223372036854775808n
const F309 = '179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368'

const CASES: Case[] = [
  // --- the usual
  { name: 'all four types, tags sorted', body: 'm,b=2,a=1 x=1,y=2i,z="s",w=t 1000', points: [{ name: 'm', tags: { a: '1', b: '2' }, fields: { x: 1, y: 2n, z: 's', w: true }, time: 1000n }] },
  { name: 'no timestamp: the request time, for every line', body: 'm,a=1 b=1\nm,a=1 b=2', points: [{ name: 'm', tags: { a: '1' }, fields: { b: 1 } }, { name: 'm', tags: { a: '1' }, fields: { b: 2 } }] },
  { name: 'blank lines, comments, leading whitespace', body: 'm a=1 1\nm b=2 2\n\n# x\n   \n  m c=3 3\n\t m d=4 4\n', points: [
    { name: 'm', fields: { a: 1 }, time: 1n }, { name: 'm', fields: { b: 2 }, time: 2n }, { name: 'm', fields: { c: 3 }, time: 3n }, { name: 'm', fields: { d: 4 }, time: 4n }] },
  { name: 'extra spaces before fields and around the timestamp', body: 'm  a=1  6  ', points: [{ name: 'm', fields: { a: 1 }, time: 6n }] },
  { name: 'duplicate field: the last wins', body: 'm a=1,a=2 8', points: [{ name: 'm', fields: { a: 2 }, time: 8n }] },
  { name: 'only blank lines and comments', body: '\n\n# a\n#b="c\n', points: [] },
  { name: 'empty body', body: '', points: [] },
  { name: 'every line followed by a blank line (influx -import)', body: 'm a=1 1\n\nm a=2 2\n\n', points: [{ name: 'm', fields: { a: 1 }, time: 1n }, { name: 'm', fields: { a: 2 }, time: 2n }] },

  // --- floats
  { name: 'float forms', body: 'm a=.5,b=-.5,c=1.e5,d=1E-7,e=1e3,f=-0,g=1.,h=1E+3,i=0.000001', points: [{ name: 'm', fields: { a: 0.5, b: -0.5, c: 100000, d: 1e-7, e: 1000, f: -0, g: 1, h: 1000, i: 0.000001 } }] },
  { name: 'float underflow is 0', body: 'm a=1e-400', points: [{ name: 'm', fields: { a: 0 } }] },
  { name: '309-digit Go "f" float (Telegraf)', body: `m a=${F309} 1`, points: [{ name: 'm', fields: { a: 1.7976931348623157e308 }, time: 1n }] },
  { name: 'a long float past 2^53, exact', body: 'm a=97.23618090452261,b=0.1,c=123456789012345678901234 1', points: [{ name: 'm', fields: { a: 97.23618090452261, b: 0.1, c: 1.2345678901234568e23 }, time: 1n }] },
  { name: '310 digits overflow', body: `m a=1${F309} 1`, errors: [[1, `m a=1${F309} 1`, 'invalid float']] },
  { name: 'exponent overflow', body: 'm a=1e400', errors: [[1, 'm a=1e400', 'invalid float']] },
  { name: 'mantissa without digits', body: 'm a=.e5', errors: [[1, 'm a=.e5', 'invalid float']] },
  { name: 'exponent without digits', body: 'm a=1e', errors: [[1, 'm a=1e', 'invalid float']] },
  { name: 'two exponents', body: 'm a=1e5e5', errors: [[1, 'm a=1e5e5', 'invalid float']] },
  { name: 'leading plus is not a number', body: 'm a=+1', errors: [[1, 'm a=+1', 'invalid boolean']] },
  { name: 'lone minus', body: 'm a=-', errors: [[1, 'm a=-', 'invalid number']] },
  { name: 'lone dot', body: 'm a=.', errors: [[1, 'm a=.', 'invalid number']] },
  { name: 'NaN', body: 'm a=NaN', errors: [[1, 'm a=NaN', 'invalid number']] },
  { name: 'nan', body: 'm a=nan', errors: [[1, 'm a=nan', 'invalid number']] },

  // --- integers
  { name: 'int64 range, exact', body: `m a=${I64_MAX}i,b=${I64_MIN}i,c=-0i,d=00000000000000000000001i`, points: [{ name: 'm', fields: { a: I64_MAX, b: I64_MIN, c: 0n, d: 1n } }] },
  { name: 'int above int64', body: 'm a=9223372036854775808i', errors: [[1, 'm a=9223372036854775808i', 'unable to parse integer 9223372036854775808: strconv.ParseInt: parsing "9223372036854775808": value out of range']] },
  { name: 'int below int64', body: 'm a=-9223372036854775809i', errors: [[1, 'm a=-9223372036854775809i', 'unable to parse integer -9223372036854775809: strconv.ParseInt: parsing "-9223372036854775809": value out of range']] },
  { name: 'i in the middle', body: 'm a=1i2', errors: [[1, 'm a=1i2', 'invalid number']] },
  { name: 'unsigned is not enabled in 1.6.7', body: 'm a=1u', errors: [[1, 'm a=1u', 'invalid number']] },

  // --- booleans
  { name: 'boolean spellings', body: 'm a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE 1', points: [{ name: 'm', fields: { a: true, b: true, c: true, d: true, e: true, f: false, g: false, h: false, i: false, j: false }, time: 1n }] },
  { name: 'bad boolean spelling', body: 'm a=tRUE', errors: [[1, 'm a=tRUE', 'invalid boolean']] },

  // --- strings
  { name: 'escaped quote', body: 'm a="x\\"y"', points: [{ name: 'm', fields: { a: 'x"y' } }] },
  { name: 'escaped backslash at the end', body: 'm a="x\\\\" 1', points: [{ name: 'm', fields: { a: 'x\\' }, time: 1n }] },
  { name: 'other backslashes stay', body: 'm a="a\\nb"', points: [{ name: 'm', fields: { a: 'a\\nb' } }] },
  { name: 'space, comma and = inside a string', body: 'm a="x y,z=w",b=1 1', points: [{ name: 'm', fields: { a: 'x y,z=w', b: 1 }, time: 1n }] },
  { name: 'two quoted runs make one string', body: 'm a="x""y"', points: [{ name: 'm', fields: { a: 'x""y' } }] },
  { name: 'text after the closing quote belongs to the string', body: 'm a="x"\\,,b=2', points: [{ name: 'm', fields: { a: 'x"', ',b': 2 } }] },
  { name: 'newline inside a string', body: 'm a="x\ny" 1\nm b=1 2', points: [{ name: 'm', fields: { a: 'x\ny' }, time: 1n }, { name: 'm', fields: { b: 1 }, time: 2n }] },
  { name: 'an unclosed quote swallows the following lines', body: 'm a="x\nm b=1\n', errors: [[1, 'm a="x\nm b=1', 'unbalanced quotes']] },
  { name: 'UTF-8 in names, tags and strings', body: 'mé,tä=vö fü="😀" 1', points: [{ name: 'mé', tags: { tä: 'vö' }, fields: { fü: '😀' }, time: 1n }] },

  // --- escapes (influxd unescapes each part with its own set)
  { name: 'escaped spaces', body: 'm\\ x,t\\ k=v\\ w a=1', points: [{ name: 'm x', tags: { 't k': 'v w' }, fields: { a: 1 } }] },
  { name: 'a backslash before an ordinary byte stays', body: 'm\\a,t\\k=v\\x f\\g=1', points: [{ name: 'm\\a', tags: { 't\\k': 'v\\x' }, fields: { 'f\\g': 1 } }] },
  { name: 'escaped comma and equals', body: 'm\\,x,t\\==\\= a\\=b=1,c\\,d=2,e\\ f=3', points: [{ name: 'm,x', tags: { 't=': '=' }, fields: { 'a=b': 1, 'c,d': 2, 'e f': 3 } }] },
  { name: '\\" is unescaped in names and field keys, not in tags', body: 'm\\=x,t\\"=v\\" a\\"b=1', points: [{ name: 'm=x', tags: { 't\\"': 'v\\"' }, fields: { 'a"b': 1 } }] },
  { name: 'bare quotes in names, tags and field keys', body: 'm\\"x,t"=v" "a=1', points: [{ name: 'm"x', tags: { 't"': 'v"' }, fields: { '"a': 1 } }] },
  { name: 'a quote may start the measurement', body: '"m a=1', points: [{ name: '"m', fields: { a: 1 } }] },
  { name: 'a tag value may start with =', body: 'm,t==x a=1', points: [{ name: 'm', tags: { t: '=x' }, fields: { a: 1 } }] },
  { name: 'disk path with an escaped space (Telegraf)', body: 'disk,device=sdc1,path=/media/usb\\ drive used=1i 1', points: [{ name: 'disk', tags: { device: 'sdc1', path: '/media/usb drive' }, fields: { used: 1n }, time: 1n }] },
  // influxd's point.Name() is `m\,t=1` (its storage then files the series under another name).
  { name: 'double backslash before a comma: one measurement', body: 'm\\\\,t=1 a=1', points: [{ name: 'm\\,t=1', fields: { a: 1 } }] },
  { name: 'double backslash before a space: escaped space', body: 'm\\\\ a=1', errors: [[1, 'm\\\\ a=1', 'missing fields']] },
  { name: 'double backslash in a tag value', body: 'm,t=a\\\\ b=1', errors: [[1, 'm,t=a\\\\ b=1', 'invalid tag format']] },
  { name: 'field key ending in \\\\ swallows the rest', body: 'm a\\\\=1,b=2', points: [{ name: 'm', fields: { 'a\\=1,b': 2 } }] },
  { name: 'field key \\\\= with nothing after', body: 'm a\\\\=1', errors: [[1, 'm a\\\\=1', 'invalid value: field-key=a\\\\=1']] },
  { name: 'escaped = in a field key needs another =', body: 'm a\\=1', errors: [[1, 'm a\\=1', 'invalid field format']] },
  { name: 'UTF-8 BOM is part of the measurement', body: '\ufeffcpu v=1 1', points: [{ name: '\ufeffcpu', fields: { v: 1 }, time: 1n }] },

  // --- whitespace corners
  { name: 'a tab after the space: a field with an empty key', body: 'm \t=1,b=2', points: [{ name: 'm', fields: { '': 1, b: 2 } }] },
  { name: 'CRLF: the \\r stays in the line', body: 'm a=1\r\n', errors: [[1, 'm a=1\r', 'invalid number']] },
  { name: 'CRLF after a timestamp', body: 'm a=1 1\r\nm b=1 2\r\n', errors: [[1, 'm a=1 1\r', 'bad timestamp'], [2, 'm b=1 2\r', 'bad timestamp']] },

  // --- structure errors
  { name: 'measurement only', body: 'm', errors: [[1, 'm', 'missing fields']] },
  { name: 'measurement and a space', body: 'm ', errors: [[1, 'm ', 'invalid field format']] },
  { name: 'tags and a space', body: 'm,t=1 ', errors: [[1, 'm,t=1 ', 'invalid field format']] },
  { name: 'tags only', body: 'm,t=1', errors: [[1, 'm,t=1', 'missing fields']] },
  { name: 'trailing comma', body: 'm,', errors: [[1, 'm,', 'missing tag key']] },
  { name: 'comma then space', body: 'm, a=1', errors: [[1, 'm, a=1', 'missing tag key']] },
  { name: 'leading comma', body: ',m a=1', errors: [[1, ',m a=1', 'missing measurement']] },
  { name: 'empty tag value', body: 'm,t= a=1', errors: [[1, 'm,t= a=1', 'missing tag value']] },
  { name: 'empty tag key', body: 'm,=1 a=1', errors: [[1, 'm,=1 a=1', 'missing tag key']] },
  { name: 'unescaped = in a tag value', body: 'm,t=a=b a=1', errors: [[1, 'm,t=a=b a=1', 'invalid tag format']] },
  { name: 'duplicate tags (sorted)', body: 'm,a=1,a=2 a=1', errors: [[1, 'm,a=1,a=2 a=1', 'duplicate tags']] },
  { name: 'duplicate tags (unsorted)', body: 'm,b=1,a=2,b=3 a=1', errors: [[1, 'm,b=1,a=2,b=3 a=1', 'duplicate tags']] },
  { name: 'field without value', body: 'm a', errors: [[1, 'm a', 'invalid field format']] },
  { name: 'field with empty value', body: 'm a=', errors: [[1, 'm a=', 'missing field value']] },
  { name: 'trailing comma in fields', body: 'm a=1,', errors: [[1, 'm a=1,', 'invalid field format']] },
  { name: 'double comma in fields', body: 'm a=1,,b=1', errors: [[1, 'm a=1,,b=1', 'invalid field format']] },
  { name: 'comma starting the fields', body: 'm ,a=1', errors: [[1, 'm ,a=1', 'invalid field format']] },
  { name: 'missing field key', body: 'm =1', errors: [[1, 'm =1', 'missing field key']] },
  { name: 'missing second field key', body: 'm a=1,=2', errors: [[1, 'm a=1,=2', 'missing field key']] },
  { name: 'text after the string', body: 'm a="x"y,,b=2', errors: [[1, 'm a="x"y,,b=2', 'invalid field format']] },

  // --- timestamps
  { name: 'text after the timestamp', body: 'm a=1 7 x', errors: [[1, 'm a=1 7 x', 'point is invalid']] },
  { name: 'lone minus timestamp', body: 'm a=1 -', errors: [[1, 'm a=1 -', 'strconv.ParseInt: parsing "-": invalid syntax']] },
  { name: 'plus timestamp', body: 'm a=1 +5', errors: [[1, 'm a=1 +5', 'bad timestamp']] },
  { name: 'fractional timestamp', body: 'm a=1 1.5', errors: [[1, 'm a=1 1.5', 'bad timestamp']] },
  { name: 'timestamp above int64', body: 'm a=1 9223372036854775808', errors: [[1, 'm a=1 9223372036854775808', 'strconv.ParseInt: parsing "9223372036854775808": value out of range']] },
  { name: 'int64 max is reserved', body: 'm a=1 9223372036854775807', errors: [[1, 'm a=1 9223372036854775807', 'time outside range -9223372036854775806 - 9223372036854775806']] },
  { name: 'int64 min is reserved', body: 'm a=1 -9223372036854775808', errors: [[1, 'm a=1 -9223372036854775808', 'time outside range -9223372036854775806 - 9223372036854775806']] },
  { name: 'the extremes allowed', body: 'm a=1 9223372036854775806\nm a=2 -9223372036854775806', points: [{ name: 'm', fields: { a: 1 }, time: 9223372036854775806n }, { name: 'm', fields: { a: 2 }, time: -9223372036854775806n }] },
  { name: 'negative timestamp', body: 'm a=1 -1', points: [{ name: 'm', fields: { a: 1 }, time: -1n }] },
  { name: 'precision s', precision: 's', body: 'm a=1 9223372036\nm a=1 -9223372036\nm a=1 9223372037', points: [{ name: 'm', fields: { a: 1 }, time: 9223372036000000000n }, { name: 'm', fields: { a: 1 }, time: -9223372036000000000n }], errors: [[3, 'm a=1 9223372037', 'time outside range -9223372036854775806 - 9223372036854775806']] },
  { name: 'precision h', precision: 'h', body: 'm a=1 2562047\nm a=1 2562048', points: [{ name: 'm', fields: { a: 1 }, time: 9223369200000000000n }], errors: [[2, 'm a=1 2562048', 'time outside range -9223372036854775806 - 9223372036854775806']] },
  { name: 'precision ms', precision: 'ms', body: 'm a=1 1700000000123', points: [{ name: 'm', fields: { a: 1 }, time: 1700000000123000000n }] },
  { name: 'precision u', precision: 'u', body: 'm a=1 1700000000123456', points: [{ name: 'm', fields: { a: 1 }, time: 1700000000123456000n }] },
  { name: 'precision m, no timestamp: truncated now', precision: 'm', body: 'm a=1', points: [{ name: 'm', fields: { a: 1 } }] },

  // --- partial writes and line numbers
  { name: 'good and bad lines, in order', body: 'm a=1 1\nm a 2\n\nm b=1 3\nm c=x 4\n', points: [{ name: 'm', fields: { a: 1 }, time: 1n }, { name: 'm', fields: { b: 1 }, time: 3n }], errors: [[2, 'm a 2', 'invalid field format'], [5, 'm c=x 4', 'invalid boolean']] },
  { name: 'line numbers count newlines inside strings', body: 'm a="1\n2\n3" 1\nm b 2', points: [{ name: 'm', fields: { a: '1\n2\n3' }, time: 1n }], errors: [[4, 'm b 2', 'invalid field format']] },
  { name: 'the echoed line starts after leading whitespace', body: '\t  m b 2', errors: [[1, 'm b 2', 'invalid field format']] },

  // --- key length
  { name: 'key of 65535 bytes plus field key is too long', body: `m,t=${'x'.repeat(65531)} a=1 1`, errors: [[1, `m,t=${'x'.repeat(65531)} a=1 1`, 'max key length exceeded: 65540 > 65535']] },
  { name: 'key of 65536 bytes', body: `m,t=${'x'.repeat(65532)} a=1 1`, errors: [[1, `m,t=${'x'.repeat(65532)} a=1 1`, 'max key length exceeded: 65536 > 65535']] },
  { name: 'key + 4 + field key = 65535 is fine', body: `m,t=${'x'.repeat(65526)} a=1 1`, points: [{ name: 'm', tags: { t: 'x'.repeat(65526) }, fields: { a: 1 }, time: 1n }] },

  // --- our decisions (influxd has no usable answer; see line-protocol-parser.ts)
  { name: 'decision: invalid UTF-8 in a string field is refused', body: Buffer.from('m s="a\xffb" 1', 'latin1'), errors: [[1, 'm s="a\ufffdb" 1', 'invalid UTF-8 in string field value']] },
  { name: 'decision: invalid UTF-8 in a measurement is refused (influxd: 500)', body: Buffer.from('\xffm a=1', 'latin1'), errors: [[1, '\ufffdm a=1', 'invalid UTF-8 in measurement']] },
  { name: 'decision: invalid UTF-8 in a tag value is refused', body: Buffer.from('m,t=\xe2\x82 a=1', 'latin1'), errors: [[1, 'm,t=\ufffd\ufffd a=1', 'invalid UTF-8 in tag value']] },
  { name: 'decision: invalid UTF-8 in a field key is refused (influxd: 500)', body: Buffer.from('m \xff=1', 'latin1'), errors: [[1, 'm \ufffd=1', 'invalid UTF-8 in field key']] },
  { name: 'decision: a value influxd scans but its storage cannot read (influxd: 500)', body: 'm a\\\\="x=y"', errors: [[1, 'm a\\\\="x=y"', 'unable to parse bool value "y\\"": strconv.ParseBool: parsing "y\\"": invalid syntax']] },
  { name: '__proto__ is an ordinary key', body: 'm,__proto__=x __proto__=1 1', points: [{ name: 'm', tags: { ['__proto__']: 'x' }, fields: { ['__proto__']: 1 }, time: 1n }] },
]

function own(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
  return o
}

function showValue(v: FieldValue): string {
  switch (typeof v) {
    case 'bigint': return `${v}i`
    case 'number': return Object.is(v, -0) ? '-0' : `${v}f`
    case 'string': return JSON.stringify(v)
    default: return String(v)
  }
}

/** A comparable text of points (field types and -0 included; tags and fields sorted). */
function showPoints(points: readonly { name: string; tags: Readonly<Record<string, string>>; fields: Readonly<Record<string, FieldValue>>; time: bigint }[]): string[] {
  return points.map((p) => {
    const tags = Object.keys(p.tags).sort().map((k) => `${JSON.stringify(k)}=${JSON.stringify(p.tags[k])}`).join(',')
    const fields = Object.keys(p.fields).sort().map((k) => `${JSON.stringify(k)}=${showValue(p.fields[k]!)}`).join(',')
    return `${JSON.stringify(p.name)} [${tags}] {${fields}} @${p.time}`
  })
}

function truncated(precision: Precision): bigint {
  const unit = { ns: 1n, u: 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n }[precision]
  return NOW - (NOW % unit)
}

const exactOnly = new LineProtocolParser({ fastPath: false })

t.test('cases confirmed against influxd 1.6.7', async (t) => {
  for (const c of CASES) {
    t.test(c.name, async (t) => {
      const precision = c.precision ?? 'ns'
      const body = typeof c.body === 'string' ? Buffer.from(c.body, 'utf8') : c.body
      const opts = { db: 'db', rp: 'rp', precision, now: NOW }
      const expectedPoints = (c.points ?? []).map((p) => ({
        name: p.name,
        tags: own(Object.entries(p.tags ?? {})) as Record<string, string>,
        fields: own(Object.entries(p.fields)) as Record<string, FieldValue>,
        time: p.time ?? truncated(precision),
      }))
      for (const [label, r] of [['default', parseLineProtocol(body, opts)], ['exact path', exactOnly.parse(body, opts)]] as const) {
        t.same(showPoints(r.points), showPoints(expectedPoints), `${label}: points`)
        t.same(r.errors.map((e) => [e.line, e.text, e.reason]), c.errors ?? [], `${label}: errors`)
        for (const p of r.points) {
          t.equal(p.db, 'db')
          t.equal(p.rp, 'rp')
        }
      }
    })
  }
})

t.test('formatLineError is influxd\'s entry', async (t) => {
  t.equal(formatLineError({ line: 3, text: "m a='x'", reason: 'invalid boolean' }), "unable to parse 'm a='x'': invalid boolean")
})

t.test('a Uint8Array body (not a Buffer) and one that is a view into a larger buffer', async (t) => {
  const whole = Buffer.from('xxxxm,t=a v=1i 5\nm v=2 6\nyyyy')
  const view = new Uint8Array(whole.buffer, whole.byteOffset + 4, whole.length - 8)
  const r = parseLineProtocol(view, { db: 'd', rp: 'r', precision: 'ns', now: NOW })
  t.same(showPoints(r.points), ['"m" ["t"="a"] {"v"=1i} @5', '"m" [] {"v"=2f} @6'])
  t.same(r.errors, [])
})

t.test('tags objects are frozen and shared by the points of one series', async (t) => {
  const r = parseLineProtocol(Buffer.from('cpu,host=a v=1 1\ncpu,host=a v=2 2\ncpu,host=b v=3 3\n'), { db: 'd', rp: 'r', precision: 'ns', now: NOW })
  t.equal(r.points[0]!.tags, r.points[1]!.tags)
  t.not(r.points[0]!.tags, r.points[2]!.tags)
  t.ok(Object.isFrozen(r.points[0]!.tags))
  t.same(Object.keys(r.points[0]!.tags), ['host'])
})

t.test('tags come in influxd\'s order (by escaped key bytes)', async (t) => {
  const r = parseLineProtocol(Buffer.from('m,z=1,b\\ c=2,a=3,B=4 v=1 1'), { db: 'd', rp: 'r', precision: 'ns', now: NOW })
  t.same(Object.keys(r.points[0]!.tags), ['B', 'a', 'b c', 'z'])
})

t.test('small caches still give the right answers', async (t) => {
  const tiny = new LineProtocolParser({ maxSeries: 3, maxFieldKeys: 3 })
  let body = ''
  for (let i = 0; i < 200; i++) body += `m,h=${i % 17} f${i % 7}=${i},g${i % 5}=${i}i ${i}\n`
  const opts = { db: 'd', rp: 'r', precision: 'ns' as const, now: NOW }
  for (let round = 0; round < 3; round++) {
    t.same(showPoints(tiny.parse(Buffer.from(body), opts).points), showPoints(exactOnly.parse(Buffer.from(body), opts).points))
  }
})

// ---------------------------------------------------------------------------------------
// The fast path must agree with the exact path on anything. Seeded random bodies made of
// the bytes that matter to the grammar, and of near-valid lines with one odd part.


const ATOMS = ['m', 'cpu', 'a', 't', 'f', 'T', 'F', 'true', 'false', '1', '0', '-', '.', 'e', 'E', '+', 'i', 'u', '"', '\\', ',', '=', ' ', ' ', '\n', '\t', '\0', '#', '9223372036854775807', '9223372036854775808', '1e400', 'x', 'é', '\xff', '\r', 'N', '1.5', '-2', '3i', '"s"', 'host=a', ',t=v', ' v=1', ' 1700000000000000000', '  ']
const MEASUREMENTS = ['m', 'cpu', 'm\\ x', 'm\\,y', 'm\\\\', '"m', 'm=x', 'm\\"', 'é', '\xffm', '#m']
const TAG_KEYS = ['a', 'b', 't', 't\\ k', 'k\\=', 'a\\,b', '\\"q', 'é', '__proto__', '=', '']
const TAG_VALUES = ['1', 'v', 'v\\ w', '=x', 'a\\,b', 'x\\\\', 'é', '\xff', '', 'a=b']
const FIELD_KEYS = ['a', 'b', 'v', 'f\\ g', 'x\\,y', 'k\\=z', '"q', '__proto__', 'é', '\xff', '', 'a\\\\', '\t']
const VALUES = ['1', '-1.5', '.5', '1.', '1e3', '1E-7', '-0', '3i', '-3i', '9223372036854775807i', '-9223372036854775808i', '9223372036854775808i',
  '123456789012345678i', '1234567890123456i', 't', 'T', 'true', 'True', 'TRUE', 'f', 'false', 'FALSE', 'tRue', '"str"', '"a b,c"', '"q\\"x"', '"b\\\\"', '"nl\nx"',
  '"é"', '"\xff"', '1e400', '1u', 'NaN', '12345678901234567890.5', '0.1234567890123456789', '1e-400', '"x"y', '', '"', '1.2.3', '1e+', '-.5e-3', '97.23618090452261']
const TIMESTAMPS = ['1700000000000000000', '1700000000000000001', '-1', '0', '9223372036854775806', '9223372036854775807', '-9223372036854775806', '123', '1700000000',
  'x', '12 ', '12  ', '5 x', '-', '00000000000000000000012', '1.5', '']

function fuzzBody(r: () => number): { body: Buffer; precision: Precision } {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!
  const lines: string[] = []
  const n = 1 + Math.floor(r() * 4)
  for (let k = 0; k < n; k++) {
    if (r() < 0.4) {
      let s = ''
      const m = Math.floor(r() * 12)
      for (let j = 0; j < m; j++) s += pick(ATOMS)
      lines.push(s)
      continue
    }
    let line = pick(MEASUREMENTS)
    const nt = Math.floor(r() * 3)
    for (let j = 0; j < nt; j++) line += `,${pick(TAG_KEYS)}=${pick(TAG_VALUES)}`
    line += r() < 0.9 ? ' ' : pick([' \t', '  ', '\t'])
    const nf = 1 + Math.floor(r() * 3)
    for (let j = 0; j < nf; j++) line += `${j ? ',' : ''}${pick(FIELD_KEYS)}=${pick(VALUES)}`
    if (r() < 0.7) line += ` ${pick(TIMESTAMPS)}`
    lines.push(line)
  }
  const text = lines.join(pick(['\n', '\n', '\n\n', '\r\n'])) + pick(['', '\n'])
  return { body: Buffer.from(text, r() < 0.5 ? 'latin1' : 'utf8'), precision: pick(['ns', 'ns', 's', 'ms', 'u', 'h', 'm'] as const) }
}

function show(r: ParseResult): string {
  return JSON.stringify({
    points: r.points.map((p) => ({ ...p, tagOrder: Object.keys(p.tags), fieldOrder: Object.keys(p.fields), fields: showPoints([p]) })),
    errors: r.errors,
  }, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))
}

t.test('fast path and exact path agree (seeded fuzz)', async (t) => {
  const r = seededRandom(20240611)
  const fast = new LineProtocolParser({ maxSeries: 64, maxFieldKeys: 64 })
  let mismatches = 0
  const N = 20000
  for (let i = 0; i < N; i++) {
    const { body, precision } = fuzzBody(r)
    const opts = { db: 'd', rp: 'r', precision, now: NOW }
    const a = show(fast.parse(body, opts))
    const b = show(exactOnly.parse(body, opts))
    if (a !== b && mismatches++ < 5) t.fail(`#${i} ${JSON.stringify(body.toString('latin1'))} precision=${precision}\n fast:  ${a}\n exact: ${b}`)
  }
  t.equal(mismatches, 0, `${N} bodies`)
})

t.test('integers, floats and timestamps of every length convert exactly (seeded)', async (t) => {
  const r = seededRandom(99)
  const digits = (n: number): string => {
    let s = String(1 + Math.floor(r() * 9))
    for (let k = 1; k < n; k++) s += String(Math.floor(r() * 10))
    return s
  }
  let body = ''
  const expected: string[] = []
  for (let k = 0; k < 4000; k++) {
    const sign = r() < 0.3 ? '-' : ''
    const int = `${sign}${digits(1 + Math.floor(r() * 19))}`
    const intOk = BigInt(int) >= I64_MIN && BigInt(int) <= I64_MAX
    const float = `${sign}${digits(1 + Math.floor(r() * 10))}.${digits(Math.floor(r() * 12) + 1)}${r() < 0.3 ? `e${Math.floor(r() * 60) - 30}` : ''}`
    const ts = `${r() < 0.2 ? '-' : ''}${digits(1 + Math.floor(r() * 19))}`
    const tsOk = BigInt(ts) >= -9223372036854775806n && BigInt(ts) <= 9223372036854775806n
    if (!intOk || !tsOk) continue
    body += `m i=${int}i,f=${float} ${ts}\n`
    expected.push(`"m" [] {"f"=${Number(float)}f,"i"=${BigInt(int)}i} @${BigInt(ts)}`)
  }
  const got = parseLineProtocol(Buffer.from(body), { db: 'd', rp: 'r', precision: 'ns', now: NOW })
  t.same(got.errors, [])
  const shown = showPoints(got.points)
  let bad = 0
  for (let k = 0; k < expected.length; k++) if (shown[k] !== expected[k] && bad++ < 5) t.fail(`${shown[k]} vs ${expected[k]}`)
  t.equal(bad, 0, `${expected.length} lines`)
})

// ---------------------------------------------------------------------------------------
// The Telegraf payload: the common case, end to end.


t.test('Telegraf payload: fast = exact, and encode → parse is the identity', async (t) => {
  const body = Buffer.from(await genTelegraf(20000))
  const opts = { db: 'telegraf', rp: 'autogen', precision: 'ns' as const, now: NOW }
  const fast = parseLineProtocol(body, opts)
  const exact = exactOnly.parse(body, opts)
  t.equal(fast.errors.length, 0)
  t.equal(fast.points.length, 20000)
  t.ok(showPoints(fast.points).join('\n') === showPoints(exact.points).join('\n'), 'fast path = exact path')
  const again = parseLineProtocol(Buffer.from(encodePoints(fast.points)), opts)
  t.equal(again.errors.length, 0)
  t.ok(showPoints(again.points).join('\n') === showPoints(fast.points).join('\n'), 'parse(encode(parse(x))) = parse(x)')
  const sample = fast.points.find((p: Point) => p.name === 'disk' && p.tags.path === '/media/usb drive')
  t.ok(sample, 'the escaped disk path is unescaped')
})

// ---------------------------------------------------------------------------------------
// No pathological slowdowns: every shape below is linear.

t.test('no pathological slowdowns', async (t) => {
  const opts = { db: 'd', rp: 'r', precision: 'ns' as const, now: NOW }
  const time = (body: Buffer): number => {
    const t0 = process.hrtime.bigint()
    parseLineProtocol(body, opts)
    return Number(process.hrtime.bigint() - t0) / 1e6
  }
  const shapes: [string, Buffer][] = [
    ['one 70 kB line (long tag)', Buffer.from(`m,t=${'x'.repeat(70000)} v=1 1\n`)],
    ['one 70 kB string field', Buffer.from(`m s="${'y'.repeat(70000)}" 1\n`)],
    ['one 70 kB bad line', Buffer.from(`m ${'x'.repeat(70000)}\n`)],
    ['1 MB of comments', Buffer.from('# a comment line, with = and "quotes\n'.repeat(28000))],
    ['1 MB of blank lines', Buffer.from('\n'.repeat(1 << 20))],
    ['1 MB unclosed quote', Buffer.from(`m a="${'z\n'.repeat(500000)}`)],
    ['1 MB of backslashes', Buffer.from(`m ${'\\'.repeat(1 << 20)}`)],
    ['1 MB of commas in tags', Buffer.from(`m${',a=b'.repeat(250000)} v=1\n`)],
    ['10000 bad lines', Buffer.from('m a=x 1\n'.repeat(10000))],
    ['10000 lines, each with new field keys', Buffer.from(Array.from({ length: 10000 }, (_, i) => `m,h=${i % 100} f${i}=1,g${i}=2i ${i}\n`).join(''))],
    ['10000 lines, each a new series', Buffer.from(Array.from({ length: 10000 }, (_, i) => `m,h=${i},z=${i * 7} v=1 ${i}\n`).join(''))],
  ]
  for (const [label, body] of shapes) {
    time(body)
    const ms = time(body)
    t.ok(ms < 1000, `${label}: ${ms.toFixed(1)} ms`)
  }
})
