import t from 'tap'
import { createSocket } from 'node:dgram'
import snmp from 'net-snmp'
import { snmpTrapDefinition } from '../../../src/alert/handlers/snmptrap.js'
import { UndeliverableError } from '../../../src/alert/delivery.js'
import type { AlertHandler, HandlerOptions } from '../../../src/alert/types.js'
import { snmpTrapHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, signal, str, testEvent } from './service-helpers.js'

/** A received varbind as Kapacitor's snmptraptest prints it: OID, snmpgo type name, value as text. */
interface Bind { oid: string; type: string; value: string }
interface Trap { pduType: number; community: string; binds: Bind[] }

const TYPE_NAMES: Record<number, string> = {
  [snmp.ObjectType.Integer]: 'Integer', [snmp.ObjectType.OctetString]: 'OctetString', [snmp.ObjectType.Null]: 'Null',
  [snmp.ObjectType.OID]: 'Oid', [snmp.ObjectType.TimeTicks]: 'TimeTicks', [snmp.ObjectType.Counter64]: 'Counter64',
  [snmp.ObjectType.Counter32]: 'Counter32',
}

function text(type: number, v: unknown): string {
  if (type === snmp.ObjectType.Null) return ''
  if (type === snmp.ObjectType.Counter64) return BigInt('0x' + ((v as Buffer).toString('hex') || '0')).toString()
  if (Buffer.isBuffer(v)) return v.toString('utf8')
  return String(v)
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4')
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))
  const port = s.address().port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

/** A real SNMP trap receiver (net-snmp) on a loopback UDP port, accepting the given communities only. */
async function receiver(communities: string[]): Promise<{ addr: string; next: () => Promise<Trap>; errors: Error[]; close: () => Promise<void> }> {
  const port = await freeUdpPort()
  const got: Trap[] = []
  const waiting: Array<(tr: Trap) => void> = []
  const errors: Error[] = []
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const r = snmp.createReceiver({ port, address: '127.0.0.1', includeAuthentication: true }, (err: Error | null, n: any) => {
    if (err) { errors.push(err); return }
    const tr: Trap = {
      pduType: n.pdu.type,
      community: n.pdu.community,
      binds: (n.pdu.varbinds as Array<{ oid: string; type: number; value: unknown }>).map((b) => ({ oid: b.oid, type: TYPE_NAMES[b.type] ?? String(b.type), value: text(b.type, b.value) })),
    }
    const w = waiting.shift()
    if (w) w(tr); else got.push(tr)
  })
  for (const c of communities) r.getAuthorizer().addCommunity(c)
  return {
    addr: `127.0.0.1:${port}`,
    errors,
    next: () => {
      const tr = got.shift()
      return tr ? Promise.resolve(tr) : new Promise((resolve) => waiting.push(resolve))
    },
    close: () => new Promise<void>((resolve) => r.close(() => resolve())),
  }
}

