/**
 * httpPost against a real local HTTP server: Kapacitor's body (`{"series":[row]}`),
 * endpoints and headers, URL templates, codeField, and what keeps the task safe from its
 * target: a bounded queue (a hanging server costs dropped posts, never a stalled task),
 * failures counted, requests aborted when the task stops. Nothing sleeps: tests wait for
 * the server to see requests or for the node's queue to drain.
 */
import t from 'tap'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { parseLineProtocol } from '../../src/ingest/line-protocol-parser.js'
import { definePipeline } from '../../src/interp/eval/define.js'
import { Matcher } from '../../src/match/matcher.js'
import { fixedClock } from '../../src/model/clock.js'
import type { CreateRuntime } from '../../src/nodes/define-node.js'
import { HttpPostRuntime, type HttpPostQueueOptions } from '../../src/nodes/http-post-runtime.js'
import { newTaskServices, type TaskServices } from '../../src/pipeline/services.js'
import { TaskExecution, TaskStartError } from '../../src/pipeline/task-execution.js'

interface Received { readonly url: string; readonly headers: IncomingHttpHeaders; readonly body: string; readonly res: ServerResponse }

interface Target {
  readonly url: string
  readonly received: Received[]
  /** resolves once `n` requests have arrived */
  requests(n: number): Promise<void>
  /** resolves once `n` responses were closed before being sent (the client aborted) */
  aborted(n: number): Promise<void>
}

