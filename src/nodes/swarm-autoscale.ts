import { defineNode, prop, string } from './define-node.js'
import { AUTOSCALE_STATS, autoscaleProperties, validateAutoscale } from './autoscale.js'

export const swarmAutoscaleNode = defineNode({
  name: 'swarmAutoscale', desc: 'swarm_autoscale', wants: 'any', provides: 'stream',
  doc: 'Scales a Docker Swarm service to the replica count computed per point.',
  stats: AUTOSCALE_STATS,
  properties: {
    ...autoscaleProperties,
    serviceName: prop(string(), { default: '' }),
    serviceNameTag: prop(string(), { default: '' }),
    outputServiceNameTag: prop(string(), { default: '' }),
  },
  validate: validateAutoscale({ name: 'serviceName', tag: 'serviceNameTag', goName: 'ServiceName', goTag: 'ServiceNameTag' }),
})
