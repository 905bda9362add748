/**
 * `.email()` / kind `smtp`: Kapacitor's services/smtp — subject = the event message,
 * HTML body = its details, From/To from [smtp] unless the handler names recipients. One
 * pooled connection per handler, closed after [smtp] idle-timeout without mail.
 */
import { createTransport, type Transporter } from 'nodemailer'
import { parseGoDuration } from '../../server/config.js'
import type { AlertEvent, AlertHandler, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import { bool, compact, undeliverable, enabledSection, eventTemplateData, handlerTemplate, num, str, strList, tickStrings, type Section } from './service-common.js'
import type { GoTemplate } from '../template/index.js'
import { propArgs } from '../../pipeline/props.js'

function idleMs(s: Section): number {
  const v = s['idle-timeout']
  if (typeof v === 'string') {
    const ns = parseGoDuration(v)
    if (ns === null) throw new Error(`smtp: bad [smtp] idle-timeout ${JSON.stringify(v)}`)
    return Number(ns / 1_000_000n)
  }
  return num(s, 'idle-timeout', 30_000)
}

class EmailHandler implements AlertHandler {
  readonly kind = 'smtp'
  private transport: Transporter | undefined
  private idle: NodeJS.Timeout | undefined

  constructor(
    private readonly config: Section,
    private readonly from: string,
    private readonly to: readonly string[],
    private readonly toTemplates: readonly GoTemplate[],
    private readonly fallbackTo: readonly string[],
    private readonly idleTimeoutMs: number,
  ) {}

  /** the handler's recipients plus its rendered to-templates, else [smtp] to */
  private recipients(e: AlertEvent): string[] {
    const to = [...this.to]
    if (this.toTemplates.length > 0) {
      const td = eventTemplateData(e)
      for (const t of this.toTemplates) {
        const addr = t.execute(td).trim()
        if (addr !== '') to.push(addr)
      }
    }
    return to.length > 0 ? to : [...this.fallbackTo]
  }

  private open(): Transporter {
    if (this.transport) return this.transport
    const c = this.config
    const user = str(c, 'username')
    this.transport = createTransport({
      pool: true,
      maxConnections: 1,
      host: str(c, 'host', 'localhost'),
      port: num(c, 'port', 25),
      ...(user !== '' ? { auth: { user, pass: str(c, 'password') } } : {}),
      ...(bool(c, 'no-verify') ? { tls: { rejectUnauthorized: false } } : {}),
    })
    return this.transport
  }

  private drop(): void {
    if (this.idle) clearTimeout(this.idle)
    this.idle = undefined
    this.transport?.close()
    this.transport = undefined
  }

  async handle(e: AlertEvent, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted()
    let to: string[]
    try {
      to = this.recipients(e)
      if (to.length === 0) throw new Error('not sending email, no recipients defined')
    } catch (err) {
      throw undeliverable('smtp', err)
    }
    if (this.idle) clearTimeout(this.idle)
    const t = this.open()
    const sent = t.sendMail({ from: this.from, to, subject: e.message, html: e.details })
    let onAbort: (() => void) | undefined
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        this.drop()
        reject(signal.reason instanceof Error ? signal.reason : new Error('smtp: aborted'))
      }
      signal.addEventListener('abort', onAbort, { once: true })
    })
    try {
      await Promise.race([sent, aborted])
    } catch (err) {
      // a broken connection is not reused
      this.drop()
      throw new Error(`smtp: ${(err as Error).message}`)
    } finally {
      signal.removeEventListener('abort', onAbort!)
      sent.catch(() => {})
      aborted.catch(() => {})
    }
    if (this.idleTimeoutMs > 0) {
      this.idle = setTimeout(() => this.drop(), this.idleTimeoutMs)
      this.idle.unref()
    }
  }

  close(): void {
    this.drop()
  }
}

export const smtpDefinition: HandlerDefinition = {
  kind: 'smtp',
  tickName: 'email',
  // `.email('a').to('b')`: Kapacitor appends both to the handler's To list
  fromTick: (h) => {
    const to = [...tickStrings(h.args), ...tickStrings(propArgs(h, 'to'))]
    const toTemplates = tickStrings(propArgs(h, 'toTemplates'))
    return compact({ to: to.length > 0 ? to : undefined, 'to-templates': toTemplates.length > 0 ? toTemplates : undefined })
  },
  create(options: HandlerOptions, ctx): AlertHandler {
    const s = enabledSection(ctx, 'smtp')
    const from = str(s, 'from')
    if (from === '') throw new Error("smtp: no from address configured ([smtp] from)")
    const own = strList(options as Section, 'to')
    const templates = strList(options as Section, 'to-templates').map((t) => handlerTemplate('smtp', 'to-templates', t))
    const fallback = strList(s, 'to')
    if (own.length === 0 && templates.length === 0 && fallback.length === 0) {
      throw new Error('smtp: no recipients (handler to or to-templates, or [smtp] to)')
    }
    return new EmailHandler(s, from, own, templates, fallback, idleMs(s))
  },
}
