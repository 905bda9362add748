/**
 * A real influxd 1.x subscription feeding our daemon. A private influxd (the fixture)
 * gets `CREATE SUBSCRIPTION "kap" ON "subdb"."autogen" DESTINATIONS ALL 'http://127.0.0.1:<ours>'`
 * and `"kapudp" ON "subudp"."autogen" ... 'udp://127.0.0.1:<our [[udp]] port>'`; we then
 * write to influxd (text forms it forwards verbatim: `1e3`, `T`, `1E-7`, ints at the
 * int64 limits, escaped strings and keys, precision=s and ms writes, a line without a
 * timestamp, a partial write, a type conflict influxd refuses but still forwards,
 * and a 2000-line Telegraf batch) and check that everything influxd forwarded arrives
 * at our sink exactly (ns times, typed fields). Expectations come from an independent
 * decoder (reference-decode.ts) of what we sent, not from our parser.
 *
 * Subscriptions start asynchronously: a probe point is written until one arrives, then
 * the real writes begin; every wait is a poll with a deadline.
 */
import t from 'tap'
import type { Point } from '../../../src/model/point.js'
import { startInfluxd, type Influxd } from '../../fixtures/influxd.js'
import { decodeBody } from './reference-decode.js'
import { canon, diffPoints, genTelegraf, waitFor } from './helpers.js'
import { startOurs } from './daemon.js'

async function influxQuery(influx: Influxd, q: string, db = ''): Promise<{ status: number; text: string }> {
  return influx.queryRaw(q, { db })
}

async function influxWrite(influx: Influxd, db: string, body: string, precision?: string): Promise<{ status: number; text: string }> {
  const params: Record<string, string> = { db }
  if (precision !== undefined) params.precision = precision
  const r = await influx.write(body, params)
  return { status: r.status, text: r.body }
}

const UNIT: Record<string, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, u: 1_000n, ns: 1n }

