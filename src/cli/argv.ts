/**
 * Command-line pieces shared by the verbs: Kapacitor's single-dash long flags, `-dbrp`
 * values, glob detection.
 */
import type { Dbrp } from './client.js'

/**
 * Rewrites Kapacitor's Go-style flags for yargs: `-tick f` → `--tick f`. A value option's
 * value is always the next word, as with Go's flag package: one that starts with a dash
 * (`-where "-1 < x"`) is passed as `--where=-1 < x` so that yargs does not read it as
 * another flag; any other is passed as a separate word, because yargs strips the
 * surrounding quotes of `--opt="..."` values (which would break `-dbrp "db"."rp"`).
 * Single letters (`-h`) and everything after `--` are left alone.
 */
export function normalizeArgv(argv: readonly string[], valueOptions: ReadonlySet<string>): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!
    if (tok === '--') {
      out.push(...argv.slice(i))
      break
    }
    const m = /^--?([A-Za-z][A-Za-z0-9_-]*)(=.*)?$/.exec(tok)
    const name = m?.[1]
    if (m === null || name === undefined || (name.length === 1 && !tok.startsWith('--'))) {
      out.push(tok)
      continue
    }
    let value: string | undefined
    if (m[2] !== undefined) {
      value = m[2].slice(1)
    } else if (valueOptions.has(name) && i + 1 < argv.length) {
      value = argv[++i]!
    }
    if (value === undefined) out.push(`--${name}`)
    else if (value.startsWith('-') || !valueOptions.has(name)) out.push(`--${name}=${value}`)
    else out.push(`--${name}`, value)
  }
  return out
}

/**
 * Kapacitor's `-dbrp` value: `"db"."rp"` where the quotes are optional and a quoted part
 * may contain `\"`. Errors use the Go CLI's wording.
 */
export function parseDbrp(value: string): Dbrp {
  if (value.length === 0) throw new Error('dbrp cannot be empty')
  let db: string
  let n: number
  if (value[0] === '"') {
    ;[db, n] = readQuoted(value)
  } else {
    n = value.indexOf('.')
    if (n === -1) throw new Error('does not contain a \'.\', it must be in the form "dbname"."rpname" where the quotes are optional.')
    db = value.slice(0, n)
  }
  if (value[n] !== '.') throw new Error("dbrp must specify retention policy, do you have a missing or extra '.'?")
  const rest = value.slice(n + 1)
  if (rest.length === 0) throw new Error("dbrp must specify retention policy, do you have a missing or extra '.'?")
  const rp = rest[0] === '"' ? readQuoted(rest)[0] : rest
  return { db, rp }
}

/** Reads a quoted string at the start of `txt`; returns the unescaped text and the index just past the closing quote. */
function readQuoted(txt: string): [string, number] {
  const quote = txt[0]!
  let s = ''
  let i = 1
  for (; i < txt.length; i++) {
    const c = txt[i]!
    if (c === '\\' && txt[i + 1] === quote) {
      s += quote
      i++
    } else if (c === quote) {
      return [s, i + 1]
    } else {
      s += c
    }
  }
  return [s, i]
}

/** The dbrps of repeated `-dbrp` flags (yargs gives a string for one, an array for several). */
export function dbrpsOf(flag: unknown): Dbrp[] {
  if (flag === undefined) return []
  const values = Array.isArray(flag) ? flag : [flag]
  return values.map((v) => parseDbrp(String(v)))
}

/** Whether an id argument is a glob pattern (Go's filepath.Match syntax) rather than one id. */
export function isGlob(s: string): boolean {
  return /[*?[\\]/.test(s)
}

/** The first positional word of normalized argv (the command), skipping the values of value options. */
export function firstPositional(args: readonly string[], valueOptions: ReadonlySet<string>): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') return args[i + 1]
    if (!a.startsWith('-')) return a
    const m = /^--([A-Za-z][A-Za-z0-9_-]*)$/.exec(a)
    if (m !== null && valueOptions.has(m[1]!)) i++
  }
  return undefined
}

const INFLUX_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n, u: 1_000n, 'µ': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n,
  h: 3_600_000_000_000n, d: 86_400_000_000_000n, w: 604_800_000_000_000n,
}

/** InfluxQL's duration literal as Kapacitor's CLI reads `-duration` and `-past` (`90s`, `1h30m`, `2d`, `1w`): integers only. */
export function parseInfluxDuration(text: string): bigint {
  const m = /^(-?)((?:\d+(?:ns|u|µ|ms|s|m|h|d|w))+)$/.exec(text)
  if (m === null) throw new Error(`invalid duration ${JSON.stringify(text)}`)
  let total = 0n
  for (const part of m[2]!.matchAll(/(\d+)(ns|u|µ|ms|s|m|h|d|w)/g)) total += BigInt(part[1]!) * INFLUX_UNITS[part[2]!]!
  return m[1] === '-' ? -total : total
}

const RFC3339_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/i

/** An RFC 3339 time flag (`-start`, `-stop`), checked as Kapacitor's CLI parses it before sending. */
export function parseTimeFlag(name: string, text: string): string {
  if (!RFC3339_TIME.test(text) || Number.isNaN(new Date(text).getTime())) {
    throw new Error(`invalid -${name} ${JSON.stringify(text)}: expected an RFC 3339 time such as 2015-09-01T00:00:00Z`)
  }
  return text
}
