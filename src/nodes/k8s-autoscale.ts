import { defineNode, prop, string } from './define-node.js'
import { AUTOSCALE_STATS, autoscaleProperties, validateAutoscale } from './autoscale.js'

export const k8sAutoscaleNode = defineNode({
  name: 'k8sAutoscale', desc: 'k8s_autoscale', wants: 'any', provides: 'stream',
  doc: 'Scales a Kubernetes resource to the replica count computed per point.',
  stats: AUTOSCALE_STATS,
  properties: {
    ...autoscaleProperties,
    namespace: prop(string(), { default: '' }),
    kind: prop(string(), { default: 'deployments' }),
    resourceName: prop(string(), { default: '' }),
    resourceNameTag: prop(string(), { default: 'resource' }),
    namespaceTag: prop(string(), { default: 'namespace' }),
    kindTag: prop(string(), { default: 'kind' }),
    resourceTag: prop(string(), { default: '', doc: 'Tag to store the scaled resource\'s name in.' }),
  },
  validate: validateAutoscale,
})
