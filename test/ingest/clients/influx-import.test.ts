/**
 * The real `influx` CLI 1.6.7 (Debian influxdb-client) importing a file into our
 * daemon: `influx -host 127.0.0.1 -port <ours> -import -path f -precision s`.
 * The file has a `# DDL` section (CREATE DATABASE, sent to /query) and a `# DML`
 * section with `# CONTEXT-DATABASE:` / `# CONTEXT-RETENTION-POLICY:` switches;
 * the importer writes batches of 5000 lines with an empty line after every line,
 * `precision=s`, `consistency=all`. We check its printed summary and that every
 * point reached our sink exactly (seconds → ns).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Point } from '../../../src/model/point.js'
import { diffPoints, pt, run } from './helpers.js'
import { startOurs } from './daemon.js'

const INFLUX = '/usr/bin/influx'
const N = 6001 // two batches of the importer (5000 + 1001)

t.test('influx -import into our daemon', async (t) => {
  const ours = await startOurs(t)
  const dir = mkdtempSync(join(tmpdir(), 'influx-import-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))

  const lines: string[] = [
    '# DDL',
    'CREATE DATABASE importdb',
    'CREATE DATABASE "import db2"',
    '',
    '# DML',
    '# CONTEXT-DATABASE: importdb',
    '# CONTEXT-RETENTION-POLICY: autogen',
  ]
  const expected: Point[] = []
  for (let i = 1; i <= N; i++) {
    lines.push(`imp,host=h${i % 7},path=/a\\ b v=${i}.5,i=${i}i,s="x \\"y\\" ${i}",b=t ${1700000000 + i}`)
    expected.push(pt('importdb', 'autogen', 'imp', { host: `h${i % 7}`, path: '/a b' },
      { v: i + 0.5, i: BigInt(i), s: `x "y" ${i}`, b: true }, BigInt(1700000000 + i) * 1_000_000_000n))
  }
  lines.push('# CONTEXT-DATABASE: import db2')
  lines.push('imp2,t=a\\,b v=-1e-3,w=F,u="" -5')
  expected.push(pt('import db2', 'autogen', 'imp2', { t: 'a,b' }, { v: -1e-3, w: false, u: '' }, -5_000_000_000n))
  const file = join(dir, 'import.txt')
  writeFileSync(file, lines.join('\n') + '\n')

  const r = await run(INFLUX, ['-host', '127.0.0.1', '-port', String(ours.httpPort), '-import', '-path', file, '-precision', 's'], { timeoutMs: 60_000 })
  t.equal(r.code, 0, `influx exited 0; stderr: ${r.stderr}`)
  const summary = r.stdout + r.stderr
  t.match(summary, /Processed 2 commands/, 'both DDL statements succeeded')
  t.match(summary, new RegExp(`Processed ${N + 1} inserts`), 'every insert processed')
  t.match(summary, /Failed 0 inserts/, 'no insert failed')

  t.same(diffPoints(expected, ours.sink.points), { missing: [], unexpected: [] }, 'every imported point arrived exactly, nothing else')
  t.equal(ours.sink.points.length, N + 1)
})
