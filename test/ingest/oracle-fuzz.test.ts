/**
 * Seeded differential fuzz: mutated line protocol, our parser against a real influxd.
 *
 * Good lines (templates below) are mutated by 1–3 operations (insert, delete, replace a
 * byte, duplicate a short run) drawing from an alphabet of the characters that matter to
 * the grammar. Each trial is ONE `/write` request (a mutated line, or 2–3 of them joined
 * by `\n` for the multi-line rules), with a random `precision`. Trials go in batches to a
 * fresh database each, one request at a time, so lines do not interfere: every line
 * carries its own measurement token made of letters outside the alphabet (a mutation
 * cannot turn one token into another), field types are per measurement, and the harness
 * folds same-series-same-time writes and detects the rare type mixes across shards.
 *
 *   FUZZ_SEED=<any string>  reproduce a run (the seed is printed)
 *   FUZZ_N=<trials>         default 3000
 *   FUZZ_SAVE=1             append newly failing inputs to fixtures/line-protocol/fuzz-regressions.json
 */
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { startInfluxd, type Influxd } from '../fixtures/influxd.js'
import { parsePrecision } from '../../src/model/time.js'
import {
  loadParser, runBatch, describeTrial, problemsOf, answerText, showPoint, clip, InfluxdCrashed,
  type BatchResult, type TrialInput, type TrialReport, type StorageClass,
} from './oracle-harness.js'

const SEED = process.env.FUZZ_SEED ?? 'kapacitor-lp-1'
const N = Number(process.env.FUZZ_N ?? 3000)
const BATCH = 250
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 3)
const MAX_SAVED = 40
const REGRESSIONS = new URL('../../../test/fixtures/line-protocol/fuzz-regressions.json', import.meta.url)

/** sfc32 seeded by a string hash: small, fast, reproducible. */
function rng(seed: string): () => number {
  let h = 1779033703 ^ seed.length
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353)
    h = (h << 13) | (h >>> 19)
  }
  const next = (): number => {
    h = Math.imul(h ^ (h >>> 16), 2246822507)
    h = Math.imul(h ^ (h >>> 13), 3266489909)
    return (h ^= h >>> 16) >>> 0
  }
  let a = next(), b = next(), c = next(), d = next()
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0
    let x = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    x = (x + d) | 0
    c = (c + x) | 0
    return (x >>> 0) / 4294967296
  }
}

const ALPHABET = [' ', ',', '=', '\\', '"', '#', '0', '1', '5', '9', 'i', 'u', 'e', 'E', '.', '-', '+', 't', 'f', 'T', '\t', '\r']
/** Token letters: none of them is in the alphabet, so no mutation turns a token into another. */
const TOKEN_LETTERS = 'abcdghjkmnopqrswxyz'

function token(i: number): string {
  let s = ''
  for (let k = 0; k < 4; k++) { s = TOKEN_LETTERS[i % TOKEN_LETTERS.length] + s; i = Math.floor(i / TOKEN_LETTERS.length) }
  return 'Q' + s
}

/**
 * Good lines. `M` is replaced by the line's token, `@` by 2020-09-13 plus a few ns,
 * written in the trial's precision (so most timestamps are in range).
 */
