/**
 * `.telegram()` / kind `telegram`: Kapacitor's services/telegram — sendMessage of the
 * event message to a chat. [telegram] url (default https://api.telegram.org/bot) + token.
 */
import { propFlag } from '../../pipeline/props.js'
import type { AlertHandler, HandlerOptions } from '../types.js'
import type { HandlerDefinition } from './definition.js'
import { bool, compact, enabledSection, goJSONLine, post, str, tickStr, type Section } from './service-common.js'

export const TELEGRAM_URL = 'https://api.telegram.org/bot'

export const telegramDefinition: HandlerDefinition = {
  kind: 'telegram',
  tickName: 'telegram',
  fromTick: (h) => compact({
    'chat-id': tickStr(h, 'chatId'),
    'parse-mode': tickStr(h, 'parseMode'),
    'disable-web-page-preview': propFlag(h, 'disableWebPagePreview') || undefined,
    'disable-notification': propFlag(h, 'disableNotification') || undefined,
  }),
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledSection(ctx, 'telegram')
    const token = str(c, 'token')
    if (token === '') throw new Error('telegram: no token configured ([telegram] token)')
    const chatId = str(o, 'chat-id') || str(c, 'chat-id')
    if (chatId === '') throw new Error('telegram: no chat-id configured ([telegram] chat-id or handler chat-id)')
    const parseMode = str(o, 'parse-mode') || str(c, 'parse-mode')
    if (parseMode !== '' && !['markdown', 'html'].includes(parseMode.toLowerCase())) {
      throw new Error(`telegram: parse-mode ${parseMode} is not valid, please use 'Markdown' or 'HTML'`)
    }
    const noPreview = o['disable-web-page-preview'] === true || bool(c, 'disable-web-page-preview')
    const noNotification = o['disable-notification'] === true || bool(c, 'disable-notification')
    // Kapacitor: path.Join(u.Path + token, "sendMessage")
    const u = new URL(str(c, 'url') || TELEGRAM_URL)
    u.pathname = `${u.pathname}${token}/sendMessage`.replace(/\/{2,}/g, '/')
    const url = u.toString()
    return {
      kind: 'telegram',
      handle: (e, signal) => post('telegram', url, goJSONLine({
        chat_id: chatId,
        ...(noNotification ? { disable_notification: true } : {}),
        ...(noPreview ? { disable_web_page_preview: true } : {}),
        ...(parseMode !== '' ? { parse_mode: parseMode } : {}),
        text: e.message,
      }), signal),
    }
  },
}
