/**
 * Golden batch cases (test/fixtures/batch/<case>/): a batch script, Kapacitor's recorded
 * query results for each query node (integrations/testdata/<Test>.<n>.brpl) and the
 * httpOut JSON Kapacitor's integration test (integrations/batcher_test.go) expects, restated
 * by hand. The batches go through the query nodes' replay input (`batchInputs()`), so the
 * conversion to batch messages is the one live queries use.
 */
import t from 'tap'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { batchCaseNames, loadBatchCase, startBatch } from '../fixtures/batch-harness.js'
import { sortSeries } from '../fixtures/stream-harness.js'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/batch')

for (const name of batchCaseNames(root)) {
  t.test(name, async (t) => {
    const c = loadBatchCase(join(root, name), name)
    const run = startBatch(c.script)
    run.replay(c.sources)
    run.finish()
    const got = run.output(c.endpoint)
    run.stop()
    t.same(c.ignoreOrder ? sortSeries(got) : got, c.ignoreOrder ? sortSeries(c.expected) : c.expected)
  })
}
