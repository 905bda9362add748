/**
 * Our line-protocol parser against a real influxd 1.x, case by case (oracle-cases.ts),
 * plus every input the differential fuzz ever caught (fixtures/line-protocol/fuzz-regressions.json).
 * See oracle-harness.ts for what is compared. ORACLE_DUMP=1 prints every trial (influxd's
 * answer, ours); ORACLE_REPORT=<file> writes the disagreements to a file.
 */
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { startInfluxd, influxdVersion } from '../fixtures/influxd.js'
import { CASES, type OracleCase } from './oracle-cases.js'
import { parsePrecision } from '../../src/model/time.js'
import {
  loadParser, runBatch, describeTrial, answerText, problemsOf, expectedAnswer, showPoint, InfluxdCrashed, UNREADABLE,
  type ParseResult, type TrialInput, type TrialReport,
} from './oracle-harness.js'

interface Regression { seed: string; iteration: number; precision: string | null; line: string; note?: string }

const regressions: Regression[] = JSON.parse(readFileSync(new URL('../../../test/fixtures/line-protocol/fuzz-regressions.json', import.meta.url), 'utf8'))
const all: OracleCase[] = [
  ...CASES,
  ...regressions.map((r) => ({
    name: `fuzz regression seed=${r.seed} #${r.iteration}${r.note ? ` (${r.note})` : ''}`,
    requests: [{ body: r.line, precision: r.precision ?? undefined }],
  })),
]

