import t from 'tap'
import { enabledEntry, goJSON, RawJSON, sortedMap } from '../../../src/alert/handlers/service-common.js'
import { ctxWith } from './service-helpers.js'

t.test('goJSON writes what Go encoding/json writes', async (t) => {
  t.equal(goJSON({ b: '<a href="x">&</a>', a: 1 }), '{"b":"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e","a":1}', 'HTML characters escaped, key order kept')
  t.equal(goJSON({ r: new RawJSON('{"n":12345678901234567890}'), s: [new RawJSON('null')] }), '{"r":{"n":12345678901234567890},"s":[null]}', 'raw fragments verbatim (exact integers)')
  t.equal(goJSON(sortedMap({ z: 1, a: 2, m: 3 })), '{"a":2,"m":3,"z":1}', 'Go maps: sorted keys')
})

t.test('array-of-tables sections: the named entry, the only one, or the default', async (t) => {
  const one = ctxWith({ slack: [{ enabled: true, workspace: 'w', url: 'u1' }] })
  t.equal(enabledEntry(one, 'slack', 'workspace', '')['url'], 'u1')
  const two = ctxWith({ slack: [{ enabled: true, workspace: 'a', url: 'ua' }, { enabled: true, workspace: 'b', url: 'ub', default: true }] })
  t.equal(enabledEntry(two, 'slack', 'workspace', '')['url'], 'ub')
  t.equal(enabledEntry(two, 'slack', 'workspace', 'a')['url'], 'ua')
  const noDefault = ctxWith({ slack: [{ enabled: true, workspace: 'a' }, { enabled: true, workspace: 'b' }] })
  t.throws(() => enabledEntry(noDefault, 'slack', 'workspace', ''), /several \[\[slack\]\] sections and none has default = true/)
  t.equal(enabledEntry(ctxWith({ slack: { enabled: true, url: 'single' } }), 'slack', 'workspace', '')['url'], 'single', 'a single table is accepted too')
})
