/**
 * Waiting for a server-side recording or replay: polling while it runs, the progress
 * reported to a bar, and the bar as drawn on a terminal stream (stderr).
 */
import { PassThrough } from 'node:stream'
import t from 'tap'
import { progressBars } from '../../src/cli/progress-bar.js'
import { waitWhileRunning, type Progress, type Running } from '../../src/cli/wait.js'

function recorder(): { events: string[]; factory: (label: string) => Progress } {
  const events: string[] = []
  return {
    events,
    factory: (label) => {
      events.push(`start ${label}`)
      return { update: (f) => { events.push(`update ${f}`) }, stop: () => { events.push('stop') } }
    },
  }
}

t.test('polls while running, shows each progress, then 100% and stops the bar', async (t) => {
  const answers: Running[] = [{ status: 'running', progress: 0.5 }, { status: 'running', progress: 0.75 }, { status: 'finished', progress: 1 }]
  let polls = 0
  const r = recorder()
  const last = await waitWhileRunning({ status: 'running', progress: 0.25 }, async () => { polls++; return answers.shift()! }, 'replay rp1', r.factory, { pollMs: 0 })
  t.same(last, { status: 'finished', progress: 1 })
  t.equal(polls, 3)
  t.same(r.events, ['start replay rp1', 'update 0.25', 'update 0.5', 'update 0.75', 'update 1', 'stop'])
})

t.test('a failed run stops the bar without completing it; one already done shows no bar', async (t) => {
  const r = recorder()
  const last = await waitWhileRunning({ status: 'running' }, async () => ({ status: 'failed' }), 'recording x', r.factory, { pollMs: 0 })
  t.same(last, { status: 'failed' })
  t.same(r.events, ['start recording x', 'update 0', 'stop'])
  const r2 = recorder()
  await waitWhileRunning({ status: 'finished' }, async () => { throw new Error('not polled') }, 'recording y', r2.factory)
  t.same(r2.events, [])
})

t.test('an error while polling stops the bar and is the caller\'s', async (t) => {
  const r = recorder()
  await t.rejects(waitWhileRunning({ status: 'running' }, async () => { throw new Error('connection refused') }, 'replay z', r.factory, { pollMs: 0 }), /connection refused/)
  t.same(r.events, ['start replay z', 'update 0', 'stop'])
})

t.test('the cli-progress bar on a terminal: label, bar and percentage, cleared when done', async (t) => {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 80 })
  let drawn = ''
  stream.on('data', (b: Buffer) => { drawn += b.toString() })
  const bar = progressBars(stream)('replay rp1')
  bar.update(0.5)
  bar.stop()
  t.match(drawn, /replay rp1 \[=+-+\] 50%/)
})
