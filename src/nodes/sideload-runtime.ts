/**
 * sideload(): sets fields and tags from hierarchical YAML/JSON files. `.source('file:///dir')`
 * is read once at task start (every file under the directory, keyed by its path relative
 * to it; `.yml`/`.yaml` parsed as YAML 1.1 like Kapacitor's go-yaml, `.json` as JSON, other
 * files hold no keys). For each point the `.order()` templates are rendered with the
 * point's tags (`{{.host}}`; a missing tag renders as Go's `<no value>`) and each
 * `.field(name, default)` / `.tag(name, default)` key takes the first value found in that
 * order, converted to the default's type (Kapacitor's convertType: numbers are float64 in
 * the files, so an int default takes integral numbers and integer strings, a string default
 * takes numbers, booleans and strings…), else the default. A value that does not convert
 * is a node error and the default is used. The result depends only on the tags, so it is
 * cached per tags object (the parser shares one per series). Fields and tags are set even
 * when the point already has them; the group is unchanged.
 *
 * HTTP sources (`http://…`, httppost endpoints) and `POST /kapacitor/v1/sideload/reload`
 * are not supported: such a task fails to start.
 */
import { indexKey, splitActions } from '../pipeline/template-actions.js'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, isAbsolute, join, normalize } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { FieldValue, Fields, Tags } from '../model/point.js'
import type { BatchMessage, BatchPoint, PointMessage } from '../pipeline/messages.js'
import { fieldValueOf, propArgs, propCalls, propString, tickString } from '../pipeline/props.js'
import { BaseRuntime, type NodeContext } from '../pipeline/runtime.js'
import { TaskStartError } from '../pipeline/task-execution.js'

type Values = Readonly<Record<string, unknown>>

/** What the files give one tags object: the fields and tags to set, and conversion errors. */
interface Patch {
  readonly fields: Fields
  readonly tags: Tags | undefined
  readonly errors: readonly string[]
}

export class SideloadRuntime extends BaseRuntime {
  private readonly files: ReadonlyMap<string, Values>
  private readonly order: ReadonlyArray<(tags: Tags) => string>
  private readonly fieldDefaults: ReadonlyArray<readonly [string, FieldValue]>
  private readonly tagDefaults: ReadonlyArray<readonly [string, string]>
  private readonly patches = new WeakMap<Tags, Patch>()

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    this.files = loadSource(propString(node, 'source'))
    this.order = propArgs(node, 'order').map((v) => {
      try {
        return compileOrderTemplate(tickString(v))
      } catch (err) {
        throw new TaskStartError(`sideload order template: ${(err as Error).message}`)
      }
    })
    const fields = new Map<string, FieldValue>()
    for (const [k, v] of propCalls(node, 'field')) fields.set(tickString(k!), fieldValueOf(v!)!)
    const tags = new Map<string, string>()
    for (const [k, v] of propCalls(node, 'tag')) tags.set(tickString(k!), tickString(v!))
    this.fieldDefaults = [...fields]
    this.tagDefaults = [...tags]
  }

  protected override point(p: PointMessage): void {
    const patch = this.patchFor(p.tags)
    this.report(patch, p)
    this.ctx.emit({ ...p, fields: { ...p.fields, ...patch.fields }, tags: patch.tags ?? p.tags })
  }

  protected override batch(b: BatchMessage): void {
    const points: BatchPoint[] = new Array(b.points.length)
    for (let i = 0; i < b.points.length; i++) {
      const p = b.points[i]!
      const patch = this.patchFor(p.tags)
      this.report(patch, b)
      points[i] = { name: p.name, time: p.time, fields: { ...p.fields, ...patch.fields }, tags: patch.tags ?? p.tags }
    }
    this.ctx.emit({ ...b, points })
  }

  private report(patch: Patch, m: PointMessage | BatchMessage): void {
    for (const e of patch.errors) this.ctx.error(new Error(e), { group: m.group })
  }

  private patchFor(tags: Tags): Patch {
    let patch = this.patches.get(tags)
    if (patch === undefined) {
      patch = this.lookupAll(tags)
      this.patches.set(tags, patch)
    }
    return patch
  }

  private lookupAll(tags: Tags): Patch {
    const order = this.order.map((t) => t(tags))
    const errors: string[] = []
    const fields: Record<string, FieldValue> = {}
    for (const [key, dflt] of this.fieldDefaults) fields[key] = this.valueFor(order, key, dflt, errors)
    let outTags: Tags | undefined
    if (this.tagDefaults.length > 0) {
      const t: Record<string, string> = { ...tags }
      for (const [key, dflt] of this.tagDefaults) t[key] = this.valueFor(order, key, dflt, errors) as string
      outTags = Object.freeze(t)
    }
    return { fields: Object.freeze(fields), tags: outTags, errors }
  }

  private valueFor(order: readonly string[], key: string, dflt: FieldValue, errors: string[]): FieldValue {
    const v = lookup(this.files, order, key)
    if (v === undefined || v === null) return dflt
    const c = convertType(v, dflt)
    if (c !== undefined) return c
    errors.push(`failed to load key ${key}: expected ${goTypeName(dflt)}, got ${goTypeName(v)}`)
    return dflt
  }
}

function lookup(files: ReadonlyMap<string, Values>, order: readonly string[], key: string): unknown {
  for (const o of order) {
    const values = files.get(o)
    if (values === undefined || !Object.prototype.hasOwnProperty.call(values, key)) continue
    return values[key]
  }
  return undefined
}

