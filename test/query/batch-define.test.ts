/**
 * When a batch query is refused: a query that parses but cannot be a batch query (its own
 * time conditions, GROUP BY time(), fill()) when the task is defined, with its position in
 * the query; a query that does not parse and a bad schedule when the task starts (as
 * Kapacitor, which defines `query('SELECT 1')` and refuses it at enable).
 */
import t from 'tap'
import { pino } from 'pino'
import { checkAtStart, definePipeline, type BatcherFields } from '../../src/interp/eval/define.js'
import { ManualScheduler } from '../../src/pipeline/scheduler.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { TaskExecution } from '../../src/pipeline/task-execution.js'

const opts = { type: 'batch' as const, dbrps: [{ db: 'db', rp: 'rp' }] }

function startTask(script: string): TaskExecution {
  const d = definePipeline(script, opts)
  const s = new ManualScheduler(0n)
  return new TaskExecution({ id: 't', type: d.type, dbrps: d.dbrps, pipeline: d.pipeline, logger: pino({ level: 'silent' }), clock: s.clock, scheduler: s, services: newTaskServices() })
}

t.test('time conditions in the query: refused at define, located in the query', async (t) => {
  t.throws(() => definePipeline(`batch
    |query('SELECT v FROM db.rp.m WHERE time > now() - 1h')
        .every(10s)
    |httpOut('out')`, opts), { name: 'TickScriptError', message: /^line 2 char 6: invalid batch query: line 1 char 29: .*time/ })
})

t.test("the query's own GROUP BY time(): refused at define", async (t) => {
  t.throws(() => definePipeline(`batch|query('SELECT mean(v) FROM db.rp.m GROUP BY time(1m)').every(1m)|httpOut('out')`, opts), { message: /invalid batch query: line 1 char \d+/ })
})

t.test('a query that does not parse: defined, refused at start with its position', async (t) => {
  const script = `batch|query('SELECT FROM').every(10s)|httpOut('out')`
  const d = definePipeline(script, opts)
  t.same(checkAtStart(d.pipeline), [])
  t.throws(() => startTask(script), { name: 'TaskStartError', message: /^query1: line 1 char 8: / })
})

t.test('schedule problems: at start', async (t) => {
  const both = definePipeline(`batch|query('SELECT v FROM db.rp.m').every(10s).cron('* * * * *')|httpOut('out')`, opts)
  t.same(checkAtStart(both.pipeline).map((p) => p.message), ["must not set both 'every' and 'cron' properties"])
  const badCron = definePipeline(`batch|query('SELECT v FROM db.rp.m').cron('every day')|httpOut('out')`, opts)
  t.match(checkAtStart(badCron.pipeline).map((p) => p.message), [/invalid cron expression "every day"/])
  const zero = definePipeline(`batch|query('SELECT v FROM db.rp.m').every(0s)|httpOut('out')`, opts)
  t.same(checkAtStart(zero.pipeline).map((p) => p.message), ["'every' duration must be positive"])
})

t.test("a design-doc batcher: its fields make the script's implicit query", async (t) => {
  const q = 'SELECT mean("usage_idle") AS value FROM "telegraf"."autogen"."cpu"'
  const show = (script: string, batcher: BatcherFields): { nodes: string[]; props: Record<string, string[]> } => {
    const d = definePipeline(script, { ...opts, batcher })
    const query = d.pipeline.nodes.find((n) => n.type === 'query')!
    return {
      nodes: d.pipeline.nodes.map((n) => `${n.name}<-${n.parents.join(',')}`),
      props: Object.fromEntries([...query.props].map(([k, calls]) => [k, calls[0]!.args.map((a) => (a.type === 'duration' ? `${a.ns / 1_000_000_000n}s` : a.type === 'time' ? `time(${a.ns / 1_000_000_000n}s)` : a.type === 'string' ? a.value : a.type))])),
    }
  }
  t.same(show('batch.filter(<, 30).alert()', { query: q, period: '15m', groupBy: '1h, host' }), {
    nodes: ['batch0<-', 'query1<-batch0', 'where2<-query1', 'alert3<-where2'],
    props: { period: ['900s'], every: ['900s'], groupBy: ['time(3600s)', 'host'] },
  }, 'batch.filter(<, 30).alert() with --period 15m --group-by 1h,host')
  t.same(show("batch|count('value')", { query: q, cron: '*/15 * * * *' }).props, { cron: ['*/15 * * * *'], period: ['900s'] },
    'a cron without period queries the time since the previous run')
  t.same(show("var b = batch\nb.map(mean, 'value').httpOut('m')\nb|httpOut('raw')", { query: q, period: '1m' }).nodes,
    ['batch0<-', 'query1<-batch0', 'mean2<-query1', 'http_out3<-mean2', 'http_out4<-query1'], 'every chain on batch hangs under the one query')
  t.throws(() => definePipeline("batch|query('SELECT v FROM db.rp.m').every(1m)", { ...opts, batcher: { query: q, period: '1m' } }), { message: /batcher: the script must not have its own query/ })
  t.throws(() => definePipeline('batch.filter(<, 30)', { ...opts, batcher: { query: q } }), { message: /batcher: needs a period or a cron schedule/ })
  t.throws(() => definePipeline('batch.filter(<, 30)', { ...opts, batcher: { query: q, cron: 'sometimes' } }), { message: /invalid cron expression "sometimes"/ })
})
