/**
 * Golden stream cases (test/fixtures/stream/<case>/): a script, the input points and the
 * httpOut JSON Kapacitor gives for them. Most cases restate Kapacitor's integration tests
 * (integrations/streamer_test.go) with their recordings; the others are written from the
 * reference's semantics (§2, §10). Regenerate nothing: expected.json is written by hand
 * from the source test and reviewed.
 */
import t from 'tap'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { goldenCaseNames, loadGoldenCase, sortSeries, startStream } from '../fixtures/stream-harness.js'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/stream')

for (const name of goldenCaseNames(root)) {
  t.test(name, async (t) => {
    const c = loadGoldenCase(join(root, name), name)
    const run = startStream(c.script)
    run.write(c.points)
    run.finish()
    const got = run.output(c.endpoint)
    run.stop()
    t.same(c.ignoreOrder ? sortSeries(got) : got, c.ignoreOrder ? sortSeries(c.expected) : c.expected)
  })
}
