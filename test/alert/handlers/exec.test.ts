import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { execDefinition } from '../../../src/alert/handlers/exec.js'
import { createHandlerFactory, tickHandlerOptions } from '../../../src/alert/handlers/index.js'
import { execHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, signal, str, testEvent } from './service-helpers.js'
import { EXPECTED_PAYLOAD } from './core-helpers.js'

const enabled = ctxWith({ alert: { 'exec-enabled': true } })
const dir = mkdtempSync(join(tmpdir(), 'kapacitor-exec-'))

t.test('TICKscript .exec(prog, args...) becomes {prog, args}', async (t) => {
  t.same(execDefinition.fromTick(handler(execHandler, [str('/bin/sh'), str('-c'), str('cat')])), { prog: '/bin/sh', args: ['-c', 'cat'] })
  t.same(tickHandlerOptions(handler(execHandler, [str('/usr/bin/true')])), { kind: 'exec', options: { prog: '/usr/bin/true', args: [] } })
})

t.test('refused unless [alert] exec-enabled = true, on every path through create()', async (t) => {
  const msg = 'exec handler is disabled: set [alert] exec-enabled = true in the config file'
  for (const sections of [{}, { alert: {} }, { alert: { 'exec-enabled': false } }, { alert: { 'exec-enabled': 'true' } }]) {
    t.throws(() => execDefinition.create({ prog: '/bin/true' }, ctxWith(sections)), new Error(msg))
    // the factory tasks (TICKscript handlers) and topic handlers use
    t.throws(() => createHandlerFactory(ctxWith(sections))('exec', { prog: '/bin/true' }), new Error(msg))
  }
})

t.test('runs the program with the event JSON on stdin (TestStream_AlertExec)', async (t) => {
  const out = join(dir, 'stdin.json')
  const h = createHandlerFactory(enabled)('exec', { prog: '/bin/sh', args: ['-c', 'cat > "$0"', out] })
  await h.handle(testEvent(), signal())
  t.equal(readFileSync(out, 'utf8'), EXPECTED_PAYLOAD)
})

t.test('a non-zero exit is a failed attempt, with its stderr', async (t) => {
  const h = execDefinition.create({ prog: '/bin/sh', args: ['-c', 'cat >/dev/null; echo broken >&2; exit 3'] }, enabled)
  await t.rejects(h.handle(testEvent(), signal()), /exec: \/bin\/sh failed with exit status 3: broken/)
  await t.rejects(execDefinition.create({ prog: join(dir, 'no-such-program') }, enabled).handle(testEvent(), signal()), /ENOENT/)
})

t.test('an aborted attempt kills the process', async (t) => {
  const h = execDefinition.create({ prog: '/bin/sh', args: ['-c', 'exec sleep 30'] }, enabled)
  const ac = new AbortController()
  const p = h.handle(testEvent(), ac.signal)
  ac.abort(new Error('delivery timeout'))
  await t.rejects(p, /delivery timeout/)
})

t.test('bad options', async (t) => {
  t.throws(() => execDefinition.create({}, enabled), /exec: option prog is required/)
  t.throws(() => execDefinition.create({ prog: '/bin/true', args: [1] }, enabled), /args must be a list of strings/)
})
