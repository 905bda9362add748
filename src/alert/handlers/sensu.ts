/**
 * `.sensu()` / kind `sensu`: Kapacitor's services/sensu — a check result as one JSON
 * line over TCP to [sensu] addr; the client answers `ok`. name = the alert id, source a
 * template (default [sensu] source, `Kapacitor`), status from the level.
 */
import { connect } from 'node:net'
import { propCalls, propArgs } from '../../pipeline/props.js'
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import {
  compact, undeliverable, enabledSection, eventTemplateData, goJSONLine, handlerTemplate, sortedMap, str, strList, tickStr, tickStrings, type Section,
} from './service-common.js'

const STATUS: Record<AlertLevel, number> = { OK: 0, INFO: 0, WARNING: 1, CRITICAL: 2 }
const VALID_NAME = /^[\w.-]+$/

/** The check result (a Go map: sorted keys); metadata never overrides the check's own keys. */
export function sensuBody(e: AlertEvent, source: string, handlers: readonly string[], metadata: Readonly<Record<string, unknown>>): string {
  const data: Record<string, unknown> = {
    name: e.id, source, output: e.message, status: STATUS[e.level], handlers: handlers.length > 0 ? handlers : null,
  }
  for (const [k, v] of Object.entries(metadata)) if (!(k in data)) data[k] = typeof v === 'bigint' ? Number(v) : v
  return goJSONLine(sortedMap(data))
}

function splitAddr(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':')
  const port = Number(addr.slice(i + 1))
  if (i < 0 || !Number.isInteger(port) || port <= 0) throw new Error(`sensu: bad [sensu] addr ${JSON.stringify(addr)} (host:port)`)
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, '') || 'localhost', port }
}

function send(addr: { host: string; port: number }, body: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: addr.host, port: addr.port, signal })
    let answer = ''
    sock.setEncoding('utf8')
    sock.on('connect', () => sock.end(body))
    sock.on('data', (d: string) => { answer += d })
    sock.on('error', (err) => reject(new Error(`sensu: ${addr.host}:${addr.port}: ${err.message}`)))
    sock.on('close', (hadError) => {
      if (hadError) return
      if (answer === 'ok') resolve()
      else reject(new Error(`sensu socket error: ${answer}`))
    })
  })
}

export const sensuDefinition: HandlerDefinition = {
  kind: 'sensu',
  tickName: 'sensu',
  fromTick: (h) => {
    const metadata: Record<string, unknown> = {}
    for (const [k, v] of propCalls(h, 'metadata')) {
      if (k?.type !== 'string' || v === undefined) continue
      metadata[k.value] = v.type === 'string' || v.type === 'bool' || v.type === 'float' ? v.value : v.type === 'int' ? Number(v.value) : undefined
    }
    const handlers = tickStrings(propArgs(h, 'handlers'))
    return compact({
      source: tickStr(h, 'source'),
      handlers: handlers.length > 0 ? handlers : undefined,
      metadata: Object.keys(metadata).length > 0 ? metadata : undefined,
    })
  },
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledSection(ctx, 'sensu')
    const addr = splitAddr(str(c, 'addr') || 'sensu-client:3030')
    const ownSource = str(o, 'source')
    const source = ownSource === '' ? undefined : handlerTemplate('sensu', 'source', ownSource)
    const confSource = str(c, 'source', 'Kapacitor')
    const own = strList(o, 'handlers')
    const handlers = own.length > 0 ? own : strList(c, 'handlers')
    const meta = o['metadata']
    const metadata = meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {}
    return {
      kind: 'sensu',
      async handle(e, signal) {
        let src: string
        try {
          if (!VALID_NAME.test(e.id)) throw new Error(`invalid name ${JSON.stringify(e.id)} for sensu alert. Must match ${VALID_NAME.source}`)
          src = source ? source.execute(eventTemplateData(e)) : ''
        } catch (err) {
          throw undeliverable('sensu', err)
        }
        await send(addr, sensuBody(e, src === '' ? confSource : src, handlers, metadata), signal)
      },
    }
  },
}
