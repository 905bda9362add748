/** The generic handlers: log (file), post, tcp, exec. */
import type { HandlerDefinition } from './definition.js'

export const CORE_HANDLERS: readonly HandlerDefinition[] = []
