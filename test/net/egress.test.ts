import t from 'tap'
import { EgressRefusedError, OPEN_EGRESS, egressPolicy, parseCidrList } from '../../src/net/egress.js'

t.test('-blacklist-cidrs text: comma-separated, spaces and empty entries ignored, bad ones named', async (t) => {
  t.same(parseCidrList(''), [])
  t.same(parseCidrList('10.0.0.0/8, 192.168.0.0/16,,fd00::/8'), ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'])
  for (const bad of ['10.0.0.0', '10.0.0.0/33', 'fd00::/129', 'example.com/8', '/8']) {
    t.throws(() => parseCidrList(`127.0.0.0/8,${bad}`), { message: new RegExp(`invalid CIDR "${bad.replace(/[./]/g, '\\$&')}"`) }, bad)
  }
})

t.test('IP literals: blocked inside the ranges, IPv4-mapped IPv6 as its IPv4, others allowed', async (t) => {
  const p = egressPolicy(['10.0.0.0/8', 'fd00::/8'])
  t.ok(p.restricted)
  const refused = (host: string): boolean => { try { p.checkHost(host); return false } catch (err) { return err instanceof EgressRefusedError } }
  t.ok(refused('10.1.2.3'))
  t.ok(refused('::ffff:10.1.2.3'), 'mapped IPv4')
  t.ok(refused('[fd12::1]'), 'bracketed IPv6 from a URL')
  t.notOk(refused('11.0.0.1'))
  t.notOk(refused('fe80::1'))
  t.notOk(refused('example.com'), 'names are checked when resolved')
  t.notOk(OPEN_EGRESS.restricted)
})

t.test('a name that resolves into a blocked range is refused by the lookup', async (t) => {
  const p = egressPolicy(['127.0.0.0/8', '::1/128'])
  const err = await new Promise<Error | null>((resolve) => {
    p.lookup('localhost', {}, (e) => resolve(e))
  })
  t.type(err, EgressRefusedError)
  const open = egressPolicy(['10.0.0.0/8'])
  const addr = await new Promise<string>((resolve, reject) => {
    open.lookup('localhost', { family: 4 }, (e, a) => (e ? reject(e) : resolve(a as string)))
  })
  t.equal(addr, '127.0.0.1', 'an allowed name resolves as dns.lookup does')
})
