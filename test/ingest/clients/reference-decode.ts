/**
 * An independent, deliberately simple decoder of InfluxDB 1.x line protocol, written
 * only to check what the real parser hands to the sink. It follows influxd 1.6's
 * storage semantics for the forms real clients emit (Telegraf, python-influxdb,
 * influxd subscriptions): `\,` `\ ` `\=` unescaped in measurement, tag keys, tag
 * values and field keys (any other backslash kept); `\\` and `\"` unescaped in string
 * fields; integers as `bigint`; booleans t/T/true/True/TRUE and f/F/false/False/FALSE.
 * It shares no code with src/ingest; it does not report errors precisely, it throws.
 */
import type { FieldValue, Point } from '../../../src/model/point.js'

export interface DecodeContext {
  db: string
  rp: string
  /** Nanoseconds per timestamp unit (1n for ns). */
  unit?: bigint
}

const TRUE = new Set(['t', 'T', 'true', 'True', 'TRUE'])
const FALSE = new Set(['f', 'F', 'false', 'False', 'FALSE'])

function unescapeKey(s: string): string {
  return s.replace(/\\([, =])/g, '$1')
}

/** Splits at `sep` characters that are not backslash-escaped and (optionally) not inside double quotes. */
function splitUnescaped(s: string, sep: string, quotes: boolean): string[] {
  const out: string[] = []
  let start = 0
  let inQuote = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '\\') { i++; continue }
    if (quotes && c === '"') { inQuote = !inQuote; continue }
    if (!inQuote && c === sep) { out.push(s.slice(start, i)); start = i + 1 }
  }
  out.push(s.slice(start))
  return out
}

function indexOfUnescaped(s: string, ch: string, from = 0): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') { i++; continue }
    if (s[i] === ch) return i
  }
  return -1
}

function decodeFieldValue(text: string): FieldValue {
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) throw new Error(`bad string ${text}`)
    return text.slice(1, -1).replace(/\\([\\"])/g, '$1')
  }
  if (TRUE.has(text)) return true
  if (FALSE.has(text)) return false
  if (text.endsWith('i')) return BigInt(text.slice(0, -1))
  const n = Number(text)
  if (Number.isNaN(n) || text.trim() === '') throw new Error(`bad number ${text}`)
  return n
}

/** Decodes one line (without its `\n`); returns null for blank and comment lines. */
export function decodeLine(line: string, ctx: DecodeContext, now?: bigint): Point | null {
  const trimmed = line.replace(/^[ \t]+/, '').replace(/\r$/, '')
  if (trimmed === '' || trimmed.startsWith('#')) return null
  // key section ends at the first unescaped space
  const keyEnd = indexOfUnescaped(trimmed, ' ')
  if (keyEnd < 0) throw new Error(`no fields: ${line}`)
  const key = trimmed.slice(0, keyEnd)
  const rest = trimmed.slice(keyEnd + 1)
  // fields end at the first unescaped space outside quotes
  let fieldsEnd = rest.length
  let inQuote = false
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]
    if (c === '\\') { i++; continue }
    if (c === '"') inQuote = !inQuote
    else if (!inQuote && c === ' ') { fieldsEnd = i; break }
  }
  const fieldText = rest.slice(0, fieldsEnd)
  const tsText = rest.slice(fieldsEnd + 1).trim()

  const keyParts = splitUnescaped(key, ',', false)
  const name = unescapeKey(keyParts[0])
  const tags: Record<string, string> = {}
  for (const kv of keyParts.slice(1)) {
    const eq = indexOfUnescaped(kv, '=')
    tags[unescapeKey(kv.slice(0, eq))] = unescapeKey(kv.slice(eq + 1))
  }
  const fields: Record<string, FieldValue> = {}
  for (const kv of splitUnescaped(fieldText, ',', true)) {
    const eq = indexOfUnescaped(kv, '=')
    fields[unescapeKey(kv.slice(0, eq))] = decodeFieldValue(kv.slice(eq + 1))
  }
  let time: bigint
  if (tsText === '') {
    if (now === undefined) throw new Error(`no timestamp and no receive time: ${line}`)
    time = now
  } else {
    time = BigInt(tsText) * (ctx.unit ?? 1n)
  }
  return { db: ctx.db, rp: ctx.rp, name, tags, fields, time }
}

/**
 * Splits a body into lines at `\n`, except inside a double-quoted string field value
 * (influxd keeps a raw newline there). Quotes count only after the first unescaped
 * space of a line (in measurement and tags a `"` is an ordinary character).
 */
export function splitLines(body: string): string[] {
  const out: string[] = []
  let start = 0
  let inFields = false
  let inQuote = false
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c === '\\') { i++; continue }
    if (c === '\n' && !inQuote) { out.push(body.slice(start, i)); start = i + 1; inFields = false; continue }
    if (!inFields) { if (c === ' ' && body.slice(start, i).trim() !== '') inFields = true; continue }
    if (c === '"') inQuote = !inQuote
  }
  out.push(body.slice(start))
  return out
}

/** Decodes a whole body (lines separated by `\n`). */
export function decodeBody(body: string, ctx: DecodeContext, now?: bigint): Point[] {
  const out: Point[] = []
  for (const line of splitLines(body)) {
    const p = decodeLine(line, ctx, now)
    if (p !== null) out.push(p)
  }
  return out
}
