/**
 * `.snmpTrap(trapOid).data(oid, type, value)…` / kind `snmptrap`: Kapacitor's
 * services/snmptrap — one SNMPv2c trap per event to `[snmptrap] addr` with its community.
 * The varbinds are Kapacitor's: sysUpTime.0 = TimeTicks 1000 (a constant, as Kapacitor
 * sends), snmpTrapOID.0 = the trap OID, then one per `.data()`, its value a Go template
 * over the event. Types as Kapacitor: c → Counter64, i → Integer, n → Null,
 * s → OctetString, t → TimeTicks; numbers parse as Go's ParseInt(v, 10, 64) and are then
 * cut to the type's width like Go's conversions. A type Kapacitor refuses (a, d, o, u, x,
 * or unknown) and a malformed OID are refused when the handler is created.
 */
import { isIPv6 } from 'node:net'
import snmp, { type Session, type SessionOptions, type Varbind } from 'net-snmp'
import { propCalls } from '../../pipeline/props.js'
import type { AlertEvent, AlertHandler, HandlerOptions } from '../types.js'
import type { GoTemplate } from '../template/index.js'
import type { HandlerDefinition } from './definition.js'
import { compact, enabledSection, eventTemplateData, handlerTemplate, num, str, tickStr, undeliverable, type Section } from './service-common.js'

/** Kapacitor's fixed sysUpTime.0 value. */
export const SNMPTRAP_UPTIME = 1000

type DataType = 'c' | 'i' | 'n' | 's' | 't'

const UNSUPPORTED: Readonly<Record<string, string>> = {
  a: 'IP address', d: 'Decimal string', o: 'Object ID', u: 'Unsigned integer', x: 'Hexadecimal string',
}

function dataType(t: string): DataType {
  if (t === 'c' || t === 'i' || t === 'n' || t === 's' || t === 't') return t
  const name = UNSUPPORTED[t]
  throw new Error(name ? `snmptrap: Snmptrap Datatype '${name}' not supported` : `snmptrap: Snmptrap Datatype not known: ${t}`)
}

/** An OID as snmpgo.NewOid accepts it (optional leading dot), without the dot. */
export function parseOid(s: string, what: string): string {
  const body = s.startsWith('.') ? s.slice(1) : s
  const subs = body.split('.')
  const bad = (why: string): Error => new Error(`snmptrap: invalid ${what} Oid ${JSON.stringify(s)}: ${why}`)
  if (subs.length < 2) throw bad('the first and second sub-identifiers are required')
  if (subs.length > 128) throw bad('at most 128 sub-identifiers')
  const n = subs.map((x) => (/^\d+$/.test(x) ? Number(x) : NaN))
  if (n.some((x) => !(x >= 0 && x <= 0xffffffff))) throw bad('each sub-identifier is a number in 0..4294967295')
  if (n[0]! > 2) throw bad('the first sub-identifier is in 0..2')
  if (n[0]! < 2 && n[1]! >= 40) throw bad('the second sub-identifier is in 0..39 when the first is 0 or 1')
  return n.join('.')
}