t.test('influxd subscriptions (HTTP and UDP) deliver exactly what influxd accepted', async (t) => {
  const ours = await startOurs(t, { udp: [{ database: 'subudp', retentionPolicy: 'autogen' }] })
  const influx = await startInfluxd()
  t.teardown(() => influx.stop())

  for (const q of [
    'CREATE DATABASE subdb',
    'CREATE DATABASE subudp',
    `CREATE SUBSCRIPTION "kap" ON "subdb"."autogen" DESTINATIONS ALL 'http://127.0.0.1:${ours.httpPort}'`,
    `CREATE SUBSCRIPTION "kapudp" ON "subudp"."autogen" DESTINATIONS ALL 'udp://127.0.0.1:${ours.udpPorts[0]}'`,
  ]) {
    const r = await influxQuery(influx, q)
    t.equal(r.status, 200, `${q}: ${r.text}`)
    t.notMatch(r.text, /"error"/, q)
  }

  // Wait until both subscriptions forward: write a probe until one arrives.
  for (const db of ['subdb', 'subudp']) {
    let n = 0
    await waitFor(async () => {
      if (ours.sink.points.some((p) => p.db === db && p.name === 'probe')) return true
      await influxWrite(influx, db, `probe v=${n++}i`)
      await new Promise((r) => setTimeout(r, 100))
      return false
    }, 15_000, `the subscription on ${db} to forward a probe`)
  }
  const notProbe = (db: string) => (p: Point) => p.db === db && p.name !== 'probe'

  // ---- HTTP subscription: every write influxd accepted (204, or 400 partial) ----
  const ctx = { db: 'subdb', rp: 'autogen' }
  const writes: Array<{ body: string; precision?: string; status: number; forwarded: string }> = [
    { // text forms influxd forwards verbatim
      body: 'sub,region=eu,host=a f1=1e3,f2=-0.0,f3=1.5E+2,f4=T,f5=f,f6=FALSE,f7=true,f8=42i,f9="q \\"x\\" b\\\\s , = sp",f10=1E-7,f11=.5,f13=1.7976931348623157e308 1700000000000000001\n',
      status: 204, forwarded: '',
    },
    { body: 'ints a=9223372036854775807i,b=-9223372036854775808i,c=0i,d=-1i,e=9007199254740993i 1700000000000000003\n', status: 204, forwarded: '' },
    { body: 'my\\ meas\\,x,tag\\ key=val\\,ue,t2=a\\=b,t3=back\\\\slash field\\ key=1i,f\\=2="a\\tb" 1700000000000000004\n', status: 204, forwarded: '' },
    { body: 'strs s="multi\nline",t="",u="unicode \u00e9\u2603" 1700000000000000005\n', status: 204, forwarded: '' },
    { body: 'secs,p=s v=1 1700000000\nsecs,p=s2 v=2 -1\n', precision: 's', status: 204, forwarded: '' },
    { body: 'msecs v=1i 1700000000123\n', precision: 'ms', status: 204, forwarded: '' },
    { body: 'usecs v=1i 1700000000123456\n', precision: 'u', status: 204, forwarded: '' },
    { body: '\n# comment\n\nblank v=1i 1700000000000000006\n\n', status: 204, forwarded: '' },
    { body: 'partial v=1i 1700000000000000007\npartial v=oops 1700000000000000008\npartial2 v=2i 1700000000000000009\n', status: 400, forwarded: 'partial v=1i 1700000000000000007\npartial2 v=2i 1700000000000000009\n' },
    { body: 'conflict v=1 1700000000000000010\n', status: 204, forwarded: '' },
    // refused by influxd's storage (field type conflict) but forwarded to subscribers anyway
    { body: 'conflict v=2i 1700000000000000011\n', status: 400, forwarded: '' },
  ]
  const expected: Point[] = []
  for (const w of writes) {
    const r = await influxWrite(influx, 'subdb', w.body, w.precision)
    t.equal(r.status, w.status, `influxd answered ${w.status} to ${JSON.stringify(w.body.slice(0, 60))}: ${r.text}`)
    expected.push(...decodeBody(w.forwarded || w.body, { ...ctx, unit: UNIT[w.precision ?? 'ns'] }))
  }
  // A line without timestamp gets influxd's receive time: read it back exactly.
  t.equal((await influxWrite(influx, 'subdb', 'notime,k=v v=1i')).status, 204)
  const stored = (await influx.readAll('subdb')).filter((p) => p.name === 'notime')
  t.equal(stored.length, 1, 'influxd stored notime')
  expected.push({ db: 'subdb', rp: 'autogen', name: 'notime', tags: { k: 'v' }, fields: { v: 1n }, time: stored[0]?.time ?? 0n })
  // A Telegraf batch (2000 lines, floats in Go 'f' format, escaped tag values).
  const telegraf = await genTelegraf(2000, 7, 40)
  t.equal((await influxWrite(influx, 'subdb', telegraf)).status, 204)
  expected.push(...decodeBody(telegraf, ctx))

  await waitFor(() => ours.sink.where(notProbe('subdb')).length >= expected.length, 20_000,
    `${expected.length} points from the HTTP subscription`).catch((e) => t.fail(String(e)))
  t.same(diffPoints(expected, ours.sink.where(notProbe('subdb'))), { missing: [], unexpected: [] },
    'every point influxd forwarded over HTTP arrived exactly, nothing else')
  // Second oracle: what influxd itself stored. influxd merges points of one series and
  // time into one (Telegraf's three `system` lines), so merge ours the same way first;
  // the only difference must be the type conflict influxd refused but forwarded.
  const storedAll = (await influx.readAll('subdb')).filter((p) => p.name !== 'probe')
  const asPoints = storedAll.map((p): Point => ({ db: 'subdb', rp: 'autogen', name: p.name, tags: p.tags, fields: p.fields, time: p.time }))
  const merged = new Map<string, Point>()
  for (const p of ours.sink.where(notProbe('subdb'))) {
    const k = canon({ ...p, fields: {} })
    const prev = merged.get(k)
    merged.set(k, prev ? { ...prev, fields: { ...prev.fields, ...p.fields } } : p)
  }
  t.same(diffPoints(asPoints, [...merged.values()]), {
    missing: [],
    unexpected: [canon({ db: 'subdb', rp: 'autogen', name: 'conflict', tags: {}, fields: { v: 2n }, time: 1700000000000000011n })],
  }, 'everything influxd stored reached us exactly; plus the conflict it refused')

  // ---- UDP subscription: one datagram per point, no trailing newline ----
  const udpCtx = { db: 'subudp', rp: 'autogen' }
  const udpExpected: Point[] = []
  const small = [
    'u1,host=a f1=1e3,f4=T,f10=1E-7,i=-9223372036854775808i,s="x \\"y\\" z" 1700000000000000001',
    'u2,t=a\\ b\\,c v=1 1700000000',
  ]
  t.equal((await influxWrite(influx, 'subudp', small[0] + '\n')).status, 204)
  udpExpected.push(...decodeBody(small[0], udpCtx))
  t.equal((await influxWrite(influx, 'subudp', small[1] + '\n', 's')).status, 204)
  udpExpected.push(...decodeBody(small[1], { ...udpCtx, unit: UNIT.s }))
  // Telegraf lines in writes of 100 (one datagram each from influxd); wait for each
  // write to arrive before the next so that the socket buffer is never the limit.
  const tlines = (await genTelegraf(500, 11, 20)).split('\n').filter((l) => l !== '')
  for (let i = 0; i < tlines.length; i += 100) {
    const chunk = tlines.slice(i, i + 100).join('\n') + '\n'
    t.equal((await influxWrite(influx, 'subudp', chunk)).status, 204)
    udpExpected.push(...decodeBody(chunk, udpCtx))
    await waitFor(() => ours.sink.where(notProbe('subudp')).length >= udpExpected.length, 10_000,
      `${udpExpected.length} points from the UDP subscription`).catch((e) => t.fail(String(e)))
  }
  t.same(diffPoints(udpExpected, ours.sink.where(notProbe('subudp'))), { missing: [], unexpected: [] },
    'every point influxd forwarded over UDP arrived exactly, nothing else')
})
