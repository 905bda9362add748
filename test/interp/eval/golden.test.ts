/**
 * Golden fixtures: every script of test/fixtures/tick/ and test/fixtures/tick-eval/ →
 * pipeline JSON and DOT (or, for a script that is refused, its error lines), in
 * test/fixtures/tick-eval/golden/<dir>.<case>.{pipeline.json,dot,errors}.
 * UPDATE_GOLDEN=1 regenerates.
 */
import t, { type Test } from 'tap'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { definePipeline, type DefineOptions } from '../../../src/interp/eval/define.js'
import { pipelineJSON, toDot } from '../../../src/interp/eval/pipeline-def.js'
import { TickScriptError } from '../../../src/interp/errors.js'
import { evalDir, fixtures, goldenDir, tickDir } from './helpers.js'

const update = process.env.UPDATE_GOLDEN === '1'

/** Task options per case (default: an explicit dbrp unless the script declares one). */
const OPTIONS: Record<string, DefineOptions> = {
  'tick.template-typed': {
    vars: {
      measurement: { type: 'string', value: 'cpu' },
      field: { type: 'string', value: 'usage_idle' },
      warn: { type: 'lambda', value: '"mean" < 30' },
      crit: { type: 'lambda', value: '"mean" < 10' },
      limit: { type: 'int', value: 5 },
      ratio: { type: 'float', value: 0.5 },
      enabled: { type: 'bool', value: true },
      pattern: { type: 'regex', value: '^web' },
      every: { type: 'duration', value: '1m' },
      names: { type: 'list', value: [{ type: 'string', value: 'a' }, { type: 'string', value: 'b' }] },
      all: { type: 'star', value: null },
      window: { type: 'duration', value: '10m' },
      groups: { type: 'list', value: [{ type: 'string', value: 'host' }, { type: 'string', value: 'dc' }] },
    },
  },
}

function check(t: Test, file: string, out: string): void {
  const path = goldenDir + file
  if (update || !existsSync(path)) {
    if (!update) t.fail(`${file}: no golden file (run with UPDATE_GOLDEN=1)`)
    writeFileSync(path, out)
    return
  }
  t.equal(out, readFileSync(path, 'utf8'), file)
}

const replacer = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v)

for (const [dirName, dir] of [['tick', tickDir], ['eval', evalDir]] as const) {
  t.test(`golden: ${dirName} fixtures`, async (t) => {
    const list = fixtures(dir)
    t.ok(list.length >= 10, `${list.length} fixtures`)
    for (const { name, source } of list) {
      const key = `${dirName}.${name}`
      const hasDbrp = /^dbrp /m.test(source)
      const opts: DefineOptions = { ...(hasDbrp ? {} : { dbrps: [{ db: 'telegraf', rp: 'autogen' }] }), ...OPTIONS[key] }
      try {
        const d = definePipeline(source, opts)
        const doc = { type: d.type, dbrps: d.dbrps, vars: d.vars, ...pipelineJSON(d.pipeline) }
        check(t, `${key}.pipeline.json`, JSON.stringify(doc, replacer, 2) + '\n')
        check(t, `${key}.dot`, toDot(d.pipeline, name.replace(/[^A-Za-z0-9_]/g, '_')) + '\n')
      } catch (e) {
        if (!(e instanceof TickScriptError)) throw e
        check(t, `${key}.errors`, e.message + '\n')
      }
    }
  })
}
