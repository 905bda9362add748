/**
 * `.zenoss()` / kind `zenoss`: Kapacitor's services/zenoss — POST one Zenoss JSON-RPC call
 * to `[zenoss] url` (HTTP BASIC auth when a username and a password are set):
 * `{"action","method","data":[{…}],"type","tid"}` (action/method/type/tid from the handler,
 * else the config: EventsRouter, add_event, rpc, 1). The event (a Go map: sorted keys) has
 * summary (default the alert message, 256 bytes), device, component, evclasskey, evclass,
 * severity from `severity-map` (default OK "Clear", Info "Info", Warning "Warning",
 * Critical "Critical"), collector (default the config's) and message (4096 bytes) when
 * set, and the `customField` entries (a value that reads as a JSON object or array is sent
 * as that JSON). Text options are templates over `.Name .TaskName .ID .Message .Details
 * .Time .Duration .Level .Recoverable .Tags`. Only 200 counts as delivered.
 */
import type { AlertEvent, AlertHandler, AlertLevel, HandlerOptions } from '../types.js'
import { GoDuration, GoTime, goStringMap, goStruct, type GoTemplate } from '../template/index.js'
import { propValue } from '../../pipeline/props.js'
import type { HandlerDefinition } from './definition.js'
import { basicAuth, compact, cutBytes, enabledSection, goJSON, handlerTemplate, post, RawJSON, requireUrl, templateMap, tickStringPairs, sortedMap, str, tickStr, undeliverable, type Section } from './service-common.js'

export const ZENOSS_URL = 'https://tenant.zenoss.io:8080/zport/dmd/evconsole_router'

const DEFAULT_SEVERITY: Record<AlertLevel, unknown> = { OK: 'Clear', INFO: 'Info', WARNING: 'Warning', CRITICAL: 'Critical' }
/** severity-map keys as Kapacitor's TOML spells them (`OK`, `Info`…); the API's lower-case ones too */
const SEVERITY_KEYS: Record<AlertLevel, readonly string[]> = {
  OK: ['OK', 'ok'], INFO: ['Info', 'info'], WARNING: ['Warning', 'warning'], CRITICAL: ['Critical', 'critical'],
}

function severityMap(raw: unknown): Record<AlertLevel, unknown> {
  if (raw === undefined) return { ...DEFAULT_SEVERITY }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('zenoss: severity-map must be a table')
  const m = raw as Section
  const out = { ...DEFAULT_SEVERITY }
  for (const level of Object.keys(SEVERITY_KEYS) as AlertLevel[]) {
    const key = SEVERITY_KEYS[level].find((k) => m[k] !== undefined)
    if (key !== undefined) out[level] = m[key]
  }
  return out
}

function tidOf(v: unknown): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v)
  if (v === undefined) return 0n
  throw new Error(`zenoss: bad tid ${JSON.stringify(v)} (want an integer)`)
}

export interface ZenossSettings {
  readonly action: string
  readonly method: string
  readonly type: string
  readonly tid: bigint
  readonly severity: Readonly<Record<AlertLevel, unknown>>
  readonly collector: string
}

export interface ZenossRendered {
  readonly summary: string
  readonly device: string
  readonly component: string
  readonly evclasskey: string
  readonly evclass: string
  readonly message: string
  readonly collector: string
  readonly customFields: Readonly<Record<string, unknown>>
}

/** A custom field value: a string that parses as a JSON object or array is that JSON, else itself. */
function customValue(v: unknown): unknown {
  if (typeof v === 'bigint') return new RawJSON(v.toString())
  if (typeof v === 'string' && (v.startsWith('{') || v.startsWith('['))) {
    try {
      JSON.parse(v)
      return new RawJSON(reencode(v))
    } catch {
      return v
    }
  }
  return v
}

/** Go decodes into interface{} and encodes again: compact, object keys sorted, numbers as float64. */
function reencode(text: string): string {
  const sortDeep = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortDeep)
    if (x !== null && typeof x === 'object') {
      const o = x as Record<string, unknown>
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortDeep(o[k])]))
    }
    return x
  }
  return goJSON(sortDeep(JSON.parse(text)))
}

