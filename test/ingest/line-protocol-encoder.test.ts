/**
 * The line-protocol encoder: exact output for a table of points, and the round trip
 * parse(encode(p)) = p on tricky points and on seeded random ones (the parser itself is
 * checked against influxd in line-protocol-parser.test.ts and the oracle tests).
 */
import t from 'tap'
import { seededRandom } from '../fixtures/seeded-random.js'
import type { FieldValue, Point } from '../../src/model/point.js'
import { encodePoint, encodePoints } from '../../src/ingest/line-protocol-encoder.js'
import { LineProtocolParser } from '../../src/ingest/line-protocol-parser.js'

const parser = new LineProtocolParser({ fastPath: false })
const fastParser = new LineProtocolParser()
const OPTS = { db: 'db', rp: 'rp', precision: 'ns' as const, now: 0n }

function pt(name: string, tags: Record<string, string>, fields: Record<string, FieldValue>, time = 1n): Point {
  return { db: 'db', rp: 'rp', name, tags, fields, time }
}

function show(p: Pick<Point, 'name' | 'tags' | 'fields' | 'time'>): string {
  const v = (x: FieldValue): string => (typeof x === 'bigint' ? `${x}i` : typeof x === 'number' ? (Object.is(x, -0) ? '-0f' : `${x}f`) : JSON.stringify(x))
  const tags = Object.keys(p.tags).sort().map((k) => `${JSON.stringify(k)}=${JSON.stringify(p.tags[k])}`).join(',')
  const fields = Object.keys(p.fields).sort().map((k) => `${JSON.stringify(k)}=${v(p.fields[k]!)}`).join(',')
  return `${JSON.stringify(p.name)} [${tags}] {${fields}} @${p.time}`
}

t.test('exact output', async (t) => {
  const cases: [string, Point, string][] = [
    ['all types', pt('cpu', { host: 'a' }, { f: 1.5, i: 3n, s: 'hi', b: true, c: false }, 1700000000000000000n), 'cpu,host=a f=1.5,i=3i,s="hi",b=true,c=false 1700000000000000000'],
    ['tags sorted', pt('m', { z: '1', a: '2', B: '3' }, { v: 1 }), 'm,B=3,a=2,z=1 v=1 1'],
    ['integral float has no suffix', pt('m', {}, { v: 2 }), 'm v=2 1'],
    ['negative zero', pt('m', {}, { v: -0 }), 'm v=-0 1'],
    ['large and small floats', pt('m', {}, { a: 1e21, b: 1e-7, c: 5e-324, d: 1.7976931348623157e308 }), 'm a=1e+21,b=1e-7,c=5e-324,d=1.7976931348623157e+308 1'],
    ['int64 extremes', pt('m', {}, { a: 9223372036854775807n, b: -9223372036854775808n }), 'm a=9223372036854775807i,b=-9223372036854775808i 1'],
    ['escapes in the measurement', pt('m x,y=z"', {}, { v: 1 }), 'm\\ x\\,y\\=z\\" v=1 1'],
    ['escapes in tags', pt('m', { 'k ,=': 'v ,="' }, { v: 1 }), 'm,k\\ \\,\\==v\\ \\,\\=" v=1 1'],
    ['escapes in field keys', pt('m', {}, { 'k ,="': 1 }), 'm k\\ \\,\\=\\"=1 1'],
    ['string escapes', pt('m', {}, { s: 'a"b\\c\nd' }), 'm s="a\\"b\\\\c\nd" 1'],
    ['empty tag values are left out', pt('m', { a: '', b: 'x' }, { v: 1 }), 'm,b=x v=1 1'],
    ['NaN and Infinity are left out', pt('m', {}, { a: Number.NaN, b: 1, c: Number.POSITIVE_INFINITY }), 'm b=1 1'],
    ['nothing writable', pt('m', {}, { a: Number.NaN }), ''],
    ['empty field key goes first, after a tab', pt('m', {}, { b: 2, '': 1 }), 'm \t=1,b=2 1'],
    ['a key starting with a tab is not first', pt('m', {}, { '\tk': 1, b: 2 }), 'm b=2,\tk=1 1'],
    ['negative time', pt('m', {}, { v: 1 }, -5n), 'm v=1 -5'],
    ['UTF-8 tag order is byte order', pt('m', { '\uffff': '1', '\u{1f600}': '2', a: '3' }, { v: 1 }), 'm,a=3,\uffff=1,\u{1f600}=2 v=1 1'],
  ]
  for (const [label, p, line] of cases) t.equal(encodePoint(p), line, label)
  t.equal(encodePoints([cases[0]![1], pt('m', {}, { a: Number.NaN }), cases[1]![1]]), `${cases[0]![2]}\n${cases[1]![2]}\n`, 'encodePoints skips unwritable points')
  t.equal(encodePoints([]), '')
})

