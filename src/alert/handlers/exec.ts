/**
 * The `exec` handler: runs `prog` with `args` (no shell), writes the event JSON and a
 * newline to its stdin; a non-zero exit (or a signal) is a failed attempt. An aborted
 * attempt (delivery timeout, task stopped) kills the process.
 *
 * SECURITY: running programs from a task or a topic handler defined over the HTTP API is
 * off unless the config file says `[alert] exec-enabled = true` (our own key; Kapacitor has
 * no such switch). create() — the one path for TICKscript and topic handlers — refuses it.
 * Options: {prog, args}.
 */
import { spawn } from 'node:child_process'
import type { HandlerInstance } from '../../nodes/define-node.js'
import { tickString } from '../../pipeline/props.js'
import { eventJSON, type AlertEvent, type AlertHandler, type HandlerOptions } from '../types.js'
import type { HandlerContext, HandlerDefinition } from './definition.js'

/** `[alert] <key> = true` in the config file. */
export function alertSwitch(ctx: HandlerContext, key: string): boolean {
  const s = ctx.sections['alert']
  return typeof s === 'object' && s !== null && !Array.isArray(s) && (s as Record<string, unknown>)[key] === true
}

/** stderr kept for the error message, bounded */
const STDERR_KEEP = 2048

export class ExecHandler implements AlertHandler {
  readonly kind = 'exec'
  constructor(readonly prog: string, readonly args: readonly string[]) {}

  handle(event: AlertEvent, signal: AbortSignal): Promise<void> {
    const payload = eventJSON(event) + '\n'
    return new Promise<void>((resolve, reject) => {
      const child = spawn(this.prog, [...this.args], { stdio: ['pipe', 'ignore', 'pipe'], signal, killSignal: 'SIGKILL' })
      let stderr = ''
      child.stderr.setEncoding('utf8')
      child.stderr.on('data', (d: string) => { if (stderr.length < STDERR_KEEP) stderr += d.slice(0, STDERR_KEEP - stderr.length) })
      // a program that exits without reading stdin makes the write fail with EPIPE: its exit status decides
      child.stdin.on('error', () => {})
      child.once('error', (err) => {
        reject(signal.aborted && signal.reason instanceof Error ? signal.reason : new Error(`exec: ${this.prog}: ${err.message}`))
      })
      child.once('close', (code, sig) => {
        if (code === 0) return resolve()
        const how = code !== null ? `exit status ${code}` : `signal ${sig}`
        reject(new Error(`exec: ${this.prog} failed with ${how}${stderr.trim() === '' ? '' : ': ' + stderr.trim()}`))
      })
      child.stdin.end(payload)
    })
  }
}

export const execDefinition: HandlerDefinition = {
  kind: 'exec',
  tickName: 'exec',
  fromTick(h: HandlerInstance): HandlerOptions {
    const [prog, ...args] = h.args.map(tickString)
    return { prog: prog ?? '', args }
  },
  create(options: HandlerOptions, ctx: HandlerContext): AlertHandler {
    if (!alertSwitch(ctx, 'exec-enabled')) throw new Error('exec handler is disabled: set [alert] exec-enabled = true in the config file')
    const prog = options['prog']
    if (typeof prog !== 'string' || prog === '') throw new Error('exec: option prog is required')
    const args = options['args'] ?? []
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new Error('exec: option args must be a list of strings')
    return new ExecHandler(prog, args as string[])
  },
}
