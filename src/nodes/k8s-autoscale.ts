import { defineNode, lastArg, prop, string, stringOf } from './define-node.js'
import { AUTOSCALE_STATS, autoscaleProperties, validateAutoscale } from './autoscale.js'

const KINDS: readonly string[] = ['deployments', 'replicasets', 'replicationcontrollers']

export const k8sAutoscaleNode = defineNode({
  name: 'k8sAutoscale', desc: 'k8s_autoscale', wants: 'any', provides: 'stream',
  doc: 'Scales a Kubernetes resource to the replica count computed per point.',
  stats: AUTOSCALE_STATS,
  properties: {
    ...autoscaleProperties,
    // newK8sAutoscaleNode: Cluster "default", Kind deployments, NamespaceTag namespace, KindTag kind, ResourceTag resource
    cluster: prop(string(), { default: 'default', doc: 'Configured Kubernetes cluster id.' }),
    namespace: prop(string(), { default: '' }),
    kind: prop(string(), { default: 'deployments' }),
    resourceName: prop(string(), { default: '' }),
    resourceNameTag: prop(string(), { default: '' }),
    namespaceTag: prop(string(), { default: 'namespace' }),
    kindTag: prop(string(), { default: 'kind' }),
    resourceTag: prop(string(), { default: 'resource', doc: 'Tag to store the scaled resource\'s name in.' }),
  },
  validate: validateAutoscale(
    { name: 'resourceName', tag: 'resourceNameTag', goName: 'ResourceName', goTag: 'ResourceNameTag' },
    (n) => {
      const kind = stringOf(lastArg(n, 'kind')) ?? 'deployments'
      return KINDS.includes(kind) ? undefined : `invalid Kind, must be 'deployments', 'replicasets' or 'replicationcontrollers', got ${kind}`
    },
  ),
})
