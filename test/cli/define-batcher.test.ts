/**
 * `kapacitor define batcher --name N --query '...' (--period d | --cron '...') [--group-by d]
 * --script f`: the dbrps read from the query's FROM, the argument errors, and the task
 * the server stores.
 */
import t from 'tap'
import { batcherOptions, fromDbrps } from '../../src/cli/define-batcher.js'
import { startInfluxd } from '../fixtures/influxd.js'
import { startCliEnv } from './cli-env.js'

const T0 = Date.UTC(2026, 0, 1) / 1000 // seconds
const iso = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z')

t.test('the dbrps of a FROM clause: only fully qualified sources name a database', async (t) => {
  const cases: Array<[string, ReturnType<typeof fromDbrps>]> = [
    ['SELECT mean("usage_idle") FROM "telegraf"."autogen"."cpu"', [{ db: 'telegraf', rp: 'autogen' }]],
    ['select max(v) from telegraf.autogen.cpu where host = \'a\'', [{ db: 'telegraf', rp: 'autogen' }]],
    ['SELECT v FROM "tele.graf"."one week"."cpu load"', [{ db: 'tele.graf', rp: 'one week' }]],
    ['SELECT v FROM "a \\" b".rp.m', [{ db: 'a " b', rp: 'rp' }]],
    ['SELECT v FROM telegraf..cpu', [{ db: 'telegraf', rp: 'autogen' }]],
    ['SELECT v FROM telegraf.autogen./cpu.*/', [{ db: 'telegraf', rp: 'autogen' }]],
    ['SELECT v FROM a.b.cpu, c.d.mem', [{ db: 'a', rp: 'b' }, { db: 'c', rp: 'd' }]],
    ['SELECT v FROM autogen.cpu', [undefined]],
    ['SELECT v FROM cpu', [undefined]],
    ['SELECT "from" FROM db.rp.m', [{ db: 'db', rp: 'rp' }]],
    ["SELECT v FROM db.rp.m WHERE x = 'from here'", [{ db: 'db', rp: 'rp' }]],
    ['SELECT 1', []],
  ]
  for (const [q, want] of cases) t.same(fromDbrps(q), want, q)
})

t.test('batcher options: period or cron (one of them), group-by, dbrps from the FROM or --dbrp', async (t) => {
  const q = 'SELECT mean("usage_idle") FROM "telegraf"."autogen"."cpu"'
  t.same(batcherOptions({ query: q, period: '15m', 'group-by': '1h' }, 's'), {
    type: 'batch', script: 's', dbrps: [{ db: 'telegraf', rp: 'autogen' }], query: q, period: '15m', cron: '', 'group-by': '1h',
  })
  t.same(batcherOptions({ query: q, cron: '*/15 * * * *' }, 's'), {
    type: 'batch', script: 's', dbrps: [{ db: 'telegraf', rp: 'autogen' }], query: q, period: '', cron: '*/15 * * * *', 'group-by': '',
  }, 'what the command line does not give is cleared: the command line is the whole batcher')
  t.same(batcherOptions({ query: 'SELECT v FROM a.b.c, a.b.d', period: '1m' }, 's').dbrps, [{ db: 'a', rp: 'b' }], 'each pair once')
  t.same(batcherOptions({ query: 'SELECT v FROM cpu', period: '1m', dbrp: ['db.rp'] }, 's').dbrps, [{ db: 'db', rp: 'rp' }])
  t.throws(() => batcherOptions({ query: q }, 's'), /define batcher needs one of --period or --cron/)
  t.throws(() => batcherOptions({ query: q, period: '1m', cron: '* * * * *' }, 's'), /define batcher needs one of --period or --cron/)
  t.throws(() => batcherOptions({ period: '1m' }, 's'), /define batcher needs --query/)
  t.throws(() => batcherOptions({ query: 'SELECT v FROM cpu', period: '1m' }, 's'), /cannot tell the database of the query: write its FROM as "db"."rp"."measurement" or give --dbrp db.rp/)
})

t.test('the command line: wrong arguments are usage errors (exit 2) and nothing is defined', async (t) => {
  const k = await startCliEnv(t)
  const script = k.file('b.tick', "batch\n    |httpOut('out')\n")
  const q = 'SELECT mean("usage_idle") FROM "telegraf"."autogen"."cpu"'
  const cases: Array<[string[], RegExp]> = [
    [['define', 'batcher', '--name', 'b', '--query', q, '--script', script], /^define batcher needs one of --period or --cron\n\nUsage: kapacitor define/],
    [['define', 'batcher', '--query', q, '--period', '1m', '--script', script], /^define batcher needs --name\n/],
    [['define', 'batcher', '--name', 'b', '--query', q, '--period', '1m'], /^define batcher needs --script <path to the TICKscript>\n/],
    [['define', 'batcher', '--name', 'b', '--query', q, '--period', '1m', '--from', 'cpu', '--script', script], /^--from: not for 'define batcher'\n/],
    [['define', 'streamer', '--name', 's', '--from', 'cpu', '--period', '1m', '--script', script], /^--period: not for 'define streamer'\n/],
    [['define', 'mytask', '--query', q], /^--query: only for 'define streamer --name <id> \.\.\.' or 'define batcher --name <id> \.\.\.'\n/],
  ]
  for (const [args, err] of cases) {
    const r = await k.kapacitor(...args)
    t.equal(r.code, 2, args.join(' '))
    t.match(r.err, err)
  }
  t.equal((await k.kapacitor('list', 'tasks')).out.split('\n').length, 2, 'only the header')
  const missing = await k.kapacitor('define', 'batcher', '--name', 'b', '--query', q, '--period', '1m', '--script', `${k.dir}/nope.tick`)
  t.same(missing, { code: 1, out: '', err: `open ${k.dir}/nope.tick: no such file or directory\n` })
})

