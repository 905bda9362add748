import { defineNode, float, duration, lambda, param, variadic } from './define-node.js'
import { ALERT_HANDLERS } from './alert-handlers.js'
import { ALERT_STATS, alertProperties, validateAlert } from './alert.js'

/**
 * `node|deadman(threshold, interval, lambda…)` ≡ `node|stats(interval)|derivative('emitted')
 * .unit(interval).nonNegative()|alert().crit(lambda: "emitted" <= threshold AND …)` with the
 * id and message of the [deadman] config section. The call returns the alert node, so the
 * alert's properties and handlers follow it.
 */
export const deadmanNode = defineNode({
  name: 'deadman', desc: 'alert', wants: 'any', provides: 'same',
  doc: 'Alerts when the throughput of a node drops below a threshold (points per interval).',
  args: [param('threshold', float()), param('interval', duration()), variadic(lambda(), 'expressions')],
  expandsTo: ['stats', 'derivative', 'alert'],
  stats: ALERT_STATS,
  handlers: ALERT_HANDLERS,
  properties: alertProperties,
  validate: validateAlert,
})
