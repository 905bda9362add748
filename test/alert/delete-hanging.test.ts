/**
 * Deleting (or disabling) a task whose `post` endpoint accepts the alert and never
 * answers: the API answers, the hanging request is aborted, and the daemon goes on
 * serving other tasks. Through a real daemon and a real listener.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import t, { type Test } from 'tap'
import { eventSink, startAlertDaemon } from './daemon-harness.js'

async function hangingListener(t: Test): Promise<{ url: string; received: () => number; aborted: () => number }> {
  let received = 0
  let aborted = 0
  const open: ServerResponse[] = []
  const srv = createServer((req: IncomingMessage, res: ServerResponse) => {
    received++
    open.push(res)
    req.socket.on('close', () => { aborted++ })
  })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()) }))
  return { url: `http://127.0.0.1:${(srv.address() as { port: number }).port}/hang`, received: () => received, aborted: () => aborted }
}

async function until(what: string, cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const script = (url: string): string => `stream
  |from().measurement('cpu')
  |alert()
    .id('{{ index .Tags "host" }}')
    .crit(lambda: "v" > 90)
    .post('${url}')
`

for (const how of ['DELETE', 'disable'] as const) {
  t.test(`${how} of a task whose post endpoint never answers returns, and the request is aborted`, async (t) => {
    const k = await startAlertDaemon(t)
    const hang = await hangingListener(t)
    const sink = await eventSink(t)
    await k.defineTask('stuck', script(hang.url))
    await k.defineTask('healthy', script(sink.url))
    await k.write('cpu,host=a v=95 1700000000', 'db=telegraf&rp=autogen&precision=s')
    await until('the hanging endpoint got the alert', () => hang.received() === 1)
    await sink.waitFor(1)

    const r = how === 'DELETE'
      ? await k.call('DELETE', '/kapacitor/v1/tasks/stuck')
      : await k.call('PATCH', '/kapacitor/v1/tasks/stuck', { status: 'disabled' })
    t.equal(r.status, how === 'DELETE' ? 204 : 200, 'the API answers while the endpoint still hangs')
    await until('the hanging request aborted', () => hang.aborted() === 1)

    // the daemon goes on: the other task still alerts
    await k.write('cpu,host=b v=99 1700000001', 'db=telegraf&rp=autogen&precision=s')
    await sink.waitFor(2)
    t.same(sink.events.map((e) => e['id']), ['a', 'b'])
    t.equal(hang.received(), 1, 'nothing more sent to the stopped task\'s endpoint')
  })
}