/** Kapacitor's convertType: a file value (float64, string, bool…) as the default's type, or undefined. */
export function convertType(src: unknown, dflt: FieldValue): FieldValue | undefined {
  switch (typeof dflt) {
    case 'bigint':
      if (typeof src === 'number') return Number.isInteger(src) ? BigInt(src) : undefined
      if (typeof src === 'string') return parseGoInt(src)
      return undefined
    case 'number':
      if (typeof src === 'number') return src
      if (typeof src === 'string') return parseGoFloat(src)
      return undefined
    case 'boolean':
      if (typeof src === 'boolean') return src
      if (typeof src === 'string') return GO_BOOLS.get(src)
      return undefined
    case 'string':
      if (typeof src === 'string') return src
      if (typeof src === 'boolean') return src ? 'true' : 'false'
      if (typeof src === 'number') return goFormatFloat(src)
      return undefined
  }
}

const GO_BOOLS = new Map<string, boolean>([
  ['1', true], ['t', true], ['T', true], ['TRUE', true], ['true', true], ['True', true],
  ['0', false], ['f', false], ['F', false], ['FALSE', false], ['false', false], ['False', false],
])

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** Go's strconv.Atoi on a 64-bit platform: decimal digits with an optional sign, in range. */
function parseGoInt(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined
  const v = BigInt(s)
  return v < INT64_MIN || v > INT64_MAX ? undefined : v
}

/** Go's strconv.ParseFloat(s, 64) for decimal text, Inf and NaN (hex floats are not accepted here). */
function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity
  if (/^nan$/i.test(s)) return NaN
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined
  return Number(s)
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64): shortest digits, never an exponent. */
function goFormatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN'
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf'
  const s = String(f)
  if (!/e/i.test(s)) return s
  const [mant, expText] = s.split(/e/i) as [string, string]
  const exp = Number(expText)
  const neg = mant.startsWith('-')
  const digits = mant.replace('-', '').replace('.', '')
  const point = (mant.replace('-', '').indexOf('.') < 0 ? mant.replace('-', '').length : mant.replace('-', '').indexOf('.')) + exp
  const out = point <= 0 ? '0.' + '0'.repeat(-point) + digits : point >= digits.length ? digits + '0'.repeat(point - digits.length) : digits.slice(0, point) + '.' + digits.slice(point)
  return (neg ? '-' : '') + out
}

function goTypeName(v: unknown): string {
  switch (typeof v) {
    case 'bigint': return 'int64'
    case 'number': return 'float64'
    case 'string': return 'string'
    case 'boolean': return 'bool'
    default: return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}'
  }
}

/**
 * An order template: text with `{{.tag}}` / `{{index . "tag"}}` actions rendered from the
 * tags (Go's text/template over models.Tags; a missing key prints `<no value>`).
 */
export function compileOrderTemplate(text: string): (tags: Tags) => string {
  const parts = splitActions(text).map((p): string | { tag: string } => {
    if (typeof p === 'string') return p
    const field = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(p.action)
    if (field) return { tag: field[1]! }
    const tag = indexKey(p.action, '.')
    if (tag !== undefined) return { tag }
    throw new Error(`unsupported action {{${p.action}}} in ${JSON.stringify(text)} (only {{.tag}} and {{index . "tag"}})`)
  })
  return (tags) => {
    let out = ''
    for (const p of parts) out += typeof p === 'string' ? p : (tags[p.tag] ?? '<no value>')
    return out
  }
}

/** Reads every file under a `file://` source directory (once, at task start). */
export function loadSource(source: string): Map<string, Values> {
  let url: URL
  try {
    url = new URL(source)
  } catch {
    throw new TaskStartError(`sideload: bad source URL ${JSON.stringify(source)}`)
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') throw new TaskStartError(`sideload: HTTP sources are not supported (${source})`)
  if (url.protocol !== 'file:') throw new TaskStartError(`unsupported source scheme "${url.protocol.replace(/:$/, '')}", must be 'file', 'http', or 'https'`)
  const dir = decodeURIComponent(url.pathname)
  if (!isAbsolute(dir)) throw new TaskStartError(`sideload source path must be absolute "${dir}"`)
  const root = normalize(dir)
  const files = new Map<string, Values>()
  try {
    walk(root, '', files)
  } catch (err) {
    throw new TaskStartError(`failed to update sideload cache for source file "${root}": ${(err as Error).message}`)
  }
  return files
}

function walk(root: string, rel: string, out: Map<string, Values>): void {
  const abs = rel === '' ? root : join(root, rel)
  if (!statSync(abs).isDirectory()) throw new Error(`${abs} is not a directory`)
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`
    if (e.isDirectory()) walk(root, r, out)
    else out.set(r, readValues(join(root, r)))
  }
}

function readValues(path: string): Values {
  const text = readFileSync(path, 'utf8')
  let v: unknown
  switch (extname(path)) {
    case '.yaml':
    case '.yml':
      try {
        v = parseYaml(text, { version: '1.1' })
      } catch (err) {
        throw new Error(`failed to unmarshal yaml values "${path}": ${(err as Error).message}`)
      }
      break
    case '.json':
      try {
        v = JSON.parse(text)
      } catch (err) {
        throw new Error(`failed to unmarshal json values "${path}": ${(err as Error).message}`)
      }
      break
    default:
      return {}
  }
  if (v === null || v === undefined) return {}
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`values file "${path}" is not a map of keys`)
  return v as Values
}
