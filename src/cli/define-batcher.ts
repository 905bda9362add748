/**
 * The design doc's `kapacitor define batcher --name N --query 'select ...'
 * (--period 15m | --cron '*\/15 * * * *') [--group-by 1h] --script path [--dbrp db.rp]`:
 * a batch task whose implicit `batch` root is a query node built from the command line
 * (agreement §3: the task's `query`, `period`, `cron` and `group-by` fields). Its dbrps
 * are the `db.rp` of the query's FROM unless `--dbrp` names them. Created disabled.
 */
import { dbrpsOf } from './argv.js'
import type { ApiTask, Dbrp, TaskOptions } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { upsertTask } from './define.js'
import { readTextFile } from './files.js'

export interface BatcherFlags {
  name?: string
  query?: string
  period?: string
  cron?: string
  'group-by'?: string
  script?: string
  tick?: string
  dbrp?: unknown
  'no-reload'?: boolean
}

/** InfluxDB's default retention policy name, for `FROM "db".."m"`. */
const DEFAULT_RP = 'autogen'

/** Reads one identifier segment at `i`: `"quoted \" name"`, a bare word, a /regex/, or '' (as in `db..m`). */
function segment(q: string, i: number): [string, number] {
  const c = q[i]
  if (c === '"') {
    let s = ''
    let j = i + 1
    for (; j < q.length && q[j] !== '"'; j++) {
      if (q[j] === '\\' && j + 1 < q.length) j++
      s += q[j]
    }
    return [s, j + 1]
  }
  if (c === '/') {
    let j = i + 1
    for (; j < q.length && q[j] !== '/'; j++) if (q[j] === '\\') j++
    return [q.slice(i, j + 1), j + 1]
  }
  const m = /^[A-Za-z0-9_\-:]*/.exec(q.slice(i))!
  return [m[0], i + m[0].length]
}

/**
 * The `"db"."rp"` pairs of the sources of a query's FROM clause: only fully qualified
 * sources (`db.rp.m`, `db..m`) name a database; the others are reported as undefined.
 */
export function fromDbrps(query: string): Array<Dbrp | undefined> {
  const out: Array<Dbrp | undefined> = []
  // FROM outside quoted strings and identifiers
  let i = 0
  let at = -1
  while (i < query.length) {
    const c = query[i]!
    if (c === "'" || c === '"') {
      const close = query.indexOf(c, i + 1)
      i = close === -1 ? query.length : close + 1
      continue
    }
    if (/^from\s/i.test(query.slice(i, i + 5)) && (i === 0 || /\s/.test(query[i - 1]!))) {
      at = i + 4
      break
    }
    i++
  }
  if (at === -1) return out
  i = at
  for (;;) {
    while (/\s/.test(query[i] ?? '')) i++
    const parts: string[] = []
    for (;;) {
      const [s, next] = segment(query, i)
      parts.push(s)
      i = next
      if (query[i] !== '.') break
      i++
    }
    out.push(parts.length === 3 && parts[0] !== '' ? { db: parts[0]!, rp: parts[1] || DEFAULT_RP } : undefined)
    while (/\s/.test(query[i] ?? '')) i++
    if (query[i] !== ',') return out
    i++
  }
}

export function batcherOptions(flags: BatcherFlags, script: string): TaskOptions {
  const query = flags.query
  if (query === undefined || query === '') throw new UsageError("define batcher needs --query 'select ...'", 'define')
  const hasPeriod = flags.period !== undefined && flags.period !== ''
  const hasCron = flags.cron !== undefined && flags.cron !== ''
  if (hasPeriod === hasCron) throw new UsageError('define batcher needs one of --period or --cron', 'define')
  let dbrps = dbrpsOf(flags.dbrp)
  if (dbrps.length === 0) {
    const found = fromDbrps(query)
    if (found.length === 0 || found.some((d) => d === undefined)) {
      throw new UsageError('cannot tell the database of the query: write its FROM as "db"."rp"."measurement" or give --dbrp db.rp', 'define')
    }
    const seen = new Set<string>()
    dbrps = (found as Dbrp[]).filter((d) => {
      const key = `${d.db}\u0000${d.rp}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
  }
  // the command line is the whole batcher: a schedule or group-by it does not give is cleared ('')
  return {
    type: 'batch', script, dbrps, query,
    period: hasPeriod ? flags.period! : '',
    cron: hasCron ? flags.cron! : '',
    'group-by': flags['group-by'] ?? '',
  }
}

export async function defineBatcher(ctx: CliContext, flags: BatcherFlags): Promise<ApiTask> {
  if (flags.name === undefined || flags.name === '') throw new UsageError('define batcher needs --name', 'define')
  const path = flags.script ?? flags.tick
  if (path === undefined || path === '') throw new UsageError('define batcher needs --script <path to the TICKscript>', 'define')
  const script = readTextFile(path)
  return upsertTask(ctx, flags.name, batcherOptions(flags, script), script, flags['no-reload'] === true)
}
