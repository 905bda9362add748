import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { execDefinition } from '../../../src/alert/handlers/exec.js'
import { createHandlerFactory, tickHandlerOptions } from '../../../src/alert/handlers/index.js'
import { execHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, signal, str, testEvent } from './service-helpers.js'
import { EXPECTED_PAYLOAD, kapacitorEvent } from './core-helpers.js'

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

t.test('TestStream_AlertExec: each program gets the event JSON and a newline on stdin', async (t) => {
  // a script that copies its stdin to the file named by its first argument, then one without arguments
  const script = join(dir, 'my-script')
  writeFileSync(script, '#!/bin/sh\ncat > "$1"\n', { mode: 0o700 })
  const other = join(dir, 'my-other-script')
  writeFileSync(other, `#!/bin/sh\ncat > "${join(dir, 'other.json')}"\n`, { mode: 0o700 })
  const make = createHandlerFactory(enabled)
  const out = join(dir, 'stdin.json')
  await make('exec', execDefinition.fromTick(handler(execHandler, [str(script), str(out), str('arg2')]))).handle(kapacitorEvent(), signal())
  await make('exec', execDefinition.fromTick(handler(execHandler, [str(other)]))).handle(kapacitorEvent(), signal())
  t.equal(readFileSync(out, 'utf8'), EXPECTED_PAYLOAD)
  t.equal(readFileSync(join(dir, 'other.json'), 'utf8'), EXPECTED_PAYLOAD)
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
