/**
 * The real python3-influxdb client (Debian's 5.3.1) against our daemon: ping() (needs
 * X-Influxdb-Version), create_database, write_points over HTTP with every field type,
 * escapes, each time_precision, batch_size, shared tags, an explicit rp, protocol
 * 'line', a partial write the client must see as a 400, and use_udp=True to one of our
 * [[udp]] listeners. Every point must reach our sink exactly (typed fields, ns time).
 *
 * Expected stored forms follow influxd 1.6.7 (checked against it, wire-compat.md §d):
 * the client escapes `\` in tags as `\\` and influxd keeps both backslashes; a newline
 * in a tag or string becomes the two characters `\n`; in strings `\\` and `\"` unescape.
 */
import t from 'tap'
import { PYTHON, diffPoints, pt, run, waitFor } from './helpers.js'
import { startOurs } from './daemon.js'

const SCRIPT = String.raw`
import json, sys, datetime
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError
cfg = json.loads(sys.argv[1])
out = {}
client = InfluxDBClient(host='127.0.0.1', port=cfg['port'], database='pydb', timeout=10, retries=1)
calls = []
orig = client._session.request
def counting(*a, **kw):
    r = orig(*a, **kw)
    url = kw.get('url', a[1] if len(a) > 1 else '')
    calls.append({'method': kw.get('method', a[0] if a else ''), 'path': url.rsplit('/', 1)[-1],
                  'params': kw.get('params'), 'status': r.status_code})
    return r
client._session.request = counting

out['version'] = client.ping()
client.create_database('pydb')

typed = [
  {"measurement": "py,meas ure", "tags": {"host": "a b,c=d", "path": "C:\\temp\\x", "nl": "x\ny"},
   "fields": {"b_true": True, "b_false": False, "i": 42, "i_neg": -9223372036854775808, "i_max": 9223372036854775807,
              "i_2p53": 9007199254740993,
              "f": 0.1, "f_big": 1e100, "f_int": 2.0, "f_neg": -1.5e-7, "f_max": 1.7976931348623157e308,
              "f_tiny": 5e-324, "f_17": 0.30000000000000004,
              "s": 'say "hi" \\ back', "s_nl": "line1\nline2", "s_bsnl": "a\\\nb", "s_empty": "",
              "s_trail": "end\\", "s_utf8": "h\u00e9llo \u2603 \U0001F600", "k ey,=x": 1.25},
   "time": 1700000000123456789},
  {"measurement": "m=eq", "tags": {"t": "v"}, "fields": {"v": 1}, "time": 1700000000123456790},
  {"measurement": "pre1970", "fields": {"v": -1}, "time": -1},
]
client.write_points(typed)

# integer times are sent as given, with precision=<p> on the URL
client.write_points([{"measurement": "prec", "tags": {"p": "s"}, "fields": {"v": 1}, "time": 1700000000}], time_precision='s')
client.write_points([{"measurement": "prec", "tags": {"p": "ms"}, "fields": {"v": 2}, "time": 1700000000123}], time_precision='ms')
client.write_points([{"measurement": "prec", "tags": {"p": "u"}, "fields": {"v": 3}, "time": 1700000000123456}], time_precision='u')
client.write_points([{"measurement": "prec", "tags": {"p": "n"}, "fields": {"v": 4}, "time": 1700000000123456789}], time_precision='n')
client.write_points([{"measurement": "prec", "tags": {"p": "m"}, "fields": {"v": 5}, "time": 28333333}], time_precision='m')
client.write_points([{"measurement": "prec", "tags": {"p": "h"}, "fields": {"v": 6}, "time": 472222}], time_precision='h')
# RFC 3339 and datetime times are converted by the client to the precision
client.write_points([{"measurement": "prec", "tags": {"p": "rfc-ms"}, "fields": {"v": 7}, "time": "2023-11-14T22:13:20.123456Z"}], time_precision='ms')
client.write_points([{"measurement": "prec", "tags": {"p": "dt-s"}, "fields": {"v": 8},
                      "time": datetime.datetime(2023, 11, 14, 22, 13, 20, 999999, tzinfo=datetime.timezone.utc)}], time_precision='s')
client.write_points([{"measurement": "prec", "tags": {"p": "rfc-ns"}, "fields": {"v": 9}, "time": "2023-11-14T22:13:20.654321Z"}])

# batch_size: one request per 3 points
batched = [{"measurement": "batched", "tags": {"n": str(i)}, "fields": {"v": i * 1.5}, "time": 1700000000000000000 + i} for i in range(10)]
before = len(calls)
client.write_points(batched, batch_size=3)
out['batched_requests'] = [c['status'] for c in calls[before:]]

# shared tags, explicit database and rp, consistency
client.create_database('pydb2')
client.write_points([{"measurement": "shared", "tags": {"own": "1"}, "fields": {"v": "x"}, "time": 1700000000000000001}],
                    tags={"region": "eu west", "own": "overridden?"}, database='pydb2', retention_policy='autogen', consistency='all')

# protocol='line': lines as given
client.write_points(['line_proto,t=1 v=1i,w=T 1700000000000000002', 'line_proto,t=2 v=2i,w=false 1700000000000000003'], protocol='line')

# a partial write: the client must see a 400 naming the bad line; the good one is kept
try:
    client.write_points(['partial v=1i 1700000000000000004', 'partial v=oops 1700000000000000005'], protocol='line')
    out['partial'] = 'no error'
except InfluxDBClientError as e:
    out['partial'] = {'code': e.code, 'content': e.content.decode() if isinstance(e.content, bytes) else str(e.content)}

# UDP: the whole batch in one datagram, to our [[udp]] listener (database from its config)
udp = InfluxDBClient(host='127.0.0.1', port=cfg['port'], use_udp=True, udp_port=cfg['udp_port'])
udp.write_points([{"measurement": "udp_py", "tags": {"k": "v w"}, "fields": {"i": 7, "f": 7.5, "s": "q\"uote", "b": True},
                   "time": 1700000000000000000 + i} for i in range(5)])

out['calls'] = calls
print(json.dumps(out))
`

