/**
 * `.inhibit(category, tags…)` / `.category(category)` (Kapacitor's alert/inhibit.go): while
 * an inhibiting alert's group is not OK, the events of `.category()` alerts — in another
 * task — with the same values of the listed tags are neither published nor sent; once it
 * recovers, they go out again. Through a real daemon over POST /write, events received
 * by local HTTP listeners. Plus the registry's matching rules (Kapacitor's
 * TestInhibitor_IsInhibited / TestInhibitorLookup_IsInhibited).
 */
import t from 'tap'
import { Inhibitor, InhibitorRegistry, inhibitorFor } from '../../src/alert/inhibitors.js'
import { eventSink, startAlertDaemon } from './daemon-harness.js'

interface Received { id: string; level: string; previousLevel: string; time: string }

const brief = (e: Received): [string, string, string, string] => [e.id, e.level, e.previousLevel, e.time]

t.test('a host-down alert inhibits the cpu alert of the same host only, and only while it is not OK', async (t) => {
  const k = await startAlertDaemon(t)
  const down = await eventSink<Received>(t)
  const cpu = await eventSink<Received>(t)
  await k.defineTask('host_down', `stream|from().measurement('up').groupBy('host')
  |alert()
    .id('down:{{ index .Tags "host" }}')
    .crit(lambda: "value" == 0)
    .inhibit('system', 'host')
    .post('${down.url}')`)
  await k.defineTask('cpu', `stream|from().measurement('cpu').groupBy('host')
  |alert()
    .id('cpu:{{ index .Tags "host" }}')
    .category('system')
    .crit(lambda: "usage" > 90)
    .post('${cpu.url}')`)
  const q = 'db=telegraf&rp=autogen&precision=s'
  await k.write('up,host=a value=0 1\n', q)
  await k.write('cpu,host=a usage=95 2\ncpu,host=b usage=95 2\n', q) // a inhibited, b sent
  await k.write('cpu,host=a usage=10 3\n', q) // a's recovery: inhibited too
  await k.write('cpu,host=a usage=97 4\n', q) // inhibited
  await k.write('up,host=a value=1 5\n', q) // host a is back: inhibition ends
  await k.write('cpu,host=a usage=98 6\n', q)
  await k.write('cpu,host=b usage=10 7\n', q)
  await cpu.waitFor(3)
  await down.waitFor(2)
  t.same(down.events.map(brief), [
    ['down:a', 'CRITICAL', 'OK', '1970-01-01T00:00:01Z'],
    ['down:a', 'OK', 'CRITICAL', '1970-01-01T00:00:05Z'],
  ])
  // one queue per handler delivers in order: an inhibited event would have arrived before the later ones
  t.same(cpu.events.map(brief), [
    ['cpu:b', 'CRITICAL', 'OK', '1970-01-01T00:00:02Z'],
    ['cpu:a', 'CRITICAL', 'OK', '1970-01-01T00:00:06Z'],
    ['cpu:b', 'OK', 'CRITICAL', '1970-01-01T00:00:07Z'],
  ], 'cpu:a at 2, 3 and 4 s is inhibited; its next event goes out, previousLevel from what was published')
  const task = await k.call('GET', '/kapacitor/v1/tasks/cpu')
  t.equal(task.body.stats['node-stats']['alert2']['alerts_inhibited'], 3)
  t.equal(task.body.stats['node-stats']['alert2']['alerts_triggered'], 6, 'inhibited events count as triggered, as Kapacitor')
  // inhibited events are not published: the topic never saw cpu:a before 6 s
  const ev = await k.call('GET', '/kapacitor/v1/alerts/topics/main:cpu:alert2/events/cpu:a')
  t.equal(ev.body.state.time, '1970-01-01T00:00:06Z')
  t.equal((await k.call('GET', '/kapacitor/v1/alerts/topics/main:cpu:alert2')).body.collected, 3)
})

t.test('deleting the inhibiting task ends its inhibition', async (t) => {
  const k = await startAlertDaemon(t)
  const cpu = await eventSink<Received>(t)
  await k.defineTask('host_down', `stream|from().measurement('up').groupBy('host')
  |alert().crit(lambda: "value" == 0).inhibit('system', 'host')`)
  await k.defineTask('cpu', `stream|from().measurement('cpu').groupBy('host')
  |alert().id('cpu:{{ index .Tags "host" }}').category('system').crit(lambda: "usage" > 90).post('${cpu.url}')`)
  const q = 'db=telegraf&rp=autogen&precision=s'
  await k.write('up,host=a value=0 1\ncpu,host=a usage=95 2\n', q)
  t.equal((await k.call('DELETE', '/kapacitor/v1/tasks/host_down')).status, 204)
  await k.write('cpu,host=a usage=96 3\n', q)
  await cpu.waitFor(1)
  t.same(cpu.events.map(brief), [['cpu:a', 'CRITICAL', 'OK', '1970-01-01T00:00:03Z']])
  t.equal(k.daemon.topics.inhibitors.size, 0)
})

t.test('inhibitor matching: category, active flag, equal tags, extra tags, missing tags', async (t) => {
  const i = new Inhibitor('alert', { a: 'x' })
  t.notOk(i.inhibits('alert', { a: 'x' }), 'not active')
  i.active = true
  t.ok(i.inhibits('alert', { a: 'x' }), 'exact match')
  t.notOk(i.inhibits('foo', { a: 'x' }), 'other category')
  t.notOk(i.inhibits('alert', { a: 'y' }), 'other tag value')
  t.ok(i.inhibits('alert', { a: 'x', b: 'y' }), 'extra tags')
  const missing = inhibitorFor('alert', ['a', 'dc'], { a: 'x' })
  missing.active = true
  t.same(missing.tags, { a: 'x', dc: '' })
  t.ok(missing.inhibits('alert', { a: 'x' }), 'a tag both lack compares as empty')
  t.notOk(missing.inhibits('alert', { a: 'x', dc: 'eu' }))
})

t.test('registry: lookups by category and tags; removing one inhibitor keeps the others', async (t) => {
  const r = new InhibitorRegistry()
  const make = (c: string, host: string): Inhibitor => {
    const i = new Inhibitor(c, { host })
    i.active = true
    return i
  }
  const fooA = make('foo', 'A'), fooB = make('foo', 'B'), barA = make('bar', 'A'), barB = make('bar', 'B')
  r.add(fooA); r.add(barA); r.add(barB)
  t.ok(r.isInhibited('foo', { host: 'A' }))
  t.notOk(r.isInhibited('foo', { host: 'B' }))
  t.ok(r.isInhibited('bar', { host: 'B' }))
  r.add(fooB)
  t.ok(r.isInhibited('foo', { host: 'B' }))
  r.remove(barB)
  t.ok(r.isInhibited('foo', { host: 'B' }))
  t.ok(r.isInhibited('foo', { host: 'A' }))
  t.notOk(r.isInhibited('bar', { host: 'B' }))
  t.equal(r.size, 3)
})