/** A local HTTP server; `respond` answers (or, by doing nothing, leaves the request hanging). */
async function target(respond: (r: Received) => void = (r) => { r.res.end() }): Promise<Target> {
  const received: Received[] = []
  let abortedCount = 0
  const waiters: Array<() => void> = []
  const wake = (): void => { for (const w of waiters.splice(0)) w() }
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => { body += c })
    req.on('end', () => {
      const r = { url: req.url ?? '', headers: req.headers, body, res }
      received.push(r)
      res.on('close', () => {
        if (!res.writableFinished) abortedCount++
        wake()
      })
      respond(r)
      wake()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  const until = (ok: () => boolean): Promise<void> => new Promise((resolve) => {
    const check = (): void => { if (ok()) resolve(); else waiters.push(check) }
    check()
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    requests: (n) => until(() => received.length >= n),
    aborted: (n) => until(() => abortedCount >= n),
  }
}

interface Run {
  readonly execution: TaskExecution
  readonly logLines: Array<Record<string, unknown>>
  write(lp: string): void
  output(endpoint: string): unknown
  /** the httpPost node's queue is empty */
  idle(): Promise<void>
  stats(): Record<string, number>
}

function start(script: string, opts: { services?: TaskServices; queue?: HttpPostQueueOptions } = {}): Run {
  const logLines: Array<Record<string, unknown>> = []
  const logger = pino({ level: 'info' }, { write: (s: string) => { logLines.push(JSON.parse(s) as Record<string, unknown>) } })
  const defined = definePipeline(script, { type: 'stream', dbrps: [{ db: 'dbname', rp: 'rpname' }] })
  const queue = opts.queue
  const pipeline = queue === undefined ? defined.pipeline : {
    ...defined.pipeline,
    nodes: defined.pipeline.nodes.map((n) => {
      if (n.type !== 'httpPost') return n
      const create: CreateRuntime = (node, ctx) => new HttpPostRuntime(node, ctx, queue)
      return { ...n, spec: { ...n.spec, create } }
    }),
  }
  const services = opts.services ?? newTaskServices()
  const execution = new TaskExecution({ id: 'posttask', type: 'stream', dbrps: defined.dbrps, pipeline, logger, clock: fixedClock(0n), services })
  const matcher = new Matcher()
  matcher.add('posttask', execution.inputs())
  t.teardown(() => execution.stop())
  const postNode = pipeline.nodes.find((n) => n.type === 'httpPost')!.name
  return {
    execution, logLines,
    write: (lp) => matcher.write(parseLineProtocol(Buffer.from(lp), { db: 'dbname', rp: 'rpname', precision: 's', now: 0n }).points),
    output: (endpoint) => JSON.parse(services.httpOut.get('posttask', endpoint)!.render()),
    idle: () => (execution.cell(postNode)!.runtime as HttpPostRuntime).idle(),
    stats: () => execution.stats()['node-stats'][postNode]!,
  }
}

const cpu = 'cpu,host=serverA,type=idle value=97.1 31536000\ncpu,host=serverA,type=idle value=92.6 31536001\ncpu,host=serverA,type=idle value=95.6 31536002\n'
const row = (t: string, v: number): string => `{"series":[{"name":"cpu","tags":{"host":"serverA","type":"idle"},"columns":["time","value"],"values":[["${t}",${v}]]}]}\n`

t.test('TestStream_HttpPost: each point is POSTed as a one-row result and passed on', async (t) => {
  const srv = await target()
  const r = start(`
stream
  |from()
    .measurement('cpu')
    .where(lambda: "host" == 'serverA')
    .groupBy('host')
  |httpPost('${srv.url}')
  |httpOut('TestStream_HttpPost')
`)
  r.write(cpu)
  await srv.requests(3)
  await r.idle()
  // up to `concurrency` requests run at once: compare without order
  t.same(srv.received.map((x) => x.body).sort(), [
    row('1971-01-01T00:00:00Z', 97.1), row('1971-01-01T00:00:01Z', 92.6), row('1971-01-01T00:00:02Z', 95.6),
  ].sort())
  t.ok(srv.received.every((x) => x.headers['content-type'] === 'application/json'))
  t.same(r.output('TestStream_HttpPost'), JSON.parse(row('1971-01-01T00:00:02Z', 95.6)))
  t.equal(r.stats().errors, 0)
})

t.test('TestStream_HttpPostEndpoint: a configured endpoint, its headers and basic auth, the node\'s headers over them', async (t) => {
  const srv = await target()
  const services = newTaskServices({
    httpPostEndpoints: new Map([['test', { url: srv.url + '/in', headers: { my: 'endpoint', extra: 'e' }, basicAuth: { username: 'u', password: 'p' } }]]),
  })
  const r = start(`
stream
  |from().measurement('cpu')
  |httpPost()
    .endpoint('test')
    .header('my', 'header')
`, { services })
  r.write(cpu.split('\n')[0]! + '\n')
  await srv.requests(1)
  const got = srv.received[0]!
  t.equal(got.url, '/in')
  t.match(got.headers, { my: 'header', extra: 'e', authorization: 'Basic ' + Buffer.from('u:p').toString('base64'), 'content-type': 'application/json' })
  t.equal(got.body, row('1971-01-01T00:00:00Z', 97.1))
  t.throws(() => start(`stream|from()|httpPost().endpoint('nope')`, { services }), new TaskStartError("endpoint 'nope' does not exist"))
})

t.test('URL templates over the row: {{.Name}} and {{index .Tags "k"}}', async (t) => {
  const srv = await target()
  const r = start(`
stream
  |from().measurement('cpu')
  |httpPost('${srv.url}/{{.Name}}/{{ index .Tags "cpu" }}?h={{index .Tags "missing"}}')
`, { queue: { capacity: 10, concurrency: 1 } })
  r.write('cpu,cpu=a value=1 0\ncpu,cpu=b value=2 1\n')
  await srv.requests(2)
  t.same(srv.received.map((x) => x.url), ['/cpu/a?h=', '/cpu/b?h='])
  t.throws(() => start(`stream|from()|httpPost('${srv.url}/{{.Fields}}')`), /error in url templating: unsupported action \{\{\.Fields\}\}/)
})

t.test('a batch is POSTed as one row with all its points', async (t) => {
  const srv = await target()
  const r = start(`
stream
  |from().measurement('cpu').groupBy('host')
  |window().period(2s).every(2s)
  |httpPost('${srv.url}')
`)
  r.write(cpu)
  await srv.requests(1)
  t.equal(srv.received[0]!.body, '{"series":[{"name":"cpu","tags":{"host":"serverA"},"columns":["time","type","value"],"values":[["1971-01-01T00:00:00Z","idle",97.1],["1971-01-01T00:00:01Z","idle",92.6]]}]}\n')
})

t.test('TestStream_HttpPostEndpoint_StatusCodes: codeField carries the status; non-2xx answers are errors', async (t) => {
  // the server answers with the status given in the point's value
  const srv = await target((x) => {
    const v = (JSON.parse(x.body) as { series: Array<{ values: number[][] }> }).series[0]!.values[0]![1]!
    x.res.statusCode = v
    x.res.end(`status ${v}`)
  })
  const r = start(`
stream
  |from().measurement('cpu')
  |httpPost('${srv.url}')
    .codeField('code')
    .captureResponse()
  |window().period(10s).every(10s)
  |httpOut('out')
`)
  r.write('cpu value=200 0\ncpu value=201 1\ncpu value=404 2\ncpu value=403 3\ncpu value=500 4\ncpu value=502 10\n')
  await srv.requests(6)
  await r.idle()
  // messages leave in arrival order once answered: the window saw them in time order
  t.same(r.output('out'), {
    series: [{
      name: 'cpu', columns: ['time', 'code', 'value'],
      values: [[0, 200], [1, 201], [2, 404], [3, 403], [4, 500]].map(([s, c]) => [`1970-01-01T00:00:0${s}Z`, c, c]),
    }],
  })
  t.equal(r.stats().errors, 4)
  t.ok(r.logLines.some((l) => String(l['err']).includes('POST returned non 2xx status code 404: status 404')), 'captureResponse: the body is in the log')
})

t.test('a hanging target: the queue bounds what waits, overflow is dropped and counted, the task keeps going; stop aborts', async (t) => {
  const srv = await target(() => {}) // never answers
  const r = start(`
stream
  |from().measurement('cpu')
  |httpPost('${srv.url}')
  |httpOut('out')
`, { queue: { capacity: 2, concurrency: 1 } })
  let lp = ''
  for (let i = 0; i < 10; i++) lp += `cpu value=${i} ${i}\n`
  r.write(lp)
  await srv.requests(1)
  const s = r.stats()
  t.equal(s['dropped'], 7, '1 in flight, 2 waiting, 7 dropped')
  t.equal(s['collected'], 10)
  t.equal(s['emitted'], 10, 'every message still went on')
  t.same((r.output('out') as { series: Array<{ values: unknown[][] }> }).series[0]!.values, [['1970-01-01T00:00:09Z', 9]])
  t.ok(r.logLines.some((l) => l['msg'] === 'httpPost queue full: messages not sent' && l['level'] === 40))
  r.execution.stop()
  await srv.aborted(1)
  await r.idle()
  t.equal(srv.received.length, 1, 'the waiting posts were never sent')
  t.equal(r.stats().errors, 0, 'aborting at stop is not an error')
})

t.test('codeField with a full queue: dropped posts get code 0 and keep their place; beyond the hold they are not passed on', async (t) => {
  const srv = await target(() => {}) // answered by hand below
  const r = start(`
stream
  |from().measurement('cpu').groupBy('id')
  |httpPost('${srv.url}').codeField('code')
  |httpOut('out')
`, { queue: { capacity: 1, concurrency: 1 } })
  r.write([0, 1, 2, 3, 4].map((i) => `cpu,id=${i} value=${i} ${i}`).join('\n') + '\n')
  await srv.requests(1)
  t.equal(r.stats()['dropped'], 3)
  t.equal(r.stats().emitted, 0, 'nothing passes before the first answer')
  srv.received[0]!.res.end()
  await srv.requests(2)
  srv.received[1]!.res.end()
  await r.idle()
  const codes = (r.output('out') as { series: Array<{ tags: { id: string }; values: unknown[][] }> }).series.map((x) => [x.tags.id, x.values[0]![1]])
  // hold = 2 × (capacity + concurrency) = 4: ids 0, 1 answered 200, ids 2, 3 dropped with code 0, id 4 found the hold full
  t.same(codes, [['0', 200], ['1', 200], ['2', 0], ['3', 0]])
  t.equal(r.stats()['dropped'], 3)
})

t.test('failures (connection refused, timeout) are counted errors; the message still passes', async (t) => {
  const refused = createServer()
  await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve))
  const deadUrl = `http://127.0.0.1:${(refused.address() as AddressInfo).port}`
  await new Promise<void>((resolve) => refused.close(() => resolve()))
  const r = start(`stream|from().measurement('cpu')|httpPost('${deadUrl}')|httpOut('out')`)
  r.write('cpu value=1 0\ncpu value=2 1\n')
  await r.idle()
  t.equal(r.stats().errors, 2)
  t.equal(r.stats().emitted, 2)
  t.ok(r.logLines.some((l) => String(l['err']).startsWith('failed to POST data')))

  const hanging = await target(() => {})
  const r2 = start(`stream|from().measurement('cpu')|httpPost('${hanging.url}').timeout(20ms)|httpOut('out')`)
  r2.write('cpu value=1 0\n')
  await r2.idle()
  t.equal(r2.stats().errors, 1, 'the timeout aborted the request')
})

