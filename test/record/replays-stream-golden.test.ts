/**
 * Kapacitor's stream cases replayed the way Kapacitor's own integration tests run them,
 * but through our daemon's API: each case's `.srpl` recording (integrations/testdata,
 * seconds precision, cut at the case's duration as the test clock releases it) imported
 * with `POST /recordings/import?type=stream&precision=s`, the script defined with dbrp
 * dbname.rpname, `POST /replays` with recorded times shifted so that the first point lands
 * at the daemon's clock (Kapacitor's test zero, 1971-01-01), and the replay's httpOut
 * (`?replay-id=`) compared with what Kapacitor's test expects.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { parseInfluxDuration } from '../../src/interp/lambda/durations.js'
import { fixedClock } from '../../src/model/clock.js'
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'
import { goldenCaseNames, sortSeries, ZERO_NS } from '../fixtures/stream-harness.js'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/stream')

interface Res { status: number; text: string; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

async function start(t: Test): Promise<(method: string, path: string, body?: unknown, raw?: string) => Promise<Res>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'replays-golden-'))
  const base = defaultConfig()
  const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false } }
  const d = await startDaemon({ config, logger: silentLogger(), clock: fixedClock(ZERO_NS) })
  t.teardown(async () => {
    await d.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const url = `http://127.0.0.1:${d.httpAddress.port}`
  return async (method, path, body, raw) => {
    const res = await fetch(url + path, {
      method,
      ...(raw !== undefined ? { body: raw, headers: { 'content-type': 'text/plain' } } : {}),
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    })
    const text = await res.text()
    return { status: res.status, text, body: text === '' ? null : JSON.parse(text) }
  }
}

/** The `.srpl` records (db, rp, line) up to `duration` after the first point, as Kapacitor's test clock releases them. */
function cut(srpl: string, duration: string | undefined): string {
  const lines = srpl.split('\n')
  const limit = duration ? parseInfluxDuration(duration)! / 1_000_000_000n : undefined
  let first: bigint | undefined
  let out = ''
  for (let i = 0; i + 2 < lines.length; i += 3) {
    const line = lines[i + 2]!
    const ts = BigInt(line.slice(line.lastIndexOf(' ') + 1))
    first ??= ts
    if (limit !== undefined && ts - first > limit) continue
    out += `${lines[i]}\n${lines[i + 1]}\n${line}\n`
  }
  return out
}

t.test('Kapacitor\'s stream cases through POST /replays', async (t) => {
  const call = await start(t)
  let n = 0
  for (const name of goldenCaseNames(root)) {
    const dir = join(root, name)
    if (!existsSync(join(dir, 'input.srpl'))) continue
    const meta = existsSync(join(dir, 'case.json'))
      ? JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { endpoint?: string; duration?: string; ignoreOrder?: boolean; precision?: string }
      : {}
    const id = `c${n++}`
    const imported = await call('POST', `/kapacitor/v1/recordings/import?id=${id}&type=stream&precision=${meta.precision ?? 's'}`, undefined, cut(readFileSync(join(dir, 'input.srpl'), 'utf8'), meta.duration))
    if (imported.status !== 201) { t.fail(`${name}: import ${imported.text}`); continue }
    const task = await call('POST', '/kapacitor/v1/tasks', { id, type: 'stream', dbrps: [{ db: 'dbname', rp: 'rpname' }], script: readFileSync(join(dir, 'script.tick'), 'utf8') })
    if (task.status !== 200) { t.fail(`${name}: define ${task.text}`); continue }
    const created = await call('POST', '/kapacitor/v1/replays', { id, task: id, recording: id })
    if (created.status !== 201) { t.fail(`${name}: replay ${created.text}`); continue }
    let done: Res
    for (;;) {
      done = await call('GET', `/kapacitor/v1/replays/${id}`)
      if (done.status !== 202) break
      await new Promise((r) => setTimeout(r, 10))
    }
    if (done.body.status !== 'finished' || done.body.error !== '') { t.fail(`${name}: ${done.text}`); continue }
    const out = await call('GET', `/kapacitor/v1/tasks/${id}/${meta.endpoint ?? name}?replay-id=${id}`)
    const expected: unknown = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'))
    t.same(meta.ignoreOrder ? sortSeries(out.body) : out.body, meta.ignoreOrder ? sortSeries(expected) : expected, name)
  }
  t.ok(n > 100, `${n} cases replayed`)
})