const TEMPLATES = [
  'M,host=server01,region=us-west cpu=0.64,mem=12i,ok=true,msg="hello world" @',
  'M v=1 @',
  'M,t=a\\ b v=1i',
  'M s="a\\"b\\\\c",f=-1.5e-3,b=F @',
  'M\\ x,k\\,1=v\\=1 f\\ k=2 @',
  'M a=1,b=2,c=3 -@',
  'M,a=1,b=2 i=-9223372036854775808i,j=9223372036854775807i @',
  'M f=.5,g=5.,h=1E+3,k=-0,l=1e-7 @',
  'M b1=t,b2=T,b3=true,b4=True,b5=TRUE,b6=f,b7=F,b8=false,b9=False,b10=FALSE @',
  'M x=1 9223372036854775806',
  'M,tag=1 x="" 0',
  '  M v=1 @',
  'M v=1i,v=2i @',
  'M s="with = and , and space",n=5 1',
  'M,z=9,a=1 value=123456789012345678901234567890',
  'M v=179769313486231570000000000000000000000000000000000000000000000000000000000000000000 @',
  'M,host=a u=1u @',
  'M,x=y t=t,f=f',
  '# comment M v=1',
  'M v=-9223372036854775806 -9223372036854775806',
  'M,t\\=k=a v=0.000001 2562047',
  'M s="multi\\\\" @',
  'M,a=b,c=d e=1,f=2i,g="h" @',
  'M s="two\nlines",v=1 @',
  'M,城市=東京 温度=21.5,説明="晴れ" @',
  // backslashes next to separators, in every part of the key and in field keys
  'M,a\\\\=b=c\\\\,d e\\\\=f=1,g\\\\ h=2i @',
  'M,a=b f\\\\=t,g=f @',
  'M,k\\ 1=v\\,2 x\\"y=1,z\\\\="s" @',
]
const UNIT: Record<string, bigint> = { u: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n }

const PRECISIONS: (string | undefined)[] = [undefined, undefined, undefined, 'n', 'ns', 'u', 'ms', 's', 'm', 'h', 'us']

function mutate(line: string, r: () => number): string {
  const x = r()
  const ops = x < 0.55 ? 1 : x < 0.85 ? 2 : 3
  let s = line
  for (let k = 0; k < ops; k++) {
    const pick = (): string => ALPHABET[Math.floor(r() * ALPHABET.length)]!
    const pos = Math.floor(r() * (s.length + 1))
    switch (Math.floor(r() * 4)) {
      case 0: s = s.slice(0, pos) + pick() + s.slice(pos); break // insert
      case 1: if (s.length) { const p = Math.min(pos, s.length - 1); s = s.slice(0, p) + s.slice(p + 1) } break // delete
      case 2: if (s.length) { const p = Math.min(pos, s.length - 1); s = s.slice(0, p) + pick() + s.slice(p + 1) } break // replace
      default: { // duplicate a short run in place
        const p = Math.min(pos, Math.max(0, s.length - 1))
        const len = 1 + Math.floor(r() * 4)
        s = s.slice(0, p + len) + s.slice(p, p + len) + s.slice(p + len)
      }
    }
  }
  return s
}

function makeTrials(seed: string, n: number): TrialInput[] {
  const r = rng(seed)
  const out: TrialInput[] = []
  let tok = 0
  for (let i = 0; i < n; i++) {
    const count = r() < 0.2 ? 2 + Math.floor(r() * 2) : 1
    const precision = PRECISIONS[Math.floor(r() * PRECISIONS.length)]
    const unit = UNIT[precision ?? ''] ?? 1n
    const ls: string[] = []
    for (let k = 0; k < count; k++) {
      const tpl = TEMPLATES[Math.floor(r() * TEMPLATES.length)]!
      const ts = ((1_600_000_000_000_000_000n + BigInt(i)) / unit).toString()
      ls.push(mutate(tpl.replace('M', token(tok++)).replace('@', ts), r))
    }
    out.push({ id: `seed=${seed} #${i}`, body: Buffer.from(ls.join('\n'), 'utf8'), precision })
  }
  return out
}

// Run directly (node dist/...), the root test's own timeout applies too.
t.setTimeout(Math.max(150_000, N * 25) + 30_000)

