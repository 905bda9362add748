/**
 * Nothing acknowledged is lost: the real kapacitord (bin/kapacitord.js, its own process)
 * with an open-ended recording, two writers posting batches over HTTP (integers beyond
 * 2^53, floats, strings with quotes, booleans, ns times), kill -9 while writes are in
 * flight, restart on the same data directory: the recording is listed as interrupted and
 * its export holds every acknowledged point, exact, each writer's in the order they were
 * acknowledged; a write that never got its 204 may be there (whole) or not.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Point } from '../../src/model/point.js'
import { parseSrpl } from '../../src/record/srpl.js'
import { spawnKapacitord, type KapacitordProcess } from '../fixtures/kapacitord-process.js'

const R = '/kapacitor/v1/recordings'

type Daemon = KapacitordProcess


async function call(d: Daemon, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`http://127.0.0.1:${d.port}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) })
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

const LINES = 20
const BIG = 9007199254740993n // 2^53 + 1

/** Batch `j` of writer `w`: its points and its line protocol, written independently of our encoder. */
function batch(w: number, j: number): { points: Point[]; body: string } {
  const points: Point[] = []
  let body = ''
  for (let k = 0; k < LINES; k++) {
    const n = j * LINES + k
    const i = BIG + BigInt(n) * 1_000_003n
    const f = n / 7 - 1e-9
    const s = `w${w} "q" ${n}`
    const b = n % 3 === 0
    const time = 1_700_000_000_000_000_000n + BigInt(n) * 1_000_003n + BigInt(w)
    points.push({ db: 'crashdb', rp: 'autogen', name: 'crash', tags: { writer: String(w) }, fields: { i, f, s, b }, time })
    body += `crash,writer=${w} i=${i}i,f=${String(f)},s="${s.replace(/"/g, '\\"')}",b=${b} ${time}\n`
  }
  return { points, body }
}

t.test('kill -9 mid-stream: every acknowledged point is in the recording, in order, exact', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rec-crash-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  let d = await spawnKapacitord(t, ['-data-dir', dataDir])
  t.equal((await call(d, 'POST', `${R}/stream`, { id: 'crash' })).status, 201)

  const WRITERS = 2
  const acked: number[][] = [[], []]
  const unacked: number[][] = [[], []]
  let killed = false
  const writer = async (w: number): Promise<void> => {
    for (let j = 0; !killed; j++) {
      try {
        const res = await fetch(`http://127.0.0.1:${d.port}/write?db=crashdb`, { method: 'POST', body: batch(w, j).body })
        await res.text()
        if (res.status === 204) acked[w]!.push(j)
        else unacked[w]!.push(j)
      } catch {
        unacked[w]!.push(j)
        return
      }
    }
  }
  const writers = [writer(0), writer(1)]
  // kill once both writers have had many writes acknowledged: writes are in flight then
  while (acked[0]!.length < 25 || acked[1]!.length < 25) await new Promise((r) => setTimeout(r, 5))
  d.child.kill('SIGKILL')
  killed = true
  await d.exited
  await Promise.all(writers)
  t.ok(acked[0]!.length >= 25 && acked[1]!.length >= 25, 'writes were acknowledged before the kill')

  d = await spawnKapacitord(t, ['-data-dir', dataDir])
  const got = await call(d, 'GET', `${R}/crash`)
  t.equal(got.status, 200)
  t.match(got.body, { id: 'crash', type: 'stream', status: 'failed', error: 'interrupted: kapacitord stopped while recording' })
  t.ok(got.body.size > 0)
  const listed = await call(d, 'GET', R)
  t.same(listed.body.recordings.map((r: { id: string }) => r.id), ['crash'], 'listed')

  const res = await fetch(`http://127.0.0.1:${d.port}${R}/crash/export`)
  t.equal(res.status, 200)
  const recorded = parseSrpl(Buffer.from(await res.arrayBuffer()), { precision: 'ns', now: 0n })

  for (let w = 0; w < WRITERS; w++) {
    const mine = recorded.filter((p) => p.tags['writer'] === String(w))
    const expected = acked[w]!.flatMap((j) => batch(w, j).points)
    t.same(mine.slice(0, expected.length), expected, `writer ${w}: its ${acked[w]!.length} acknowledged batches, in order, exact`)
    const rest = mine.slice(expected.length)
    const inFlight = unacked[w]!.length > 0 ? batch(w, unacked[w]![0]!).points : []
    t.ok(rest.length === 0 || (rest.length === inFlight.length && JSON.stringify(rest, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v) === JSON.stringify(inFlight, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v)),
      `writer ${w}: after them at most its write that was in flight, whole`)
  }
  const order = recorded.map((p) => `${p.tags['writer']}:${p.time}`)
  t.equal(new Set(order).size, order.length, 'no point twice')
  d.child.kill('SIGTERM')
  await d.exited
})
