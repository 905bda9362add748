/** Shared properties of k8sAutoscale, swarmAutoscale and ec2Autoscale. */
import { duration, int, lambda, prop, string, type PropertyInput, type NodeInstance, type Report, isSet, lastArg, stringOf } from './define-node.js'

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

/**
 * Kapacitor's K8sAutoscaleNode / SwarmAutoscaleNode / Ec2AutoscaleNode validate(): exactly one
 * of the name and the name tag, (k8s) a known kind, min >= 1, a replicas lambda — same order
 * and wording, first problem only. max < min is not checked at define time.
 */
export function validateAutoscale(
  names: { name: string; tag: string; goName: string; goTag: string },
  extra?: (n: NodeInstance) => string | undefined,
): (n: NodeInstance, report: Report) => void {
  return (n, report) => {
    const name = stringOf(lastArg(n, names.name)) ?? '', tag = stringOf(lastArg(n, names.tag)) ?? ''
    if ((name === '') === (tag === '')) return report(`must specify exactly one of ${names.goName} or ${names.goTag}`)
    const problem = extra?.(n)
    if (problem !== undefined) return report(problem)
    const min = lastArg(n, 'min')
    const minValue = min?.type === 'int' ? min.value : 1n
    if (minValue < 1n) return report(`min must be >= 1, got ${minValue}`)
    if (!isSet(n, 'replicas')) return report('must provide a replicas lambda expression')
  }
}
