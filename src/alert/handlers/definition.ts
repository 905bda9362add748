/**
 * A handler kind, declared once (like a node spec): its topic-handler kind (`post`,
 * `smtp`, `slack`…), the TICKscript alert property that makes it (`post`, `email`…),
 * how a TICKscript handler call becomes options, and how options become a handler.
 * src/alert/handlers/index.ts lists them; nothing else switches on handler kinds.
 */
import type { HandlerInstance } from '../../nodes/define-node.js'
import type { Logger } from '../../server/logger.js'
import type { AlertHandler, HandlerOptions } from '../types.js'
import type { EgressPolicy } from '../../net/egress.js'

export interface HandlerContext {
  /** the config file's untyped sections (`[smtp]`, `[[slack]]`, `[[httppost]]`, `[alert]`…) as parsed TOML */
  readonly sections: Readonly<Record<string, unknown>>
  readonly logger: Logger
  /** `-blacklist-cidrs`: where the `post` handler may not connect (default: anywhere) */
  readonly egress?: EgressPolicy
  /** `-disable-handlers`: kinds (or TICKscript names) refused wherever they are used */
  readonly disabledHandlers?: ReadonlySet<string>
}

export interface HandlerDefinition {
  /** topic-handler kind and config section name (`smtp` for `.email()`) */
  readonly kind: string
  /** the TICKscript alert property (`email`, `pagerDuty2`) */
  readonly tickName: string
  /** a TICKscript handler call → options in the topic-handler API's spelling */
  fromTick(h: HandlerInstance): HandlerOptions
  /** options → a handler; throws a clear Error when the options or its config section are wrong or the kind is disabled */
  create(options: HandlerOptions, ctx: HandlerContext): AlertHandler
}