/** Go's strconv.ParseInt(s, 10, 64), with its error text. */
export function goParseInt64(s: string): bigint {
  const q = JSON.stringify(s)
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${q}: invalid syntax`)
  const v = BigInt(s)
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) throw new Error(`strconv.ParseInt: parsing ${q}: value out of range`)
  return v
}

/** A Counter64's BER content: big-endian, minimal, unsigned (a leading zero byte when the top bit is set). */
function counter64Bytes(v: bigint): Buffer {
  let hex = v.toString(16)
  if (hex.length % 2 === 1) hex = '0' + hex
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = '00' + hex
  return Buffer.from(hex, 'hex')
}

/** One `.data()` value → net-snmp's varbind, with Kapacitor's conversions (uint64(), int32(), uint32()). */
export function varbindOf(oid: string, type: DataType, value: string): Varbind {
  switch (type) {
    case 'c': return { oid, type: snmp.ObjectType.Counter64, value: counter64Bytes(BigInt.asUintN(64, goParseInt64(value))) }
    case 'i': return { oid, type: snmp.ObjectType.Integer, value: Number(BigInt.asIntN(32, goParseInt64(value))) }
    case 'n': return { oid, type: snmp.ObjectType.Null, value: null }
    case 's': return { oid, type: snmp.ObjectType.OctetString, value: Buffer.from(value, 'utf8') }
    case 't': return { oid, type: snmp.ObjectType.TimeTicks, value: Number(BigInt.asUintN(32, goParseInt64(value))) }
  }
}

/** `host:port` (`[v6]:port`) as Go's net.SplitHostPort reads it. */
function splitAddr(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr)
  const port = m ? Number(m[3]) : NaN
  if (!m || !(port > 0 && port < 65536)) throw new Error(`snmptrap: invalid addr ${JSON.stringify(addr)} (host:port)`)
  return { host: m[1] ?? m[2] ?? '', port }
}

interface DataEntry { readonly oid: string; readonly type: DataType; readonly value: GoTemplate }

class SnmpTrapHandler implements AlertHandler {
  readonly kind = 'snmptrap'
  private session: Session | undefined

  constructor(
    private readonly addr: string,
    private readonly host: string,
    private readonly sessionOpts: SessionOptions,
    private readonly community: string,
    private readonly trapOid: string,
    private readonly data: readonly DataEntry[],
  ) {}

  private open(): Session {
    if (!this.session) {
      const s = snmp.createSession(this.host, this.community, this.sessionOpts)
      // a socket error must not go unheard (an unhandled 'error' event ends the process)
      s.on('error', () => { if (this.session === s) this.session = undefined; s.close() })
      this.session = s
    }
    return this.session
  }

  async handle(e: AlertEvent, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted()
    let varbinds: Varbind[]
    try {
      const td = eventTemplateData(e)
      varbinds = this.data.map((d) => varbindOf(d.oid, d.type, d.value.execute(td)))
    } catch (err) {
      throw undeliverable('snmptrap', err)
    }
    const session = this.open()
    await new Promise<void>((resolve, reject) => {
      session.trap(this.trapOid, varbinds, { upTime: SNMPTRAP_UPTIME }, (err) => {
        if (!err) return resolve()
        if (this.session === session) this.session = undefined
        session.close()
        reject(new Error(`snmptrap: failed to send SNMP trap to ${this.addr}: ${err.message}`))
      })
    })
  }

  close(): void {
    const s = this.session
    this.session = undefined
    s?.close()
  }
}

export const snmpTrapDefinition: HandlerDefinition = {
  kind: 'snmptrap',
  tickName: 'snmpTrap',
  fromTick: (h) => {
    const data = propCalls(h, 'data').map(([oid, type, value]) => ({
      oid: oid?.type === 'string' ? oid.value : '',
      type: type?.type === 'string' ? type.value : '',
      value: value?.type === 'string' ? value.value : '',
    }))
    return compact({
      'trap-oid': h.args[0]?.type === 'string' ? h.args[0].value : tickStr(h, 'trapOid'),
      'data-list': data.length > 0 ? data : undefined,
    })
  },
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledSection(ctx, 'snmptrap')
    const rawTrapOid = str(o, 'trap-oid')
    if (rawTrapOid === '') throw new Error('snmptrap: no trap OID (.snmpTrap(trapOid) or option trap-oid)')
    const trapOid = parseOid(rawTrapOid, 'trap')
    const list = Array.isArray(o['data-list']) ? (o['data-list'] as unknown[]) : []
    const data: DataEntry[] = list.map((d) => {
      const e = (typeof d === 'object' && d !== null ? d : {}) as Section
      return { oid: parseOid(str(e, 'oid'), 'data'), type: dataType(str(e, 'type')), value: handlerTemplate('snmptrap', 'data value', str(e, 'value')) }
    })
    const addr = str(c, 'addr', 'localhost:162')
    if (addr === '') throw new Error('snmptrap: must specify addr ([snmptrap] addr)')
    const { host, port } = splitAddr(addr)
    const retries = num(c, 'retries', 1)
    const sessionOpts: SessionOptions = {
      version: snmp.Version2c, trapPort: port, retries, transport: isIPv6(host) ? 'udp6' : 'udp4',
    }
    return new SnmpTrapHandler(addr, host, sessionOpts, str(c, 'community', 'kapacitor'), trapOid, data)
  },
}
