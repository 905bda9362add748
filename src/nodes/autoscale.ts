/** Shared properties of k8sAutoscale, swarmAutoscale and ec2Autoscale. */
import { duration, int, lambda, prop, string, type PropertyInput, type NodeInstance, type Report, isSet, lastArg, numberOf } from './define-node.js'

export const AUTOSCALE_STATS: readonly string[] = ['increase_events', 'decrease_events', 'cooldown_drops']

export const autoscaleProperties: Readonly<Record<string, PropertyInput>> = {
  cluster: prop(string(), { default: '', doc: 'Configured cluster id.' }),
  currentField: prop(string(), { default: '', doc: 'Field to store the current replica count in.' }),
  max: prop(int(), { default: 0n, doc: 'Maximum replicas (0 = no maximum).' }),
  min: prop(int(), { default: 1n, doc: 'Minimum replicas.' }),
  replicas: prop(lambda(), { doc: 'Desired replica count (required).' }),
  increaseCooldown: prop(duration(), { default: 0n }),
  decreaseCooldown: prop(duration(), { default: 0n }),
}

export function validateAutoscale(n: NodeInstance, report: Report): void {
  if (!isSet(n, 'replicas')) report('must provide a replicas lambda expression')
  const min = numberOf(lastArg(n, 'min')) ?? 1
  const max = numberOf(lastArg(n, 'max')) ?? 0
  if (min < 1) report('min must be greater than or equal to 1')
  if (max > 0 && max < min) report('max must be greater than or equal to min')
}
