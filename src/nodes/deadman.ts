import { defineNode, float, duration, lambda, param, variadic } from './define-node.js'
import { ALERT_HANDLERS } from './alert-handlers.js'
import { ALERT_STATS, alertProperties, validateAlert } from './alert.js'

/**
 * `node|deadman(threshold, interval, lambda…)` ≡ `node|stats(interval)|derivative('emitted')
 * .unit(interval).nonNegative()|alert().crit(lambda: "emitted" <= threshold AND …)` with the
 * id and message of the [deadman] config section. The call returns the alert node, so the
 * alert's properties and handlers follow it.
 *
 * At run time the expansion's stats node (the only implicit one) emits the deadman signal
 * of src/alert/deadman-signal.ts rather than Kapacitor's raw count: per group, the rate
 * over the last interval plus half an interval of grace, so that a sender whose points
 * jitter around the interval is not seen as dead, and a silent group is reported once
 * (one CRITICAL per outage, one OK when it sends again). A zero or negative interval is
 * refused at define time (located at the call: the stats interval and derivative unit).
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
