/**
 * Golden alert sequences through POST /write: each folder of test/fixtures/alert-write is
 * one case — `script.tick` (its `.post('POST_URL')` is pointed at a local listener),
 * `input.lp` (line protocol; blank lines separate the bodies, each written with its own
 * POST /write at `case.json`'s precision into `db`/`rp`), `expected.json` (the exact,
 * ordered list of event bodies the handler received) and `case.json` (`source`, `note`,
 * and `httpOut.endpoint` + `httpOut.expected`: the httpOut after the alert, read over
 * HTTP). A real daemon (temp data dir, port 0) runs each case; the task is defined and
 * enabled through the API.
 *
 * No extra event slips by: the topic's `collected` count (what was published, known as
 * soon as the last write returned) must equal the expected length. The daemon's cluster and
 * server ids (in the default details' `.ServerInfo`) read as CLUSTER_ID / SERVER_ID. `UPDATE_GOLDEN=1`
 * rewrites expected.json and httpOut.expected from what was received (review the diff).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { eventSink, startAlertDaemon } from './daemon-harness.js'

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/alert-write')
const UPDATE = process.env['UPDATE_GOLDEN'] === '1'

interface CaseMeta {
  precision: string
  db: string
  rp: string
  source?: string
  note?: string
  httpOut?: { endpoint: string; expected?: unknown }
}

for (const name of readdirSync(ROOT).sort()) {
  const dir = join(ROOT, name)
  t.test(name, async (t) => {
    const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseMeta
    const k = await startAlertDaemon(t)
    const sink = await eventSink(t)
    const script = readFileSync(join(dir, 'script.tick'), 'utf8').replaceAll('POST_URL', sink.url)
    await k.defineTask(name, script, [{ db: meta.db, rp: meta.rp }])
    const bodies = readFileSync(join(dir, 'input.lp'), 'utf8').split(/\n\s*\n/).filter((b) => b.trim() !== '')
    t.ok(bodies.length > 1, 'the input is written in several bodies')
    for (const body of bodies) await k.write(body, `db=${meta.db}&rp=${meta.rp}&precision=${meta.precision}`)

    const topics = await k.call('GET', `/kapacitor/v1/alerts/topics?pattern=${encodeURIComponent(`main:${name}:*`)}`)
    const published = (topics.body.topics as Array<{ collected: number }>).reduce((n, tp) => n + tp.collected, 0)
    // the ids are new in every data dir
    const { clusterId, serverId } = k.daemon.store
    const received = (): unknown[] => JSON.parse(JSON.stringify(sink.events).replaceAll(clusterId, 'CLUSTER_ID').replaceAll(serverId, 'SERVER_ID')) as unknown[]
    const out = meta.httpOut ? await k.call('GET', `/kapacitor/v1/tasks/${name}/${meta.httpOut.endpoint}`) : undefined
    if (UPDATE) {
      await sink.waitFor(published)
      writeFileSync(join(dir, 'expected.json'), JSON.stringify(received(), null, 2) + '\n')
      if (meta.httpOut && out) {
        meta.httpOut.expected = out.body
        writeFileSync(join(dir, 'case.json'), JSON.stringify(meta, null, 2) + '\n')
      }
      t.pass('golden files written')
      return
    }
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as unknown[]
    t.equal(published, expected.length, 'events published')
    await sink.waitFor(expected.length)
    t.strictSame(received(), expected, 'the events the handler received, in order')
    if (meta.httpOut && out) {
      t.equal(out.status, 200)
      t.strictSame(out.body, meta.httpOut.expected, `httpOut ${meta.httpOut.endpoint}`)
    }
  })
}
