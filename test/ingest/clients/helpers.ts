/**
 * Shared by the real-client tests: a sink that keeps every point, an exact canonical
 * form of a point for comparisons, a deadline poll, a subprocess runner, and paths.
 */
import { spawn } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FieldValue, Point } from '../../../src/model/point.js'
import type { PointSink } from '../../../src/ingest/sink.js'

/** The repository root (this file runs from dist/test/ingest/clients/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')

/** The Debian python3 with python3-influxdb (the `python3` on PATH may be another one). */
export const PYTHON = '/usr/bin/python3'

/** Keeps every point it is given, and each write call's size. */
export class RecordingSink implements PointSink {
  readonly points: Point[] = []
  readonly writes: number[] = []
  write(points: readonly Point[]): void {
    this.writes.push(points.length)
    for (const p of points) this.points.push(p)
  }
  /** Points of the given databases / measurements only. */
  where(pred: (p: Point) => boolean): Point[] {
    return this.points.filter(pred)
  }
}

function fieldCanon(v: FieldValue): string {
  switch (typeof v) {
    case 'number': return Object.is(v, -0) ? 'float:-0' : `float:${String(v)}`
    case 'bigint': return `integer:${v.toString()}`
    case 'string': return `string:${JSON.stringify(v)}`
    case 'boolean': return `boolean:${v}`
    default: return `UNKNOWN(${typeof v}):${String(v)}`
  }
}

/**
 * An exact, order-independent text form of a point: db, rp, measurement, tags and
 * fields sorted by key with each field's type, and the nanosecond time.
 */
export function canon(p: Point): string {
  const tags = Object.keys(p.tags).sort().map((k) => `${JSON.stringify(k)}=${JSON.stringify(p.tags[k])}`)
  const fields = Object.keys(p.fields).sort().map((k) => `${JSON.stringify(k)}=${fieldCanon(p.fields[k])}`)
  const time = typeof p.time === 'bigint' ? p.time.toString() : `NOT-BIGINT(${typeof p.time}):${String(p.time)}`
  return `${JSON.stringify(p.db)}.${JSON.stringify(p.rp)} ${JSON.stringify(p.name)} {${tags.join(',')}} {${fields.join(',')}} @${time}`
}

/** Multiset difference of two lists of points in canonical form (first `limit` of each side). */
export function diffPoints(expected: readonly Point[], actual: readonly Point[], limit = 10): { missing: string[]; unexpected: string[] } {
  const counts = new Map<string, number>()
  for (const p of expected) { const c = canon(p); counts.set(c, (counts.get(c) ?? 0) + 1) }
  const unexpected: string[] = []
  for (const p of actual) {
    const c = canon(p)
    const n = counts.get(c) ?? 0
    if (n > 0) counts.set(c, n - 1)
    else if (unexpected.length < limit) unexpected.push(c)
  }
  const missing: string[] = []
  for (const [c, n] of counts) for (let i = 0; i < n && missing.length < limit; i++) missing.push(c)
  return { missing, unexpected }
}

/** Builds an expected point (tags/fields given as plain objects). */
export function pt(db: string, rp: string, name: string, tags: Record<string, string>, fields: Record<string, FieldValue>, time: bigint): Point {
  return { db, rp, name, tags, fields, time }
}

/** Polls `cond` every 20 ms until it is true; rejects with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await cond()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs a command to completion (killed after `timeoutMs`), feeding `input` on stdin. */
export function run(cmd: string, args: readonly string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    child.on('error', (e) => { clearTimeout(timer); reject(e) })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolveRun({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') })
    })
    child.stdin.on('error', () => { /* the child may exit before reading everything */ })
    child.stdin.end(opts.input ?? '')
  })
}

export { genTelegraf } from '../../fixtures/telegraf-payload.js'
