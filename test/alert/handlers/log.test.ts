import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { logDefinition } from '../../../src/alert/handlers/log.js'
import { createHandlerFactory } from '../../../src/alert/handlers/index.js'
import { logHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, int, signal, str, testEvent } from './service-helpers.js'
import { EXPECTED_PAYLOAD, kapacitorEvent } from './core-helpers.js'

const enabled = ctxWith({ alert: { 'log-file-enabled': true } })
const dir = mkdtempSync(join(tmpdir(), 'kapacitor-log-'))

t.test('TICKscript .log(path).mode(m) becomes {path, mode}', async (t) => {
  t.same(logDefinition.fromTick(handler(logHandler, [str('/tmp/a.log')])), { path: '/tmp/a.log', mode: 0o600 })
  t.same(logDefinition.fromTick(handler(logHandler, [str('/tmp/a.log')], { mode: [[int(0o644)]] })), { path: '/tmp/a.log', mode: 0o644 })
})

t.test('refused unless [alert] log-file-enabled = true, on every path through create()', async (t) => {
  const msg = 'log handler is disabled: set [alert] log-file-enabled = true in the config file'
  for (const sections of [{}, { alert: { 'log-file-enabled': false } }, { alert: { 'exec-enabled': true } }]) {
    t.throws(() => logDefinition.create({ path: join(dir, 'x.log') }, ctxWith(sections)), new Error(msg))
    t.throws(() => createHandlerFactory(ctxWith(sections))('log', { path: join(dir, 'x.log') }), new Error(msg))
  }
})

t.test('TestStream_AlertLog: .log(normal) and .log(mode).mode(0644) each append the event JSON line', async (t) => {
  const normal = join(dir, 'normal.log')
  const mode = join(dir, 'mode.log')
  const make = createHandlerFactory(enabled)
  const handlers = [make('log', logDefinition.fromTick(handler(logHandler, [str(normal)]))),
    make('log', logDefinition.fromTick(handler(logHandler, [str(mode)], { mode: [[int(0o644)]] })))]
  for (const h of handlers) await h.handle(kapacitorEvent(), signal())
  t.equal(readFileSync(normal, 'utf8'), EXPECTED_PAYLOAD)
  t.equal(readFileSync(mode, 'utf8'), EXPECTED_PAYLOAD)
  t.equal(statSync(normal).mode & 0o777, 0o600)
  t.equal(statSync(mode).mode & 0o777, 0o644 & ~process.umask())
})

t.test('appends, one line per event, never truncates', async (t) => {
  const path = join(dir, 'alerts.log')
  const h = createHandlerFactory(enabled)('log', { path })
  await h.handle(kapacitorEvent(), signal())
  await h.handle(kapacitorEvent({ level: 'OK', message: 'ok', previousLevel: 'CRITICAL' }), signal())
  // a second handler on the same file appends too
  await logDefinition.create({ path, mode: 0o644 }, enabled).handle(kapacitorEvent(), signal())
  const lines = readFileSync(path, 'utf8').split('\n')
  t.equal(lines.length, 4)
  t.equal(lines[0] + '\n', EXPECTED_PAYLOAD)
  t.match(JSON.parse(lines[1]!), { level: 'OK', previousLevel: 'CRITICAL', message: 'ok' })
  t.equal(lines[2] + '\n', EXPECTED_PAYLOAD)
  t.equal(lines[3], '')
  t.equal(statSync(path).mode & 0o777, 0o600, 'the mode applies only when the file is created')
})

t.test('the mode option is used when creating the file', async (t) => {
  const path = join(dir, 'mode-0640.log')
  await logDefinition.create({ path, mode: 0o640 }, enabled).handle(testEvent(), signal())
  t.equal(statSync(path).mode & 0o777, 0o640 & ~process.umask())
})

t.test('bad options and an unwritable path', async (t) => {
  t.throws(() => logDefinition.create({}, enabled), /log: option path is required/)
  t.throws(() => logDefinition.create({ path: 'relative.log' }, enabled), /path must be absolute/)
  t.throws(() => logDefinition.create({ path: join(dir, 'a'), mode: 'rw' }, enabled), /mode must be a file mode/)
  await t.rejects(logDefinition.create({ path: join(dir, 'no', 'such', 'dir.log') }, enabled).handle(testEvent(), signal()), /ENOENT/)
})
