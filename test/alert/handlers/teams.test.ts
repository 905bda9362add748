import t from 'tap'
import { teamsDefinition } from '../../../src/alert/handlers/teams.js'
import { teamsHandler } from '../../../src/nodes/alert-handlers.js'
import { ctxWith, handler, Recorder, signal, str, testEvent } from './service-helpers.js'

t.test('TICKscript .teams().channelURL() becomes channel-url', async (t) => {
  t.same(teamsDefinition.fromTick(handler(teamsHandler, [], { channelURL: [[str('http://ch')]] })), { 'channel-url': 'http://ch' })
})

t.test('posts the MessageCard of TestStream_AlertTeams', async (t) => {
  const srv = await new Recorder().start()
  t.teardown(() => srv.stop())
  const ctx = ctxWith({ teams: { enabled: true, 'channel-url': srv.url + '/conf' } })
  const h = teamsDefinition.create({ 'channel-url': srv.url + '/handler' }, ctx)
  await h.handle(testEvent(), signal())
  t.equal(srv.requests[0]!.url, '/handler')
  t.same(JSON.parse(srv.requests[0]!.body), {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    title: 'CRITICAL: [kapacitor/cpu/serverA]',
    text: 'kapacitor/cpu/serverA is CRITICAL',
    summary: 'CRITICAL: [kapacitor/cpu/serverA] - kapacitor/cpu/serverA is CRITICAL...',
    themeColor: 'CC4A31',
  })
  const d = teamsDefinition.create({}, ctx)
  srv.status = 204
  const long = 'x'.repeat(100)
  await d.handle(testEvent({ level: 'WARNING', message: long }), signal())
  t.equal(srv.requests[1]!.url, '/conf')
  const b = JSON.parse(srv.requests[1]!.body)
  t.equal(b.themeColor, 'FFA533')
  t.equal(b.summary, ('WARNING: [kapacitor/cpu/serverA] - ' + long).slice(0, 70) + '...', 'summary cut at 70 bytes')
  await d.handle(testEvent({ level: 'OK', id: '' }), signal())
  const ok = JSON.parse(srv.requests[2]!.body)
  t.equal(ok.title, 'OK: [main:testStreamAlert:alert2]', 'without an id the topic names the alert')
  t.equal(ok.themeColor, '34CC25')
  srv.status = 500
  await t.rejects(d.handle(testEvent(), signal()), /teams: .* answered 500/)
})

t.test('missing or disabled [teams], no channel url: clear errors', async (t) => {
  t.throws(() => teamsDefinition.create({}, ctxWith({})), /teams: no \[teams\] section/)
  t.throws(() => teamsDefinition.create({}, ctxWith({ teams: { enabled: false, 'channel-url': 'http://x' } })), /teams: service is not enabled/)
  t.throws(() => teamsDefinition.create({}, ctxWith({ teams: { enabled: true } })), /teams: no channel-url configured/)
  t.throws(() => teamsDefinition.create({ 'channel-url': 'not a url' }, ctxWith({ teams: { enabled: true } })), /teams: invalid channel-url/)
})
