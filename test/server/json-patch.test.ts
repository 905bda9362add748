/** JSON Patch (RFC 6902) as PATCH …/handlers/<id> applies it: each operation, pointer escapes, failures. */
import t from 'tap'
import { applyJsonPatch } from '../../src/server/api/json-patch.js'

t.test('operations', async (t) => {
  const doc = { id: 'h', options: { topics: ['a', 'b'], 'a/b': 1, 'm~n': 2 }, match: '' }
  t.same(applyJsonPatch(doc, [
    { op: 'add', path: '/options/topics/-', value: 'c' },
    { op: 'add', path: '/options/topics/0', value: 'z' },
    { op: 'remove', path: '/options/topics/1' },
    { op: 'replace', path: '/options/a~1b', value: 10 },
    { op: 'move', from: '/options/m~0n', path: '/options/moved' },
    { op: 'copy', from: '/id', path: '/options/copied' },
    { op: 'test', path: '/match', value: '' },
  ]), { id: 'h', options: { topics: ['z', 'b', 'c'], 'a/b': 10, moved: 2, copied: 'h' }, match: '' })
  t.same(doc.options.topics, ['a', 'b'], 'the document itself is not changed')
})

t.test('failures', async (t) => {
  const doc = { id: 'h', options: { topics: ['a'] } }
  for (const patch of [
    { op: 'replace', path: '/nothing', value: 1 },
    { op: 'remove', path: '/options/topics/5' },
    { op: 'add', path: '/missing/deep', value: 1 },
    { op: 'test', path: '/id', value: 'other' },
    { op: 'frobnicate', path: '/id' },
    { op: 'add', path: 'id', value: 1 },
    { op: 'add', path: '/x' },
  ]) t.throws(() => applyJsonPatch(doc, [patch]), { name: 'Error' }, JSON.stringify(patch))
  t.throws(() => applyJsonPatch(doc, { op: 'add' }), /list of operations/)
})