export function zenossBody(e: AlertEvent, s: ZenossSettings, r: ZenossRendered): string {
  const data: Record<string, unknown> = {
    summary: cutBytes(r.summary === '' ? e.message : r.summary, 256),
    device: r.device,
    component: r.component,
    severity: customValue(s.severity[e.level] ?? null),
    evclasskey: r.evclasskey,
    evclass: r.evclass,
  }
  const collector = r.collector === '' ? s.collector : r.collector
  if (collector !== '') data['collector'] = collector
  const message = cutBytes(r.message, 4096)
  if (message !== '') data['message'] = message
  for (const [k, v] of Object.entries(r.customFields)) data[k] = customValue(v)
  return goJSON({ action: s.action, method: s.method, data: [sortedMap(data)], type: s.type, tid: new RawJSON(s.tid.toString()) })
}

/** What Zenoss's templates see. */
function templateData(e: AlertEvent): object {
  return goStruct({
    Name: e.name ?? e.data[0]?.name ?? '', TaskName: e.taskName, ID: e.id, Message: e.message, Details: e.details,
    Time: new GoTime(e.time), Duration: new GoDuration(e.duration), Level: e.level, Recoverable: e.recoverable,
    Tags: goStringMap({ ...(e.data[0]?.tags ?? e.tags) }),
  })
}

/** The option under its Kapacitor name, or under the spelling Kapacitor's docs use. */
function opt(o: Section, ...keys: string[]): string {
  for (const k of keys) if (typeof o[k] === 'string' && o[k] !== '') return o[k] as string
  return ''
}

export const zenossDefinition: HandlerDefinition = {
  kind: 'zenoss',
  tickName: 'zenoss',
  fromTick: (h) => {
    const custom = tickStringPairs(h, 'customField')
    const tid = propValue(h, 'tid')
    return compact({
      url: tickStr(h, 'URL'),
      username: tickStr(h, 'username'),
      password: tickStr(h, 'password'),
      action: tickStr(h, 'action'),
      method: tickStr(h, 'method'),
      type: tickStr(h, 'type'),
      tid: tid?.type === 'int' ? Number(tid.value) : undefined,
      summary: tickStr(h, 'summary'),
      device: tickStr(h, 'device'),
      component: tickStr(h, 'component'),
      eventClassKey: tickStr(h, 'eventClassKey'),
      eventClass: tickStr(h, 'eventClass'),
      collector: tickStr(h, 'collector'),
      message: tickStr(h, 'message'),
      customField: Object.keys(custom).length > 0 ? custom : undefined,
    })
  },
  create(options: HandlerOptions, ctx): AlertHandler {
    const o = options as Section
    const c = enabledSection(ctx, 'zenoss')
    const url = requireUrl('zenoss', str(o, 'url') || str(c, 'url', ZENOSS_URL))
    const auth = basicAuth(str(o, 'username') || str(c, 'username'), str(o, 'password') || str(c, 'password'))
    const optTid = tidOf(o['tid'])
    const settings: ZenossSettings = {
      action: str(o, 'action') || str(c, 'action', 'EventsRouter'),
      method: str(o, 'method') || str(c, 'method', 'add_event'),
      type: str(o, 'type') || str(c, 'type', 'rpc'),
      tid: optTid !== 0n ? optTid : c['tid'] === undefined ? 1n : tidOf(c['tid']),
      severity: severityMap(c['severity-map']),
      collector: str(c, 'collector'),
    }
    const tmpl = (what: string, ...keys: string[]): GoTemplate => handlerTemplate('zenoss', what, opt(o, ...keys))
    const summary = tmpl('summary', 'summary')
    const device = tmpl('device', 'device')
    const component = tmpl('component', 'component')
    const evclasskey = tmpl('evclasskey', 'eventClassKey', 'evclasskey')
    const evclass = tmpl('evclass', 'eventClass', 'evclass')
    const message = tmpl('message', 'message')
    const collector = tmpl('collector', 'collector')
    const custom = templateMap('zenoss', 'customData', o['customField'])
    return {
      kind: 'zenoss',
      async handle(e, signal) {
        let r: ZenossRendered
        try {
          const td = templateData(e)
          const customFields = custom.render(td)
          r = {
            summary: summary.execute(td), device: device.execute(td), component: component.execute(td),
            evclasskey: evclasskey.execute(td), evclass: evclass.execute(td), message: message.execute(td),
            collector: collector.execute(td), customFields,
          }
        } catch (err) {
          throw undeliverable('zenoss', err)
        }
        await post('zenoss', url, zenossBody(e, settings, r), signal, { ok: [200], headers: auth })
      },
    }
  },
}
