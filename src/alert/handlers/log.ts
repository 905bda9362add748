/**
 * The `log` handler: appends the event JSON and a newline to a file (absolute path),
 * created with `mode` (default 0600). Options: {path, mode}.
 *
 * SECURITY: writing files chosen by a task or a topic handler defined over the HTTP API is
 * off unless the config file says `[alert] log-file-enabled = true` (our own key; Kapacitor
 * has no such switch). create() — the one path for TICKscript and topic handlers — refuses it.
 */
import { open } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import type { HandlerInstance } from '../../nodes/define-node.js'
import { propInt, tickString } from '../../pipeline/props.js'
import { eventJSON, type AlertEvent, type AlertHandler, type HandlerOptions } from '../types.js'
import type { HandlerContext, HandlerDefinition } from './definition.js'
import { alertSwitch } from './exec.js'

export class LogHandler implements AlertHandler {
  readonly kind = 'log'
  constructor(readonly path: string, readonly mode: number) {}

  async handle(event: AlertEvent, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted()
    // one append per event: O_APPEND keeps lines whole when several handlers share a file
    const f = await open(this.path, 'a', this.mode)
    try {
      await f.appendFile(eventJSON(event) + '\n')
    } finally {
      await f.close()
    }
  }
}

function modeOf(v: unknown): number {
  if (v === undefined || v === null) return 0o600
  const n = typeof v === 'bigint' ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0o7777) throw new Error('log: option mode must be a file mode such as 0600 (384)')
  return n
}

export const logDefinition: HandlerDefinition = {
  kind: 'log',
  tickName: 'log',
  fromTick(h: HandlerInstance): HandlerOptions {
    return { path: h.args[0] ? tickString(h.args[0]) : '', mode: Number(propInt(h, 'mode')) }
  },
  create(options: HandlerOptions, ctx: HandlerContext): AlertHandler {
    if (!alertSwitch(ctx, 'log-file-enabled')) throw new Error('log handler is disabled: set [alert] log-file-enabled = true in the config file')
    const path = options['path']
    if (typeof path !== 'string' || path === '') throw new Error('log: option path is required')
    if (!isAbsolute(path)) throw new Error(`log: path must be absolute, got ${JSON.stringify(path)}`)
    return new LogHandler(path, modeOf(options['mode']))
  },
}