t.test('differential fuzz: our line-protocol parser against influxd', async (t) => {
  t.setTimeout(Math.max(150_000, N * 25))
  t.comment(`FUZZ_SEED=${SEED} FUZZ_N=${N}`)
  const { api, missing } = await loadParser()
  if (!api) { t.fail(`our parser is not available: ${missing.join('; ')}`); return }
  let influx = await startInfluxd()
  t.teardown(() => influx.stop())
  const trials = makeTrials(SEED, N)
  const started = Date.now()
  const reports: TrialReport[] = []
  const unexplained: string[] = []
  const batches: TrialInput[][] = []
  for (let i = 0; i < trials.length; i += BATCH) batches.push(trials.slice(i, i + BATCH))

  // influxd 1.6.7 can crash on a line (a panic outside its HTTP handler kills the
  // process). Then it is restarted, and from then on batches run one at a time, so that
  // a crash names its line; that line is classified and its batch run again without it.
  const crashes: { input: TrialInput; panic: string; ours: string }[] = []
  let serial = false
  let lock: Promise<unknown> = Promise.resolve()
  let restarting: Promise<void> | undefined
  const restart = async (dead: Influxd): Promise<void> => {
    if (influx !== dead) return // someone else already did
    restarting ??= (async () => {
      await dead.stop()
      influx = await startInfluxd()
    })().finally(() => { restarting = undefined })
    await restarting
  }
  const runResilient = async (b: number): Promise<BatchResult> => {
    let batch = batches[b]!
    for (let attempt = 0; ; attempt++) {
      let inst = influx
      const wasSerial = serial
      const exec = (): Promise<BatchResult> => { inst = influx; return runBatch(inst, `fuzz${b}x${attempt}`, batch, api) }
      try {
        if (!wasSerial) return await exec()
        const run = lock.then(exec, exec)
        lock = run.catch(() => undefined)
        return await run
      } catch (e) {
        if (await inst.alive()) throw e
        if (wasSerial && e instanceof InfluxdCrashed) {
          const input = batch[e.trial]!
          let ours: string
          try {
            const r = api.parseLineProtocol(input.body, { db: 'x', rp: 'autogen', precision: parsePrecision(input.precision), now: 0n })
            ours = r.errors.length ? r.errors.map((x) => api.formatLineError(x)).join(' | ') : `accepted: ${r.points.map(showPoint).join(' | ')}`
          } catch (pe) { ours = `THREW ${(pe as Error).message}` }
          crashes.push({ input, panic: e.panic, ours })
          batch = batch.filter((_, k) => k !== e.trial)
        }
        serial = true
        await restart(inst)
        if (attempt > 50) throw e
      }
    }
  }
  let next = 0
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (;;) {
      const b = next++
      if (b >= batches.length) return
      const res = await runResilient(b)
      reports.push(...res.reports)
      if (res.unexplained.length) unexplained.push(`batch ${b} (${batches[b]![0]!.id} …): ${res.unexplained.join('; ')}`)
    }
  }))
  reports.sort((a, b) => Number(a.input.id.split('#')[1]) - Number(b.input.id.split('#')[1]))

  // Statistics.
  const storage = new Map<StorageClass, number>()
  let accepted = 0, rejected = 0, partial = 0, compared = 0, comparedTrials = 0, encoded = 0
  const skipped = new Map<string, number>()
  for (const r of reports) {
    if (r.influx.kind === 'ok') accepted++
    else if (r.influx.kind === 'parse') { if (r.influx.partial) partial++; else rejected++ }
    else if (r.influx.kind === 'storage') storage.set(r.influx.cls, (storage.get(r.influx.cls) ?? 0) + 1)
    compared += r.comparedPoints
    encoded += r.encoderChecked
    if (r.comparedPoints) comparedTrials++
    if (r.valuesSkipped) {
      const why = r.valuesSkipped.replace(/"(?:[^"\\]|\\.)*"/g, '…').replace(/trial .*?:/, 'trial:')
      skipped.set(why, (skipped.get(why) ?? 0) + 1)
    }
  }
  t.comment(`${reports.length + crashes.length} trials in ${Date.now() - started} ms: influxd accepted ${accepted}, partially accepted ${partial}, rejected ${rejected}, storage-layer ${JSON.stringify(Object.fromEntries(storage))}, crashed ${crashes.length}`)
  t.comment(`values compared for ${compared} points of ${comparedTrials} trials; encoder round trip for ${encoded} points; skipped: ${JSON.stringify(Object.fromEntries(skipped))}`)
  if (!api.encodePoint) t.fail('encodePoint (src/ingest/line-protocol-encoder.ts) is missing: the round trip was not checked')

  // Classified, not failures: influxd crashes (its defect), documented deviations, storage-layer answers.
  for (const c of crashes.slice(0, 10)) {
    t.comment(`classified: influxd crashed (${c.panic}) on ${JSON.stringify(c.input.body.toString('utf8'))} precision=${c.input.precision ?? '(absent)'}; ours: ${c.ours}`)
    if (c.ours.startsWith('THREW')) t.fail(`our parser threw on an input that crashes influxd: ${c.ours}`)
  }
  const deviations = reports.filter((r) => r.deviation)
  if (deviations.length) t.comment(`documented deviations: ${deviations.length} (${[...new Set(deviations.map((r) => r.deviation))].join(', ')}), e.g. ${deviations.slice(0, 3).map((r) => JSON.stringify(r.input.body.toString('utf8'))).join(' ')}`)
  const storageTrials = reports.filter((r) => r.influx.kind === 'storage')
  for (const r of storageTrials.slice(0, 10)) t.comment(`classified: ${answerText(r.influx)} for ${JSON.stringify(r.input.body.toString('utf8'))}`)

  const failing: TrialReport[] = []
  for (const r of reports) {
    if (r.influx.kind === 'unexpected') { failing.push(r); continue }
    if (r.influx.kind === 'storage') {
      const oneLine = !r.input.body.includes(0x0a)
      const cls = r.influx.cls
      if (cls === 'engine-500') {
        // influxd's parser accepted the line, its engine failed to decode it (500); we
        // refuse the line with that reason (documented in the parser).
        const reason = r.influx.text.replace(/^engine: /, '')
        if (!r.ours || !r.ours.errors.some((e) => e.reason === reason)) failing.push(r)
      } else if (cls === 'panic-500' || cls === 'non-utf8-measurement' || cls === 'other-storage') failing.push(r)
      else if (oneLine && (!r.ours || r.ours.errors.length > 0)) failing.push(r) // influxd's parser accepted it all
      continue
    }
    if (problemsOf(r).length) failing.push(r)
  }
  // Group by signature (kinds of problem and the reasons, without the echoed lines), a few examples each.
  const bySignature = new Map<string, TrialReport[]>()
  for (const r of failing) {
    const sig = [problemsOf(r).join(',') || answerText(r.influx),
      ...new Set(r.encoderProblems.map((x) => x.replace(/"(?:[^"\\]|\\.)*"/g, '…').replace(/'[^']*'/g, '…'))),
      ...(r.verdictAgrees ? [] : [`${r.influx.kind}/${r.oursAnswer?.kind}`, ...(r.ours?.errors ?? []).map((e) => e.reason)])].join(' ')
    const l = bySignature.get(sig)
    if (l) l.push(r); else bySignature.set(sig, [r])
  }
  for (const [sig, rs] of bySignature) {
    t.fail(`${rs.length} trial(s) disagree with influxd: ${clip(sig, 300)}\n${rs.slice(0, 3).map(describeTrial).join('\n')}`)
  }
  for (const u of unexplained) t.fail(`stored points no point of ours explains: ${u}`)
  if (failing.length === 0 && unexplained.length === 0) t.pass(`${reports.length} trials agree with influxd`)

  if (process.env.FUZZ_SAVE && failing.length) {
    const saved = JSON.parse(readFileSync(REGRESSIONS, 'utf8')) as { seed: string; iteration: number; precision: string | null; line: string; note?: string }[]
    const have = new Set(saved.map((s) => `${s.precision}\u0000${s.line}`))
    let added = 0
    // One or two inputs per signature, shortest first.
    for (const rs of bySignature.values()) {
      for (const r of [...rs].sort((a, b) => a.input.body.length - b.input.body.length).slice(0, 2)) {
        if (added >= MAX_SAVED) break
        const line = r.input.body.toString('utf8')
        const key = `${r.input.precision ?? null}\u0000${line}`
        if (have.has(key)) continue
        have.add(key)
        saved.push({ seed: SEED, iteration: Number(r.input.id.split('#')[1]), precision: r.input.precision ?? null, line, note: problemsOf(r).join(',') || r.influx.kind })
        added++
      }
    }
    writeFileSync(REGRESSIONS, JSON.stringify(saved, null, 2) + '\n')
    t.comment(`saved ${added} new regression inputs to test/fixtures/line-protocol/fuzz-regressions.json`)
  }
})
