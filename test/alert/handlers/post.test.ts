import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { postDefinition } from '../../../src/alert/handlers/post.js'
import { UndeliverableError } from '../../../src/alert/delivery.js'
import { createHandlerFactory, tickHandlerOptions } from '../../../src/alert/handlers/index.js'
import { postHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'
import { EXPECTED_PAYLOAD, kapacitorEvent } from './core-helpers.js'

const dur = (ns: bigint) => ({ type: 'duration' as const, ns })

t.test('TICKscript .post() becomes the topic-handler options', async (t) => {
  const h = handler(postHandler, [str('http://a/x'), str('http://b/y')], {
    header: [[str('k'), str('v')], [str('Auth'), str('secret')]],
    captureResponse: [[]],
    timeout: [[dur(1_500_000_000n)]],
    skipSSLVerification: [[]],
  })
  t.same(postDefinition.fromTick(h), {
    url: 'http://a/x', headers: { k: 'v', Auth: 'secret' }, 'capture-response': true, timeout: '1.5s', 'skip-ssl-verification': true,
  })
  t.same(postDefinition.fromTick(handler(postHandler, [], { endpoint: [[str('ep')]] })), { endpoint: 'ep' })
  t.same(tickHandlerOptions(handler(postHandler, [str('http://a')])), { kind: 'post', options: { url: 'http://a' } })
})

t.test('POSTs Kapacitor\'s alert data JSON (TestStream_AlertHTTPPost) with its headers', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const h = postDefinition.create({ url: srv.url + '/test/post', headers: { 'X-Test': 'yes' } }, ctxWith({}))
  await h.handle(kapacitorEvent(), signal())
  t.equal(srv.requests.length, 1)
  const r = srv.requests[0]!
  t.equal(r.method, 'POST')
  t.equal(r.url, '/test/post')
  t.equal(r.headers['content-type'], 'application/json')
  t.equal(r.headers['x-test'], 'yes')
  t.equal(r.body, EXPECTED_PAYLOAD)
})

t.test('[[httppost]] endpoint: its url, headers and basic auth; the handler\'s headers win (TestStream_AlertHTTPPostEndpoint)', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({
    httppost: [
      { endpoint: 'other', url: 'http://127.0.0.1:1/never' },
      { endpoint: 'ep', url: srv.url + '/ep', headers: { 'X-From': 'endpoint', 'X-Both': 'endpoint' }, 'basic-auth': { username: 'u', password: 'p' } },
    ],
  })
  const h = createHandlerFactory(ctx)('post', { endpoint: 'ep', headers: { 'X-Both': 'handler' } })
  await h.handle(kapacitorEvent(), signal())
  const r = srv.requests[0]!
  t.equal(r.url, '/ep')
  t.equal(r.headers['x-from'], 'endpoint')
  t.equal(r.headers['x-both'], 'handler')
  t.equal(r.headers['authorization'], 'Basic ' + Buffer.from('u:p').toString('base64'))
  t.equal(r.headers['content-type'], 'application/json')
  t.equal(r.body, EXPECTED_PAYLOAD)
})

t.test('a non-2xx answer is a failed attempt; capture-response puts the body in the error', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  srv.status = 503
  await t.rejects(postDefinition.create({ url: srv.url }, ctxWith({})).handle(testEvent(), signal()), /returned HTTP 503: use \.captureResponse\(\)/)
  await t.rejects(postDefinition.create({ url: srv.url, 'capture-response': true }, ctxWith({})).handle(testEvent(), signal()), /returned HTTP 503: \{"error":"nope"\}/)
  srv.status = 204
  await postDefinition.create({ url: srv.url }, ctxWith({})).handle(testEvent(), signal())
  t.equal(srv.requests.length, 3)
})