t.test('the stored batcher: a disabled batch task with the query, schedule and group-by fields', async (t) => {
  const k = await startCliEnv(t)
  const script = k.file('b.tick', "batch\n    |httpOut('out')\n")
  const q = 'SELECT mean("usage_idle") FROM "telegraf"."autogen"."cpu"'
  const r = await k.kapacitor('define', 'batcher', '--name', 'cpu_hourly', '--query', q, '--period', '15m', '--group-by', '1h', '--script', script)
  t.same(r, { code: 0, out: '', err: '' })
  t.match((await k.get('/kapacitor/v1/tasks/cpu_hourly')).body, {
    id: 'cpu_hourly', type: 'batch', status: 'disabled', dbrps: [{ db: 'telegraf', rp: 'autogen' }], query: q, period: '15m', 'group-by': '1h',
  })
  t.match((await k.kapacitor('list', 'tasks')).out, /\ncpu_hourly batch +disabled +false +\["telegraf"\."autogen"\]\n/)
})

t.test('a batcher runs its query (replay-live batch against a real influxd), is pushed with its fields, and its script errors are the server\'s', async (t) => {
  const influx = await startInfluxd()
  t.teardown(() => influx.stop())
  await influx.createDatabase('telegraf')
  let lines = ''
  for (let i = 0; i < 60; i++) lines += `cpu,host=a usage=${i} ${T0 + i}\n`
  t.equal((await influx.write(lines, { db: 'telegraf', precision: 's' })).status, 204)
  const sections = { influxdb: [{ name: 'local', urls: [influx.url], 'disable-subscriptions': true }] }
  const k = await startCliEnv(t, { sections })
  const script = k.file('b.tick', "batch\n    |httpOut('out')\n")
  const q = 'SELECT mean("usage") AS mean FROM "telegraf"."autogen"."cpu"'
  const def = await k.kapacitor('define', 'batcher', '--name', 'cpu_mean', '--query', q, '--period', '20s', '--group-by', '10s', '--script', script)
  t.same(def, { code: 0, out: '', err: '' })

  const live = await k.kapacitor('replay-live', 'batch', '-task', 'cpu_mean', '-start', iso(T0), '-stop', iso(T0 + 60), '-rec-time', '-replay-id', 'b1')
  t.same(live, { code: 0, out: 'b1\n', err: '' })
  const out = (await k.get('/kapacitor/v1/tasks/cpu_mean/out?replay-id=b1')).body as { series: Array<{ values: unknown[][] }> }
  t.same(out.series[0]!.values, [[iso(T0 + 40), 44.5], [iso(T0 + 50), 54.5]], 'the last 20 s period, grouped by time(10s)')

  const remote = await startCliEnv(t)
  const pushed = await k.kapacitor('push', '--remote', remote.url, 'cpu_mean')
  t.same(pushed, { code: 0, out: `pushed cpu_mean to ${remote.url}: created, enabled\n`, err: '' })
  t.match((await remote.get('/kapacitor/v1/tasks/cpu_mean')).body, {
    type: 'batch', status: 'enabled', dbrps: [{ db: 'telegraf', rp: 'autogen' }], query: q, period: '20s', 'group-by': '10s',
  })

  const cron = await k.kapacitor('define', 'batcher', '--name', 'cpu_cron', '--query', q, '--cron', '*/15 * * * *', '--script', script)
  t.same(cron, { code: 0, out: '', err: '' })
  t.match((await k.get('/kapacitor/v1/tasks/cpu_cron')).body, { type: 'batch', query: q, cron: '*/15 * * * *' })
  // defined again with a period: the cron is gone, and so is a group-by not given again
  t.same(await k.kapacitor('define', 'batcher', '--name', 'cpu_mean', '--query', q, '--cron', '0 * * * *', '--script', script), { code: 0, out: '', err: '' })
  const redefined = (await k.get('/kapacitor/v1/tasks/cpu_mean')).body as Record<string, unknown>
  t.same([redefined['period'] ?? '', redefined['cron'], redefined['group-by'] ?? ''], ['', '0 * * * *', ''])
  // pushed again: the remote's batcher takes the new schedule whole
  t.equal((await k.kapacitor('push', '--remote', remote.url, 'cpu_mean')).code, 0)
  const onRemote = (await remote.get('/kapacitor/v1/tasks/cpu_mean')).body as Record<string, unknown>
  t.same([onRemote['period'] ?? '', onRemote['cron'], onRemote['group-by'] ?? '', onRemote['status']], ['', '0 * * * *', '', 'enabled'])

  const own = k.file('own.tick', "batch\n    |query('SELECT v FROM db.rp.m')\n    |httpOut('out')\n")
  const bad = await k.kapacitor('define', 'batcher', '--name', 'bad', '--query', q, '--period', '1m', '--script', own)
  t.equal(bad.code, 1)
  t.match(bad.err, /the script must not have its own query\(\); it is given by the batcher/)
})