function within<T>(p: Promise<T>, ms = 3000): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no trap within ${ms}ms`)), ms).unref())])
}

const UPTIME: Bind = { oid: '1.3.6.1.2.1.1.3.0', type: 'TimeTicks', value: '1000' }
const trapOid = (v: string): Bind => ({ oid: '1.3.6.1.6.3.1.1.4.1.0', type: 'Oid', value: v })
const data = (oid: string, type: string, value: string): { oid: string; type: string; value: string } => ({ oid, type, value })

t.test('TICKscript .snmpTrap(oid).data(oid, type, value) become the topic-handler options', async (t) => {
  const h = handler(snmpTrapHandler, [str('1.1.1')], {
    data: [[str('1.1.1.2'), str('c'), str('1')], [str('1.1.1.2'), str('s'), str('{{.Message}}')]],
  })
  t.same(snmpTrapDefinition.fromTick(h), {
    'trap-oid': '1.1.1',
    'data-list': [data('1.1.1.2', 'c', '1'), data('1.1.1.2', 's', '{{.Message}}')],
  })
  t.same(snmpTrapDefinition.fromTick(handler(snmpTrapHandler, [str('1.1.2')])), { 'trap-oid': '1.1.2' })
})

t.test("sends Kapacitor's SNMPv2c traps to a real receiver (TestStream_AlertSNMPTrap)", async (t) => {
  const rx = await receiver(['public'])
  const handlers: AlertHandler[] = []
  t.teardown(async () => { for (const h of handlers) await h.close?.(); await rx.close() })
  const ctx = ctxWith({ snmptrap: { enabled: true, addr: rx.addr, community: 'public', retries: 2 } })
  const make = (o: HandlerOptions): AlertHandler => { const h = snmpTrapDefinition.create(o, ctx); handlers.push(h); return h }
  const one = make(snmpTrapDefinition.fromTick(handler(snmpTrapHandler, [str('1.1.1')], {
    data: [[str('1.1.1.2'), str('c'), str('1')], [str('1.1.1.2'), str('s'), str('SNMP ALERT')], [str('1.1.1.2'), str('s'), str('{{.Message}}')]],
  })))
  const two = make(snmpTrapDefinition.fromTick(handler(snmpTrapHandler, [str('1.1.2')], {
    data: [[str('1.1.2.3'), str('i'), str('10')], [str('1.1.2.3'), str('n'), str('')], [str('1.1.2.3'), str('t'), str('20000')]],
  })))

  await one.handle(testEvent(), signal())
  const first = await within(rx.next())
  t.equal(first.pduType, snmp.PduType.TrapV2, 'an SNMPv2 trap PDU')
  t.equal(first.community, 'public', "the [snmptrap] community")
  t.same(first.binds, [
    UPTIME, trapOid('1.1.1'),
    { oid: '1.1.1.2', type: 'Counter64', value: '1' },
    { oid: '1.1.1.2', type: 'OctetString', value: 'SNMP ALERT' },
    { oid: '1.1.1.2', type: 'OctetString', value: 'kapacitor/cpu/serverA is CRITICAL' },
  ])

  await two.handle(testEvent(), signal())
  const second = await within(rx.next())
  t.equal(second.pduType, snmp.PduType.TrapV2)
  t.equal(second.community, 'public')
  t.same(second.binds, [
    UPTIME, trapOid('1.1.2'),
    { oid: '1.1.2.3', type: 'Integer', value: '10' },
    { oid: '1.1.2.3', type: 'Null', value: '' },
    { oid: '1.1.2.3', type: 'TimeTicks', value: '20000' },
  ])
  t.same(rx.errors, [])
})

t.test("defaults to community 'kapacitor'; templates see the event; numbers convert as Kapacitor's Go casts", async (t) => {
  const rx = await receiver(['kapacitor'])
  const h = snmpTrapDefinition.create({
    'trap-oid': '.1.3.6.1.4.1.1',
    'data-list': [
      data('1.3.6.1.4.1.1.1', 's', '{{ .Level }} {{ index .Tags "host" }} {{ index .Fields "count" }} {{ .TaskName }}'),
      data('1.3.6.1.4.1.1.2', 'i', '-7'),
      data('1.3.6.1.4.1.1.3', 'i', '4294967297'), // int32(v): wraps to 1
      data('1.3.6.1.4.1.1.4', 't', '-1'), // uint32(v)
      data('1.3.6.1.4.1.1.5', 'c', '-1'), // uint64(v)
      data('1.3.6.1.4.1.1.6', 'c', '+9223372036854775807'),
    ],
  }, ctxWith({ snmptrap: { enabled: true, addr: rx.addr } }))
  t.teardown(async () => { await h.close?.(); await rx.close() })
  await h.handle(testEvent(), signal())
  const tr = await within(rx.next())
  t.equal(tr.community, 'kapacitor')
  t.same(tr.binds, [
    UPTIME, trapOid('1.3.6.1.4.1.1'),
    { oid: '1.3.6.1.4.1.1.1', type: 'OctetString', value: 'CRITICAL serverA 10 testStreamAlert' },
    { oid: '1.3.6.1.4.1.1.2', type: 'Integer', value: '-7' },
    { oid: '1.3.6.1.4.1.1.3', type: 'Integer', value: '1' },
    { oid: '1.3.6.1.4.1.1.4', type: 'TimeTicks', value: '4294967295' },
    { oid: '1.3.6.1.4.1.1.5', type: 'Counter64', value: '18446744073709551615' },
    { oid: '1.3.6.1.4.1.1.6', type: 'Counter64', value: '9223372036854775807' },
  ])
})

t.test('a value that does not parse for its type: the event is undeliverable and nothing is sent', async (t) => {
  const rx = await receiver(['kapacitor'])
  const h = snmpTrapDefinition.create({
    'trap-oid': '1.1.1',
    'data-list': [data('1.1.1.2', 'i', '{{ if eq .Level "OK" }}0{{ else }}{{ .Level }}{{ end }}')],
  }, ctxWith({ snmptrap: { enabled: true, addr: rx.addr } }))
  t.teardown(async () => { await h.close?.(); await rx.close() })
  const err = await h.handle(testEvent(), signal()).then(() => null, (e: unknown) => e)
  t.ok(err instanceof UndeliverableError, 'dropped, not retried')
  t.match((err as Error).message, 'snmptrap: strconv.ParseInt: parsing "CRITICAL": invalid syntax')
  await t.rejects(
    snmpTrapDefinition.create({ 'trap-oid': '1.1.1', 'data-list': [data('1.1.1.2', 'c', '99999999999999999999')] }, ctxWith({ snmptrap: { enabled: true, addr: rx.addr } })).handle(testEvent(), signal()),
    /value out of range/,
  )
  // the next event of the same handler goes out: the first trap received is this one
  await h.handle(testEvent({ level: 'OK' }), signal())
  const tr = await within(rx.next())
  t.same(tr.binds.slice(2), [{ oid: '1.1.1.2', type: 'Integer', value: '0' }])
})

t.test('config: a missing or disabled [snmptrap] section, a bad addr', async (t) => {
  const o = { 'trap-oid': '1.1.1' }
  t.throws(() => snmpTrapDefinition.create(o, ctxWith({})), /snmptrap: no \[snmptrap\] section/)
  t.throws(() => snmpTrapDefinition.create(o, ctxWith({ snmptrap: { addr: 'localhost:9162' } })), /snmptrap: service is not enabled \(\[snmptrap\] enabled = true\)/)
  t.throws(() => snmpTrapDefinition.create(o, ctxWith({ snmptrap: { enabled: true, addr: '' } })), /snmptrap: must specify addr/)
  t.throws(() => snmpTrapDefinition.create(o, ctxWith({ snmptrap: { enabled: true, addr: 'localhost' } })), /snmptrap: invalid addr "localhost"/)
})

t.test('addr defaults to localhost:162', async (t) => {
  // a plain UDP listener on the standard trap port; skipped where that port is taken or not ours to bind
  const sock = createSocket('udp4')
  const bound = await new Promise<boolean>((resolve) => {
    sock.once('error', () => resolve(false))
    sock.bind(162, '127.0.0.1', () => resolve(true))
  })
  if (!bound) { sock.close(); t.plan(0, '127.0.0.1:162 cannot be bound here (not root)'); return }
  const packet = new Promise<Buffer>((resolve) => sock.once('message', (m) => resolve(m)))
  const h = snmpTrapDefinition.create({ 'trap-oid': '1.1.1' }, ctxWith({ snmptrap: { enabled: true } }))
  t.teardown(async () => { await h.close?.(); sock.close() })
  await h.handle(testEvent(), signal())
  const m = await within(packet)
  t.ok(m.includes(Buffer.from('kapacitor')), 'a trap with the default community arrived on localhost:162')
})

t.test('refused when created: a data type Kapacitor does not send, a malformed OID, no trap OID', async (t) => {
  const ctx = ctxWith({ snmptrap: { enabled: true, addr: '127.0.0.1:9162' } })
  const withData = (type: string, oid = '1.1.1.2'): HandlerOptions => ({ 'trap-oid': '1.1.1', 'data-list': [data(oid, type, '1')] })
  t.throws(() => snmpTrapDefinition.create(withData('a'), ctx), { message: "snmptrap: Snmptrap Datatype 'IP address' not supported" })
  t.throws(() => snmpTrapDefinition.create(withData('u'), ctx), { message: "snmptrap: Snmptrap Datatype 'Unsigned integer' not supported" })
  t.throws(() => snmpTrapDefinition.create(withData('z'), ctx), { message: 'snmptrap: Snmptrap Datatype not known: z' })
  t.throws(() => snmpTrapDefinition.create(withData('s', '1.x.2'), ctx), /snmptrap: invalid data Oid "1\.x\.2"/)
  t.throws(() => snmpTrapDefinition.create(withData('s', '1'), ctx), /snmptrap: invalid data Oid "1"/)
  t.throws(() => snmpTrapDefinition.create({ 'trap-oid': '3.1' }, ctx), /snmptrap: invalid trap Oid "3\.1"/)
  t.throws(() => snmpTrapDefinition.create({}, ctx), /snmptrap: no trap OID/)
  t.throws(() => snmpTrapDefinition.create({ 'trap-oid': '1.1', 'data-list': [data('1.1.2', 's', '{{ .Nope')] }, ctx), /snmptrap: bad data value template/)
})
