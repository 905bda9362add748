/** Reading a socket's kernel drop counter out of /proc/net/udp and /proc/net/udp6. */
import t from 'tap'
import { kernelKey, parseProcNetUdp, type KernelUdpRow } from '../../src/ingest/stats.js'

const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
 6468: 0100007F:BA72 00000000:0000 07 00000000:00000300 00:00000000 00000000     0        0 9536 2 0000000058897134 17
 6469: 00000000:1F99 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 9537 2 0000000058897135 0
`
const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 00000000000000000000000000000000:1F99 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 9538 2 0000000000000000 5
  101: 00000000000000000000000001000000:2000 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 9539 2 0000000000000000 9
  102: 0000000000000000FFFF00000100007F:2001 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 9540 2 0000000000000000 4
`

t.test('rows are keyed by local address and port, in both tables', async (t) => {
  const table = new Map<string, KernelUdpRow>()
  parseProcNetUdp(UDP, table)
  parseProcNetUdp(UDP6, table)
  t.same(table.get(kernelKey('127.0.0.1', 0xba72)), { drops: 17, rxQueue: 0x300 })
  t.same(table.get(kernelKey('0.0.0.0', 0x1f99)), { drops: 0, rxQueue: 0 }, 'IPv4 wildcard')
  t.same(table.get(kernelKey('::', 0x1f99)), { drops: 5, rxQueue: 0 }, 'IPv6 wildcard is a different socket')
  t.same(table.get(kernelKey('::1', 0x2000)), { drops: 9, rxQueue: 0 })
  t.same(table.get(kernelKey('::ffff:127.0.0.1', 0x2001)), { drops: 4, rxQueue: 0 }, 'IPv4-mapped')
  t.equal(table.get(kernelKey('127.0.0.1', 1)), undefined)
})
