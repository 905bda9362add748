/** checkAtStart: the checks Kapacitor defers to task start (a batch query's schedule). */
import t from 'tap'
import { checkAtStart, definePipeline } from '../../../src/interp/eval/define.js'

const opts = { dbrps: [{ db: 'telegraf', rp: 'autogen' }] }

t.test('a query without every or cron is defined, and refused at start', async (t) => {
  const d = definePipeline("batch\n    |query('SELECT 1')\n        .period(1m)", opts)
  t.same(checkAtStart(d.pipeline), [{ line: 2, column: 6, message: "must define one of 'every' or 'cron'" }])
  const ok = definePipeline("batch\n    |query('SELECT 1')\n        .period(1m)\n        .every(1m)", opts)
  t.same(checkAtStart(ok.pipeline), [])
})
