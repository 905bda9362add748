/** The handler registry: every handler kind, and the factory the daemon hands to tasks and topics. */
import type { HandlerInstance } from '../../nodes/define-node.js'
import type { AlertHandler, HandlerFactory, HandlerOptions } from '../types.js'
import type { GlobalHandler } from '../../pipeline/services.js'
import { CORE_HANDLERS } from './core.js'
import type { HandlerContext, HandlerDefinition } from './definition.js'
import { SERVICE_HANDLERS } from './services.js'

export const HANDLERS: readonly HandlerDefinition[] = [...CORE_HANDLERS, ...SERVICE_HANDLERS]

export function handlerByKind(kind: string): HandlerDefinition | undefined {
  return HANDLERS.find((h) => h.kind === kind)
}

export function handlerByTickName(name: string): HandlerDefinition | undefined {
  return HANDLERS.find((h) => h.tickName === name)
}

/** A TICKscript handler call → (kind, options). */
export function tickHandlerOptions(h: HandlerInstance): { kind: string; options: HandlerOptions } {
  const def = handlerByTickName(h.spec.name)
  if (!def) throw new Error(`alert handler ${h.spec.name} is not supported in this version`)
  return { kind: def.kind, options: def.fromTick(h) }
}

export function createHandlerFactory(ctx: HandlerContext): HandlerFactory {
  return (kind: string, options: HandlerOptions): AlertHandler => {
    const def = handlerByKind(kind)
    if (!def) throw new Error(`unknown alert handler kind ${JSON.stringify(kind)}`)
    if (ctx.disabledHandlers?.has(def.kind) || ctx.disabledHandlers?.has(def.tickName)) {
      throw new Error(`alert handler ${def.tickName} is disabled (kapacitord -disable-handlers)`)
    }
    return def.create(options, ctx)
  }
}

/**
 * The handlers the config attaches to every alert (Kapacitor's `global = true` in a
 * service's section, with `state-changes-only`): a table section gives one, an array
 * section (`[[slack]]`) one per global entry, selected by its `workspace` (or `name`).
 * A section must also be `enabled = true`.
 */
export function globalHandlersFromSections(sections: Readonly<Record<string, unknown>>): GlobalHandler[] {
  const out: GlobalHandler[] = []
  for (const def of SERVICE_HANDLERS) {
    const section = sections[def.kind]
    const entries = Array.isArray(section) ? section : section !== undefined ? [section] : []
    for (const e of entries) {
      if (typeof e !== 'object' || e === null) continue
      const c = e as Record<string, unknown>
      if (c['global'] !== true || c['enabled'] !== true) continue
      const options: Record<string, unknown> = {}
      if (Array.isArray(section)) {
        if (typeof c['workspace'] === 'string') options['workspace'] = c['workspace']
        else if (typeof c['name'] === 'string') options['name'] = c['name']
      }
      out.push({ kind: def.kind, options, stateChangesOnly: c['state-changes-only'] === true })
    }
  }
  return out
}
