/**
 * The generic handlers: log (file), post, tcp, exec.
 *
 * Config keys of our own (not Kapacitor's), read from the config file's `[alert]` section:
 * `exec-enabled = true` allows the exec handler and `log-file-enabled = true` the log (file)
 * handler; both are off by default because a task or an API-defined topic handler could
 * otherwise run programs or write files as the daemon's user.
 */
import type { HandlerDefinition } from './definition.js'
import { execDefinition } from './exec.js'
import { logDefinition } from './log.js'
import { postDefinition } from './post.js'
import { tcpDefinition } from './tcp.js'

export const CORE_HANDLERS: readonly HandlerDefinition[] = [logDefinition, postDefinition, tcpDefinition, execDefinition]
