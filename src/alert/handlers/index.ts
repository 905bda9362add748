/** The handler registry: every handler kind, and the factory the daemon hands to tasks and topics. */
import type { HandlerInstance } from '../../nodes/define-node.js'
import type { AlertHandler, HandlerFactory, HandlerOptions } from '../types.js'
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
    return def.create(options, ctx)
  }
}
