/**
 * The `[deadman]` config section (Kapacitor's services/deadman/config.go): `global`
 * (false), `threshold` (0.0), `interval` ("10s"), `id` and `message` templates in which
 * NODE_NAME and INTERVAL are replaced when a deadman is expanded. With `global = true` the
 * evaluator appends `deadman(threshold, interval)` to the root of every task (Kapacitor's
 * CreatePipeline), so a task that stops receiving data alerts without a line in its script.
 */
import { DEADMAN_DEFAULTS, type DeadmanConfig } from '../interp/eval/evaluate.js'
import { ConfigError, parseGoDuration } from '../server/config.js'

const DEFAULT_INTERVAL_NS = 10_000_000_000n

/** Reads and checks the section (absent = Kapacitor's defaults); a bad key is a ConfigError naming it. */
export function deadmanConfig(section: unknown): DeadmanConfig {
  if (section === undefined) return { ...DEADMAN_DEFAULTS, global: false, threshold: 0, intervalNs: DEFAULT_INTERVAL_NS }
  if (section === null || typeof section !== 'object' || Array.isArray(section)) throw new ConfigError(['deadman: must be a table ([deadman])'])
  const s = section as Record<string, unknown>
  const problems: string[] = []
  const known = new Set(['global', 'threshold', 'interval', 'id', 'message'])
  for (const k of Object.keys(s)) if (!known.has(k)) problems.push(`deadman.${k}: unknown key`)

  let global = false
  if (s['global'] !== undefined) {
    if (typeof s['global'] === 'boolean') global = s['global']
    else problems.push('deadman.global: must be a boolean')
  }
  let threshold = 0
  if (s['threshold'] !== undefined) {
    const v = s['threshold']
    const n = typeof v === 'bigint' ? Number(v) : v
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) threshold = n
    else problems.push('deadman.threshold: must be a number ≥ 0 (points per interval)')
  }
  let intervalNs = DEFAULT_INTERVAL_NS
  if (s['interval'] !== undefined) {
    const v = s['interval']
    const ns = typeof v === 'string' ? parseGoDuration(v) : null
    if (ns === null) problems.push(`deadman.interval: ${JSON.stringify(v)} is not a duration ("10s", "1m")`)
    else if (ns <= 0n) problems.push('deadman.interval: must be greater than zero')
    else intervalNs = ns
  }
  const text = (key: 'id' | 'message'): string => {
    const v = s[key]
    if (v === undefined) return DEADMAN_DEFAULTS[key]
    if (typeof v === 'string' && v !== '') return v
    problems.push(`deadman.${key}: must be a non-empty string`)
    return DEADMAN_DEFAULTS[key]
  }
  const id = text('id')
  const message = text('message')
  if (problems.length > 0) throw new ConfigError(problems)
  return { id, message, global, threshold, intervalNs }
}
