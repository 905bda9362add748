import {
  defineNode, duration, flag, float, int, lambda, optionalProp, param, prop, string, variadic,
  type NodeInstance, type PropertyInput, type Report, lastArg, numberOf,
} from './define-node.js'
import { ALERT_HANDLERS } from './alert-handlers.js'
import { AlertRuntime } from '../alert/alert-runtime.js'

export const ALERT_STATS: readonly string[] = [
  'alerts_triggered', 'alerts_inhibited', 'oks_triggered', 'infos_triggered', 'warns_triggered', 'crits_triggered',
]

/** The alert node's own properties (deadman returns an alert node, so it shares them). */
/*
 * info/warn/crit and their resets are plain fields in Kapacitor's AlertNode, set by
 * reflection: a second call replaces the first (no error), so they are 'replace' here.
 */
export const alertProperties: Readonly<Record<string, PropertyInput>> = {
  info: prop(lambda(), { doc: 'Condition for the INFO level.' }),
  warn: prop(lambda(), { doc: 'Condition for the WARNING level.' }),
  crit: prop(lambda(), { doc: 'Condition for the CRITICAL level.' }),
  infoReset: prop(lambda(), { doc: 'While INFO, the level may only drop when this is true.' }),
  warnReset: prop(lambda(), { doc: 'While WARNING, the level may only drop when this is true.' }),
  critReset: prop(lambda(), { doc: 'While CRITICAL, the level may only drop when this is true.' }),
  id: prop(string(), { default: '{{ .Name }}:{{ .Group }}', doc: 'Template of the alert id.' }),
  message: prop(string(), { default: '{{ .ID }} is {{ .Level }}', doc: 'Template of the message.' }),
  details: prop(string(), { default: '{{ json . }}', doc: 'HTML template of the details.' }),
  history: prop(int(), { default: 21n, doc: 'Number of past levels kept for flapping detection.' }),
  flapping: prop([param('low', float()), param('high', float())], { doc: 'Flapping thresholds (0..1).' }),
  stateChangesOnly: optionalProp(duration(), { doc: 'Only emit on level changes (or after maxInterval).' }),
  noRecoveries: flag({ doc: 'Do not send OK events.' }),
  all: flag({ doc: 'Batch: the level is the lowest level matched by all points.' }),
  levelTag: prop(string(), { doc: 'Add the level as this tag.' }),
  idTag: prop(string(), { doc: 'Add the id as this tag.' }),
  levelField: prop(string(), { doc: 'Add the level as this field.' }),
  idField: prop(string(), { doc: 'Add the id as this field.' }),
  messageField: prop(string(), { doc: 'Add the message as this field.' }),
  durationField: prop(string(), { doc: 'Add the duration (ns) as this field.' }),
  topic: prop(string(), { doc: 'Publish events to this topic.' }),
  category: prop(string(), { doc: 'Category for inhibitors.' }),
  inhibit: prop([param('category', string()), variadic(string(), 'equalTags')], { repeat: 'append', doc: 'While non-OK, suppress alerts of the category with equal tags.' }),
}

export function validateAlert(n: NodeInstance, report: Report): void {
  const history = numberOf(lastArg(n, 'history'))
  if (history !== undefined && history < 2) report('alert history count must be >= 2')
  const flapping = n.props.get('flapping')
  const f = flapping?.[flapping.length - 1]
  if (f) {
    const low = numberOf(f.args[0]) ?? 0, high = numberOf(f.args[1]) ?? 0
    if (low <= 0 || low > 1) report('alert flap low threshold must be in range (0,1]', f.loc)
    if (high <= 0 || high > 1) report('alert flap high threshold must be in range (0,1]', f.loc)
    if (low > high) report('alert flap low threshold must be less than high threshold', f.loc)
  }
}

export const alertNode = defineNode({
  name: 'alert', wants: 'any', provides: 'same',
  doc: 'Raises alerts at INFO, WARNING and CRITICAL levels and sends events to handlers.',
  stats: ALERT_STATS,
  handlers: ALERT_HANDLERS,
  properties: alertProperties,
  validate: validateAlert,
  create: (node, ctx) => new AlertRuntime(node, ctx),
})