t.test('the timeout option and the abort signal end a hanging request', async (t) => {
  const hanging: ServerResponse[] = []
  const srv = createServer((_req, res) => { hanging.push(res) })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { srv.closeAllConnections(); srv.close() })
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`
  // `timeout` is the handler's own (Kapacitor's per-request timeout); it needs a little real time
  await t.rejects(postDefinition.create({ url, timeout: '20ms' }, ctxWith({})).handle(testEvent(), signal()), /timeout|aborted/i)
  const ac = new AbortController()
  const p = postDefinition.create({ url }, ctxWith({})).handle(testEvent(), ac.signal)
  ac.abort(new Error('closed by test'))
  await t.rejects(p, /closed by test/)
})

t.test('connection refused is a failed attempt', async (t) => {
  const srv = await new Recorder().start()
  const url = srv.url
  await srv.stop()
  await t.rejects(postDefinition.create({ url }, ctxWith({})).handle(testEvent(), signal()), /ECONNREFUSED/)
})

t.test('bad options are refused when the handler is created', async (t) => {
  const ctx = ctxWith({ httppost: [{ endpoint: 'tmpl', url: 'http://x', 'alert-template': '{{.Message' }, { endpoint: 'both', url: 'http://x', 'alert-template': 'a', 'alert-template-file': '/b' }] })
  t.throws(() => postDefinition.create({}, ctx), /post: a url must be specified if an endpoint is not specified/)
  t.throws(() => postDefinition.create({ endpoint: 'missing' }, ctx), /no \[\[httppost\]\] endpoint "missing" and no url/)
  t.throws(() => postDefinition.create({ endpoint: 'tmpl' }, ctx), /post: bad alert template: /)
  t.throws(() => postDefinition.create({ endpoint: 'both' }, ctx), /alert-template and alert-template-file are exclusive/)
  t.throws(() => postDefinition.create({ url: 'http://x/{{.ID' }, ctx), /post: bad url template: /)
  t.throws(() => postDefinition.create({ url: 'ftp://x' }, ctx), /must be http or https/)
  t.throws(() => postDefinition.create({ url: 'http://x', timeout: 'soon' }, ctx), /timeout must be a duration/)
  t.throws(() => postDefinition.create({ url: 'http://x', headers: { a: 1 } }, ctx), /headers\.a must be a string/)
  // an unknown endpoint with a url falls back to the url, as Kapacitor does
  t.doesNotThrow(() => postDefinition.create({ endpoint: 'missing', url: 'http://x' }, ctx))
})

t.test('headers are merged case-insensitively; Content-Type stays application/json; a header Authorization wins over basic-auth', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({ httppost: [{ endpoint: 'ep', url: srv.url, headers: { 'x-a': 'endpoint' }, 'basic-auth': { username: 'u', password: 'p' } }] })
  await postDefinition.create({ endpoint: 'ep', headers: { 'X-A': 'handler', authorization: 'Bearer t', 'content-type': 'text/plain' } }, ctx).handle(kapacitorEvent(), signal())
  const r = srv.requests[0]!
  t.equal(r.headers['x-a'], 'handler')
  t.equal(r.headers['authorization'], 'Bearer t')
  t.equal(r.headers['content-type'], 'application/json')
})

const tlsDir = mkdtempSync(join(tmpdir(), 'kapacitor-tls-'))
const certMade = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
  '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem')], { stdio: 'ignore' }).status === 0

t.test('https: a self-signed certificate fails unless skip-ssl-verification', {
  skip: certMade ? false : 'openssl is not available to make a self-signed certificate',
}, async (t) => {
  const dir = tlsDir
  const bodies: string[] = []
  const srv = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => { bodies.push(Buffer.concat(chunks).toString('utf8')); res.end() })
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { srv.closeAllConnections(); srv.close() })
  const url = `https://127.0.0.1:${(srv.address() as AddressInfo).port}/`
  await t.rejects(postDefinition.create({ url }, ctxWith({})).handle(kapacitorEvent(), signal()), /self[- ]signed/i)
  await postDefinition.create({ url, 'skip-ssl-verification': true }, ctxWith({})).handle(kapacitorEvent(), signal())
  t.same(bodies, [EXPECTED_PAYLOAD])
})

t.test('a 2xx is delivered as soon as the status arrives, even if the body never ends', async (t) => {
  let got = ''
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => { got = Buffer.concat(chunks).toString('utf8'); res.writeHead(200); res.write('streaming…') })
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { srv.closeAllConnections(); srv.close() })
  await postDefinition.create({ url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/` }, ctxWith({})).handle(kapacitorEvent(), signal())
  t.equal(got, EXPECTED_PAYLOAD)
})

t.test('a url template and an endpoint alert-template are executed with the alert data', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const file = join(mkdtempSync(join(tmpdir(), 'kapacitor-tmpl-')), 'alert.tmpl')
  writeFileSync(file, '{{.Level}} was {{.PreviousLevel}}')
  const ctx = ctxWith({
    httppost: [
      { endpoint: 'inline', url: srv.url + '/{{.Level}}', headers: { 'Content-Type': 'text/plain' },
        'alert-template': '{"text":"{{.Message}}","at":"{{.Time}}","for":"{{.Duration}}","hosts":[{{range .Data.Series}}"{{index .Tags "host"}}"{{end}}]}' },
      { endpoint: 'file', url: srv.url + '/file', 'alert-template-file': file },
    ],
  })
  await postDefinition.create({ url: srv.url + '/alerts/{{.ID}}' }, ctx).handle(kapacitorEvent(), signal())
  await postDefinition.create({ endpoint: 'inline' }, ctx).handle(kapacitorEvent({ duration: 90_000_000_000n }), signal())
  await postDefinition.create({ endpoint: 'file' }, ctx).handle(kapacitorEvent({ level: 'OK', previousLevel: 'CRITICAL' }), signal())
  const [a, b, c] = srv.requests
  t.equal(a!.url, '/alerts/kapacitor.cpu.serverA')
  t.equal(a!.body, EXPECTED_PAYLOAD, 'a url template alone keeps the JSON body')
  t.equal(a!.headers['content-type'], 'application/json')
  t.equal(b!.url, '/CRITICAL')
  t.equal(b!.body, '{"text":"kapacitor.cpu.serverA is CRITICAL","at":"1971-01-01 00:00:10 +0000 UTC","for":"1m30s","hosts":["serverA"]}')
  t.equal(b!.headers['content-type'], 'text/plain', 'with a template only the endpoint headers set Content-Type')
  t.equal(c!.body, 'OK was CRITICAL')
  t.equal(c!.headers['content-type'], undefined)
})

t.test('a template failing on an event makes it undeliverable (not retried)', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({ httppost: [{ endpoint: 'bad', url: srv.url, 'alert-template': '{{index .Data.Series 3}}' }] })
  const p = postDefinition.create({ endpoint: 'bad' }, ctx).handle(kapacitorEvent(), signal())
  await t.rejects(p, UndeliverableError)
  t.equal(srv.requests.length, 0)
})