t.test('our line-protocol parser against influxd, table cases', async (t) => {
  t.setTimeout(150_000)
  const influx = await startInfluxd()
  t.teardown(() => influx.stop())
  t.comment(influxdVersion())
  const { api, missing } = await loadParser()
  if (!api) t.fail(`our parser is not available: ${missing.join('; ')}`)
  else if (missing.length) t.fail(`missing: ${missing.join('; ')}`)

  const started = Date.now()
  const results: TrialReport[][] = new Array(all.length)
  const trialsOf = (cs: OracleCase): TrialInput[] => cs.requests.map((r, k) => ({
    id: cs.requests.length > 1 ? `${cs.name} [request ${k + 1}]` : cs.name,
    body: Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8'),
    precision: r.precision,
  }))
  const crashing = (cs: OracleCase): boolean => cs.requests.some((r) => r.storage === 'influxd-crash')
  let next = 0
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (;;) {
      const i = next++
      if (i >= all.length) return
      const cs = all[i]!
      if (crashing(cs)) continue
      const b = await runBatch(influx, `case${i}`, trialsOf(cs), api)
      // Multi-request cases: what no point explains belongs to the case (shown on its last request).
      b.reports[b.reports.length - 1]!.valueProblems.push(...b.unexplained)
      results[i] = b.reports
    }
  }))
  // Lines that crash influxd 1.6.7 get an influxd of their own each.
  for (let i = 0; i < all.length; i++) {
    const cs = all[i]!
    if (!crashing(cs)) continue
    const own = await startInfluxd()
    try {
      const b = await runBatch(own, 'crash', trialsOf(cs), api)
      results[i] = b.reports // influxd survived: the case's assertion says so
    } catch (e) {
      if (!(e instanceof InfluxdCrashed)) throw e
      results[i] = trialsOf(cs).map((input, k) => {
        let ours: ParseResult | undefined
        let notes: string[] = []
        try {
          ours = api?.parseLineProtocol(input.body, { db: 'crash', rp: 'autogen', precision: parsePrecision(input.precision), now: 0n })
        } catch (pe) { notes = [`our parser threw: ${(pe as Error).message}`] }
        return {
          input, ours, oursAnswer: api && ours ? expectedAnswer(api, ours) : undefined, verdictAgrees: false,
          influx: k === e.trial ? { kind: 'storage', cls: 'influxd-crash', status: 0, text: e.panic } : { kind: 'unexpected', status: 0, text: 'not sent: influxd crashed before' },
          valueProblems: [], encoderProblems: [], notes, comparedPoints: 0, encoderChecked: 0,
        } satisfies TrialReport
      })
    } finally {
      await own.stop()
    }
  }
  const trials = results.flat()
  t.comment(`${all.length} cases (${CASES.length} table, ${regressions.length} fuzz regressions), ${trials.length} requests against influxd in ${Date.now() - started} ms; ` +
    `values compared for ${trials.reduce((n, r) => n + r.comparedPoints, 0)} points, encoder round trip for ${trials.reduce((n, r) => n + r.encoderChecked, 0)}`)

  const disagreements: string[] = []
  for (let i = 0; i < all.length; i++) {
    const cs = all[i]!
    t.test(cs.name, async (t) => {
      for (let k = 0; k < cs.requests.length; k++) {
        const req = cs.requests[k]!
        const r = results[i]![k]!
        const d = describeTrial(r)
        if (process.env.ORACLE_DUMP) t.comment(d)
        const cls = r.influx.kind === 'storage' ? r.influx.cls : undefined
        if (req.storage) {
          // Not a parse verdict (wire-compat.md §a.3): influxd's parser accepted the body,
          // its storage layer (or a panic) refused it.
          if (cls === req.storage) t.pass(`influxd answers with the storage-layer class ${req.storage}`)
          else t.fail(`influxd was expected to answer with the storage-layer class ${req.storage}\n${d}`)
          if (!api) continue
          if (req.storage === 'non-utf8-measurement' || req.storage === 'influxd-crash') {
            // influxd has no usable answer: we only show what we do (and that we do not throw).
            t.comment(`${req.storage} (classified, not compared); ours: ${r.oursAnswer ? answerText(r.oursAnswer) : '(none)'}${r.ours?.points.length ? ` ${r.ours.points.map(showPoint).join(' | ')}` : ''}`)
            t.same(r.notes, [], `our parser does not throw\n${d}`)
            continue
          }
          if (req.storage === 'engine-500') {
            // influxd's scanner accepted it, its engine cannot decode the value (500): we
            // refuse the line with the engine's reason (documented in the parser).
            const reason = r.influx.kind === 'storage' ? r.influx.text.replace(/^engine: /, '') : '?'
            if (r.ours?.errors.some((e) => e.reason === reason)) t.pass(`our parser refuses the line with influxd's engine reason`)
            else { disagreements.push(d); t.fail(`our parser should refuse the line with the reason ${JSON.stringify(reason)}\n${d}`) }
            continue
          }
          const ok = !!r.ours && r.ours.errors.length === 0 && r.ours.points.length > 0 && r.notes.length === 0
          if (ok) t.pass('our parser accepts what influxd\'s parser accepted')
          else { disagreements.push(d); t.fail(`our parser must accept what influxd's parser accepted\n${d}`) }
          continue
        }
        if (r.influx.kind === 'storage' || r.influx.kind === 'unexpected') {
          t.fail(`unclassified influxd answer (declare its storage class in oracle-cases.ts if it is not a parse verdict)\n${d}`)
          continue
        }
        if (!api) continue
        const problems = problemsOf(r)
        const unreadable = !!r.valuesSkipped?.startsWith(UNREADABLE)
        if (req.unreadable) {
          if (unreadable) t.pass(`classified: ${r.valuesSkipped}`)
          else t.fail(`expected influxd to store this measurement unreadably (values not comparable)\n${d}`)
        } else if (unreadable) {
          t.fail(`unclassified: ${r.valuesSkipped} (mark the case unreadable in oracle-cases.ts if that is right)\n${d}`)
        }
        if (req.deviation) {
          // A documented, deliberate difference, recognised precisely by the harness: visible
          // as a TODO in tap's summary, not a failure.
          if (!r.deviation) t.fail(`expected the documented deviation (${req.deviation}), the harness did not recognise it\n${d}`)
          else if (problems.length) t.fail(`documented deviation, but other problems too (${problems.join(', ')})\n${d}`)
          else t.ok(r.verdictAgrees, `agrees with influxd\n${d}`, { todo: req.deviation })
          continue
        }
        if (r.deviation) {
          t.fail(`unclassified deviation ${r.deviation} (declare it in oracle-cases.ts if it is intended)\n${d}`)
          continue
        }
        if (problems.length === 0) t.pass('same verdict, error text, stored values and encoder round trip as influxd')
        else { disagreements.push(d); t.fail(`disagrees with influxd (${problems.join(', ')})\n${d}`) }
        if (r.valuesSkipped && !unreadable && !/different shards/.test(r.valuesSkipped)) t.comment(`values not compared: ${r.valuesSkipped}`)
      }
    })
  }

  t.teardown(() => {
    if (disagreements.length) {
      t.comment(`${disagreements.length} disagreements with influxd`)
      if (process.env.ORACLE_REPORT) writeFileSync(process.env.ORACLE_REPORT, disagreements.join('\n\n') + '\n')
    }
  })
})