t.test('tricky points read back the same', async (t) => {
  const points: Point[] = [
    pt('m', { t: '=x' }, { v: 1 }),
    pt('m\\a', { 't\\k': 'v\\x' }, { 'f\\g': 1 }),
    pt('"m', { 't"': 'v"' }, { '"a': 1 }),
    pt('m,x', { 't=': '=' }, { 'a=b': 1, 'c,d': 2, 'e f': 3 }),
    pt('m\\,t=1', {}, { a: 1 }),
    pt('\ufeffcpu', {}, { v: 1 }),
    pt('m', {}, { '': 1, b: 2 }),
    pt('m', {}, { s: 'x""y' }),
    pt('m', {}, { s: 'x\\' }),
    pt('m', {}, { s: '' }),
    pt('m', {}, { s: 'multi\nline\r\n' }),
    pt('mé', { tä: 'vö' }, { fü: '😀' }),
    pt('m', { ['__proto__']: 'x' }, { ['__proto__']: 1 }),
    pt('m', {}, { a: 97.23618090452261, b: 0.1, c: 1.2345678901234568e23, d: Number.MIN_VALUE, e: -Number.MAX_VALUE }),
    pt('m', {}, { v: 1 }, 9223372036854775806n),
    pt('m', {}, { v: 1 }, -9223372036854775806n),
    // keys influxd reads from `t\\=t,f=f` and `a\\=1,b=2` (a backslash before '=' in the key)
    pt('Qdrzz', { x: 'y' }, { 't\\=t,f': false }),
    pt('m', {}, { 'a\\=1,b': 2 }),
  ].map((p) => {
    // __proto__ must be an own property in the expected point too.
    const own = (o: Record<string, unknown>): Record<string, never> => {
      const out: Record<string, unknown> = {}
      for (const k of Object.keys(o)) Object.defineProperty(out, k, { value: o[k], enumerable: true, writable: true, configurable: true })
      return out as Record<string, never>
    }
    return { ...p, tags: own(p.tags), fields: own(p.fields) }
  })
  for (const p of points) {
    const line = encodePoint(p)
    for (const [label, ps] of [['exact', parser], ['default', fastParser]] as const) {
      const r = ps.parse(Buffer.from(line), OPTS)
      t.same(r.errors, [], `${label}: ${JSON.stringify(line)} parses`)
      t.same(r.points.map(show), [show(p)], `${label}: ${JSON.stringify(line)}`)
    }
  }
  const r = parser.parse(Buffer.from(encodePoints(points)), OPTS)
  t.same(r.points.map(show), points.map(show), 'as one body')
})


t.test('random representable points read back the same (seeded)', async (t) => {
  const r = seededRandom(7)
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!
  const chars = ['a', 'b', 'z', ' ', ',', '=', '"', '\\', '\t', 'é', '😀', '\uE000', '#', '0', '-', '\0', 'n', '\r']
  const str = (min: number): string => {
    let s = ''
    const n = min + Math.floor(r() * 6)
    for (let k = 0; k < n; k++) s += pick(chars)
    return s
  }
  // What no line can carry (see the encoder's header): a trailing backslash, a backslash
  // before a byte the part escapes, a name starting with whitespace or '#'.
  const bad = (s: string): boolean => /\\$|\\[, ="]/.test(s)
  const values: (() => FieldValue)[] = [
    () => r() * 1e6, () => -r(), () => -0, () => 1e21, () => 5e-324, () => Number.MAX_VALUE,
    () => BigInt(Math.floor(r() * 1e6)) * 1000000000000n, () => -9223372036854775808n, () => str(0), () => r() < 0.5,
  ]
  const points: Point[] = []
  while (points.length < 5000) {
    const tags: Record<string, string> = {}
    for (let k = Math.floor(r() * 3); k > 0; k--) tags[str(1)] = str(1)
    const fields: Record<string, FieldValue> = {}
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) fields[r() < 0.1 ? '' : str(1)] = pick(values)()
    const p = pt(str(1), tags, fields, BigInt(Math.floor(r() * 1e9)) * 1000000000n - 500000000000000000n)
    if (bad(p.name) || /^[\t\0#]/.test(p.name)) continue
    if (Object.entries(p.tags).some(([k, v]) => bad(k) || bad(v))) continue
    if (Object.keys(p.fields).some(bad)) continue
    if (!Object.keys(p.fields).some((k) => k === '' || !/^[\t\0]/.test(k))) continue
    points.push(p)
  }
  let failures = 0
  for (const p of points) {
    const line = encodePoint(p)
    const got = parser.parse(Buffer.from(line), OPTS)
    const want = { ...p, tags: Object.fromEntries(Object.entries(p.tags).filter(([, v]) => v !== '')) }
    if (got.errors.length !== 0 || got.points.length !== 1 || show(got.points[0]!) !== show(want)) {
      if (failures++ < 5) t.fail(`${JSON.stringify(line)}: ${got.errors[0]?.reason ?? (got.points[0] ? show(got.points[0]) : 'no point')} vs ${show(want)}`)
    }
  }
  t.equal(failures, 0, `${points.length} points`)
})
