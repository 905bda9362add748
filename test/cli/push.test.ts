/**
 * `kapacitor push --remote <url> <task>...` between two real daemons: what arrives on the
 * remote (raw script, type, dbrps, vars, a streamer's from/where), that it runs there,
 * an update of a task the remote has, globs, and the errors.
 */
import { createServer } from 'node:net'
import t from 'tap'
import { startCliEnv } from './cli-env.js'

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

const STREAMER = `// from() gets its measurement and where from the streamer's definition
var w = stream
    |from()
    |window()
        .period(10s)
        .every(10s)

w
    |count('usage_user')
        .as('n')
    |httpOut('out')
`

function lines(from: number, to: number): string {
  let s = ''
  for (let i = from; i < to; i++) s += `cpu,cpu=cpu-total,host=a usage_user=${i} ${i}\ncpu,cpu=cpu0,host=a usage_user=1 ${i}\n`
  return s
}

t.test('a streamer: created and enabled on the remote with its raw script, from and where; it runs there', async (t) => {
  const local = await startCliEnv(t)
  const remote = await startCliEnv(t)
  const script = local.file('s.tick', STREAMER)
  t.equal((await local.kapacitor('define', 'streamer', '--name', 'cpu_count', '--from', 'cpu', '--where', "cpu = 'cpu-total'", '--script', script)).code, 0)

  const r = await local.kapacitor('push', '--remote', remote.url, 'cpu_count')
  t.same(r, { code: 0, out: `pushed cpu_count to ${remote.url}: created, enabled\n`, err: '' })
  const task = (await remote.get('/kapacitor/v1/tasks/cpu_count?script-format=raw')).body as Record<string, unknown>
  t.match(task, { id: 'cpu_count', type: 'stream', status: 'enabled', executing: true, from: 'cpu', where: "cpu = 'cpu-total'", dbrps: [{ db: 'telegraf', rp: 'autogen' }] })
  t.equal(task['script'], STREAMER, 'the script as written, not reformatted')
  t.match((await local.get('/kapacitor/v1/tasks/cpu_count')).body, { status: 'disabled' }, 'the local task is left as it was')

  t.equal(await remote.write(lines(0, 11)), 204)
  const out = (await remote.get('/kapacitor/v1/tasks/cpu_count/out')).body as { series: Array<{ values: unknown[][] }> }
  t.same(out.series[0]!.values, [['1970-01-01T00:00:10Z', 10]], 'ten cpu-total points in the first window; cpu0 filtered out by the where')
})

t.test('pushing again updates the remote task (reloaded with the new script) and keeps it enabled', async (t) => {
  const local = await startCliEnv(t)
  const remote = await startCliEnv(t)
  const script = local.file('s.tick', STREAMER)
  await local.kapacitor('define', 'streamer', '--name', 'cpu_count', '--from', 'cpu', '--script', script)
  t.equal((await local.kapacitor('push', '--remote', remote.url, 'cpu_count')).code, 0)

  local.file('s.tick', STREAMER.replace("httpOut('out')", "httpOut('out2')"))
  await local.kapacitor('define', 'streamer', '--name', 'cpu_count', '--from', 'cpu', '--where', "cpu = 'cpu0'", '--script', script)
  const r = await local.kapacitor('push', '--remote', remote.url, 'cpu_count')
  t.same(r, { code: 0, out: `pushed cpu_count to ${remote.url}: updated, enabled\n`, err: '' })
  const task = (await remote.get('/kapacitor/v1/tasks/cpu_count?script-format=raw')).body as Record<string, unknown>
  t.match(task, { status: 'enabled', executing: true, where: "cpu = 'cpu0'" })
  t.match(task['script'], /httpOut\('out2'\)/)
  t.equal(await remote.write(lines(0, 11)), 204)
  const out = (await remote.get('/kapacitor/v1/tasks/cpu_count/out2')).body as { series: Array<{ values: unknown[][] }> }
  t.same(out.series[0]!.values, [['1970-01-01T00:00:10Z', 10]], 'the new definition runs: cpu0 points counted')

  // defined again without --where: the where is gone here, and pushed, gone there too
  await local.kapacitor('define', 'streamer', '--name', 'cpu_count', '--from', 'cpu', '--script', script)
  const whereOf = async (env: typeof local): Promise<unknown> => ((await env.get('/kapacitor/v1/tasks/cpu_count')).body as Record<string, unknown>)['where'] ?? ''
  t.equal(await whereOf(local), '')
  t.equal((await local.kapacitor('push', '--remote', remote.url, 'cpu_count')).code, 0)
  t.equal(await whereOf(remote), '')
  t.equal(await remote.write(lines(20, 31)), 204)
  const all = (await remote.get('/kapacitor/v1/tasks/cpu_count/out2')).body as { series: Array<{ values: unknown[][] }> }
  t.same(all.series[0]!.values, [['1970-01-01T00:00:30Z', 20]], 'both cpus counted: no where any more')
})