t.test('type chaos: every point is posted whatever its field types; the clean group\'s posts are unchanged', async (t) => {
  const script = (url: string): string => `stream|from().measurement('m').groupBy('g')|httpPost('${url}')`
  const clean = ['m,g=ok v=1 0', 'm,g=ok v=2 1', 'm,g=ok v=3 2', 'm,g=ok v=4 3', 'm,g=ok v=5 4']
  const chaos = ['m,g=bad v=1i 0', 'm,g=bad v=2.5 1', 'm,g=bad v="s" 2', 'm,g=bad v=true 3', 'm,g=bad other=1 4']
  const srvAlone = await target()
  const alone = start(script(srvAlone.url))
  alone.write(clean.join('\n') + '\n')
  await srvAlone.requests(5)
  const srv = await target()
  const both = start(script(srv.url))
  for (let i = 0; i < clean.length; i++) both.write(`${chaos[i]}\n${clean[i]}\n`)
  await srv.requests(10)
  await both.idle()
  t.ok(both.execution.executing)
  const ok = (rs: Received[]): string[] => rs.map((x) => x.body).filter((b) => b.includes('"g":"ok"')).sort()
  t.same(ok(srv.received), ok(srvAlone.received))
  t.same(srv.received.map((x) => x.body).filter((b) => b.includes('"g":"bad"')).map((b) => (JSON.parse(b) as { series: Array<{ columns: string[]; values: unknown[][] }> }).series[0]!.values[0]![1]).sort(),
    [1, 1, 2.5, 's', true].sort())
  t.equal(both.stats().errors, 0)
})