t.test('python3-influxdb InfluxDBClient against our daemon', async (t) => {
  const ours = await startOurs(t, { udp: [{ database: 'pyudp', retentionPolicy: 'autogen' }] })
  const r = await run(PYTHON, ['-c', SCRIPT, JSON.stringify({ port: ours.httpPort, udp_port: ours.udpPorts[0] })], { timeoutMs: 60_000 })
  t.equal(r.code, 0, `python exited 0; stderr: ${r.stderr}`)
  if (r.code !== 0) return
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}')

  t.type(out.version, 'string', 'ping() read X-Influxdb-Version')
  t.ok(String(out.version).length > 0, 'version is not empty')
  t.same(out.batched_requests, [204, 204, 204, 204], 'batch_size=3 made 4 requests for 10 points, each 204')
  t.equal(out.partial?.code, 400, 'partial write surfaced as InfluxDBClientError 400')
  t.equal(JSON.parse(out.partial?.content ?? '{}').error, "partial write: unable to parse 'partial v=oops 1700000000000000005': invalid boolean dropped=0", 'the error names the bad line as influxd does')
  const writes = (out.calls as Array<{ path: string; status: number }>).filter((c) => c.path === 'write')
  t.equal(writes.length, 1 + 9 + 4 + 1 + 1 + 1, 'every HTTP write reached the server')
  t.same(writes.filter((c) => c.status !== 204).map((c) => c.status), [400], 'every write but the partial one got 204')
  const queries = (out.calls as Array<{ path: string; status: number; params: Record<string, string> }>).filter((c) => c.path === 'query')
  t.same(queries.map((c) => [c.params.q, c.status]), [['CREATE DATABASE "pydb"', 200], ['CREATE DATABASE "pydb2"', 200]], 'create_database answered 200')

  const A = 'autogen'
  const expected = [
    pt('pydb', A, 'py,meas ure', { host: 'a b,c=d', path: 'C:\\\\temp\\\\x', nl: 'x\\ny' }, {
      b_true: true, b_false: false, i: 42n, i_neg: -9223372036854775808n, i_max: 9223372036854775807n,
      i_2p53: 9007199254740993n,
      f: 0.1, f_big: 1e100, f_int: 2, f_neg: -1.5e-7, f_max: 1.7976931348623157e308, f_tiny: 5e-324, f_17: 0.30000000000000004,
      s: 'say "hi" \\ back', s_nl: 'line1\\nline2', s_bsnl: 'a\\\\nb', s_empty: '', s_trail: 'end\\',
      s_utf8: 'h\u00e9llo \u2603 \u{1F600}', 'k ey,=x': 1.25,
    }, 1700000000123456789n),
    pt('pydb', A, 'm=eq', { t: 'v' }, { v: 1n }, 1700000000123456790n),
    pt('pydb', A, 'pre1970', {}, { v: -1n }, -1n),
    pt('pydb', A, 'prec', { p: 's' }, { v: 1n }, 1700000000_000000000n),
    pt('pydb', A, 'prec', { p: 'ms' }, { v: 2n }, 1700000000123_000000n),
    pt('pydb', A, 'prec', { p: 'u' }, { v: 3n }, 1700000000123456_000n),
    pt('pydb', A, 'prec', { p: 'n' }, { v: 4n }, 1700000000123456789n),
    pt('pydb', A, 'prec', { p: 'm' }, { v: 5n }, 28333333n * 60_000_000_000n),
    pt('pydb', A, 'prec', { p: 'h' }, { v: 6n }, 472222n * 3_600_000_000_000n),
    pt('pydb', A, 'prec', { p: 'rfc-ms' }, { v: 7n }, 1700000000123_000000n),
    pt('pydb', A, 'prec', { p: 'dt-s' }, { v: 8n }, 1700000000_000000000n),
    pt('pydb', A, 'prec', { p: 'rfc-ns' }, { v: 9n }, 1700000000654321000n),
    ...Array.from({ length: 10 }, (_, i) => pt('pydb', A, 'batched', { n: String(i) }, { v: i * 1.5 }, 1700000000000000000n + BigInt(i))),
    pt('pydb2', A, 'shared', { own: '1', region: 'eu west' }, { v: 'x' }, 1700000000000000001n),
    pt('pydb', A, 'line_proto', { t: '1' }, { v: 1n, w: true }, 1700000000000000002n),
    pt('pydb', A, 'line_proto', { t: '2' }, { v: 2n, w: false }, 1700000000000000003n),
    pt('pydb', A, 'partial', {}, { v: 1n }, 1700000000000000004n),
  ]
  const expectedUdp = Array.from({ length: 5 }, (_, i) =>
    pt('pyudp', A, 'udp_py', { k: 'v w' }, { i: 7n, f: 7.5, s: 'q"uote', b: true }, 1700000000000000000n + BigInt(i)))

  const http = ours.sink.where((p) => p.db !== 'pyudp')
  t.same(diffPoints(expected, http), { missing: [], unexpected: [] }, 'every HTTP point arrived exactly, nothing else')

  await waitFor(() => ours.sink.where((p) => p.db === 'pyudp').length >= expectedUdp.length, 5000, 'the UDP datagram')
  t.same(diffPoints(expectedUdp, ours.sink.where((p) => p.db === 'pyudp')), { missing: [], unexpected: [] }, 'every UDP point arrived exactly')
})
