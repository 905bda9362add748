/**
 * Config sections with `global = true` (and `enabled = true`) attach their handler to every
 * alert node that has none of that kind; `state-changes-only = true` forces
 * stateChangesOnly on those alerts (Kapacitor's global handlers).
 */
import t from 'tap'
import { globalHandlersFromSections } from '../../src/alert/handlers/index.js'
import type { AlertEvent, AlertHandler } from '../../src/alert/types.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { lp, startStream } from '../fixtures/stream-harness.js'

t.test('which sections are global', async (t) => {
  t.same(globalHandlersFromSections({
    smtp: { enabled: true, global: true, 'state-changes-only': true, host: 'x' },
    slack: [{ enabled: true, global: true, workspace: 'ops' }, { enabled: true, workspace: 'dev' }],
    teams: { enabled: false, global: true },
    pagerduty2: { enabled: true },
    httppost: [{ endpoint: 'x', url: 'http://x' }],
  }), [
    { kind: 'smtp', options: {}, stateChangesOnly: true },
    { kind: 'slack', options: { workspace: 'ops' }, stateChangesOnly: false },
  ])
})

t.test('a global handler gets every alert, and state-changes-only holds repeats back', async (t) => {
  const got: Array<[string, string]> = []
  const probe = (kind: string): AlertHandler => ({ kind, async handle(e: AlertEvent) { got.push([kind, e.level]) } })
  const run = startStream(`stream|from().measurement('cpu')|alert().crit(lambda: "v" > 1)`, {
    services: newTaskServices({
      globalHandlers: [{ kind: 'smtp', options: {}, stateChangesOnly: true }],
      createHandler: (kind) => probe(kind),
    }),
  })
  run.write(lp('cpu v=5 1\ncpu v=6 2\ncpu v=0 3\n'))
  for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setImmediate(r))
  t.same(got, [['smtp', 'CRITICAL'], ['smtp', 'OK']], 'the repeated CRITICAL at 2 s is held back')
  run.stop()
})

t.test('an alert with its own handler of that kind does not get the global one too', async (t) => {
  const kinds: string[] = []
  const run = startStream(`stream|from().measurement('cpu')|alert().crit(lambda: "v" > 1).post('http://127.0.0.1:1/x')`, {
    services: newTaskServices({
      globalHandlers: [{ kind: 'post', options: {}, stateChangesOnly: false }, { kind: 'smtp', options: {}, stateChangesOnly: false }],
      createHandler: (kind) => { kinds.push(kind); return { kind, async handle() {} } },
    }),
  })
  t.same(kinds, ['post', 'smtp'])
  run.stop()
})
