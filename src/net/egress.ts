/**
 * Kapacitor's `-blacklist-cidrs`: outgoing HTTP requests made for users' tasks (the `post`
 * alert handler, the httpPost node) must not connect to addresses in these CIDRs (an
 * operator's guard against tasks reaching internal services). Checked when the socket is
 * made, on the address actually connected to: an IP literal before connecting, a host
 * name by the `lookup` given to `http.request`, so a name that resolves inside a blocked
 * range is refused whatever it is called.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

export class EgressRefusedError extends Error {
  constructor(readonly address: string) {
    super(`connection to ${address} refused: the address is in a -blacklist-cidrs range`)
    this.name = 'EgressRefusedError'
  }
}

export interface EgressPolicy {
  /** true when some ranges are blocked */
  readonly restricted: boolean
  /** throws EgressRefusedError when `host` is an IP literal in a blocked range */
  checkHost(host: string): void
  /** a `dns.lookup` for `http.request({ lookup })` that fails for blocked addresses */
  readonly lookup: LookupFunction
}

export const OPEN_EGRESS: EgressPolicy = { restricted: false, checkHost: () => {}, lookup: dnsLookup as unknown as LookupFunction }

/** `-blacklist-cidrs` text: comma-separated CIDRs (`10.0.0.0/8,fd00::/8`); throws with the bad entry. */
export function parseCidrList(text: string): string[] {
  const out: string[] = []
  for (const raw of text.split(',')) {
    const cidr = raw.trim()
    if (cidr === '') continue
    const m = /^(.+)\/(\d{1,3})$/.exec(cidr)
    const family = m ? isIP(m[1]!) : 0
    if (m === null || family === 0 || Number(m[2]) > (family === 4 ? 32 : 128)) throw new Error(`invalid CIDR ${JSON.stringify(cidr)}: want an address/prefix such as 10.0.0.0/8`)
    out.push(cidr)
  }
  return out
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

export function egressPolicy(cidrs: readonly string[]): EgressPolicy {
  if (cidrs.length === 0) return OPEN_EGRESS
  const blocked = new BlockList()
  for (const cidr of cidrs) {
    const slash = cidr.lastIndexOf('/')
    const address = cidr.slice(0, slash)
    blocked.addSubnet(address, Number(cidr.slice(slash + 1)), isIP(address) === 6 ? 'ipv6' : 'ipv4')
  }
  const isBlocked = (address: string): boolean => {
    const family = isIP(address)
    if (family === 0) return false
    // an IPv4-mapped IPv6 address (::ffff:10.0.0.1) is checked as the IPv4 one it is
    const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address) : null
    if (mapped) return blocked.check(mapped[1]!, 'ipv4')
    return blocked.check(address, family === 6 ? 'ipv6' : 'ipv4')
  }
  const lookup = ((hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) { callback(err, options.all ? [] : ''); return }
      const list = addresses as LookupAddress[]
      const refused = list.find((a) => isBlocked(a.address))
      if (refused) { callback(new EgressRefusedError(refused.address) as NodeJS.ErrnoException, options.all ? [] : ''); return }
      if (options.all) callback(null, list)
      else callback(null, list[0]!.address, list[0]!.family)
    })
  }) as unknown as LookupFunction
  return {
    restricted: true,
    checkHost(host) {
      const h = unbracket(host)
      if (isBlocked(h)) throw new EgressRefusedError(h)
    },
    lookup,
  }
}