t.test('a glob pushes every matching task; a task from a template goes with its script and vars', async (t) => {
  const local = await startCliEnv(t)
  const remote = await startCliEnv(t)
  const tpl = local.file('tpl.tick', "var field string\nstream|from().measurement('cpu')|window().period(10s).every(10s)|max(field)|httpOut('out')\n")
  t.equal((await local.kapacitor('define-template', 'maxer', '-tick', tpl, '-type', 'stream')).code, 0)
  const vars = local.file('vars.json', JSON.stringify({ field: { type: 'string', value: 'usage_user' } }))
  t.equal((await local.kapacitor('define', 'cpu_max', '-template', 'maxer', '-vars', vars, '-dbrp', 'telegraf.autogen')).code, 0)
  const plain = local.file('plain.tick', "stream|from().measurement('mem')|httpOut('out')\n")
  t.equal((await local.kapacitor('define', 'cpu_mem', '-tick', plain, '-type', 'stream', '-dbrp', 'telegraf.autogen')).code, 0)
  t.equal((await local.kapacitor('define', 'other', '-tick', plain, '-type', 'stream', '-dbrp', 'telegraf.autogen')).code, 0)

  const r = await local.kapacitor('push', '--remote', remote.url, 'cpu_*')
  t.equal(r.code, 0, r.err)
  t.equal(r.out, `pushed cpu_max to ${remote.url}: created, enabled\npushed cpu_mem to ${remote.url}: created, enabled\n`)
  const listed = await remote.kapacitor('list', 'tasks')
  t.equal(listed.out, [
    'ID      Type      Status    Executing Databases and Retention Policies',
    'cpu_max stream    enabled   true      ["telegraf"."autogen"]',
    'cpu_mem stream    enabled   true      ["telegraf"."autogen"]',
    '',
  ].join('\n'))
  t.match((await remote.get('/kapacitor/v1/tasks/cpu_max')).body, { vars: { field: { type: 'string', value: 'usage_user' } } })
  t.equal(await remote.write(lines(0, 11)), 204)
  const out = (await remote.get('/kapacitor/v1/tasks/cpu_max/out')).body as { series: Array<{ values: unknown[][] }> }
  t.same(out.series[0]!.values.map((v) => v[1]), [9], 'the var chose the field')
})

t.test('errors: no --remote (usage, exit 2), an unknown task, a remote that is not there', async (t) => {
  const local = await startCliEnv(t)
  const remote = await startCliEnv(t)
  const noRemote = await local.kapacitor('push', 'x')
  t.equal(noRemote.code, 2)
  t.match(noRemote.err, /^Must pass --remote <URL>\n\nUsage: kapacitor push/)
  const noId = await local.kapacitor('push', '--remote', remote.url)
  t.equal(noId.code, 2)

  const ghost = await local.kapacitor('push', '--remote', remote.url, 'ghost')
  t.same(ghost, { code: 1, out: '', err: 'no task exists with ID ghost\n' })

  const script = local.file('s.tick', "stream|from().measurement('cpu')|httpOut('out')\n")
  await local.kapacitor('define', 'ok', '-tick', script, '-type', 'stream', '-dbrp', 'telegraf.autogen')
  const closed = await closedPort()
  const down = await local.kapacitor('push', '--remote', `http://127.0.0.1:${closed}`, 'ok')
  t.equal(down.code, 1)
  t.match(down.err, new RegExp(`^pushing task ok to http://127\\.0\\.0\\.1:${closed}: GET http://127\\.0\\.0\\.1:${closed}/kapacitor/v1/tasks/ok: .*ECONNREFUSED`))
})
