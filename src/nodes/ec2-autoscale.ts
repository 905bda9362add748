import { defineNode, prop, string } from './define-node.js'
import { AUTOSCALE_STATS, autoscaleProperties, validateAutoscale } from './autoscale.js'

export const ec2AutoscaleNode = defineNode({
  name: 'ec2Autoscale', desc: 'ec2_autoscale', wants: 'any', provides: 'stream',
  doc: 'Scales an AWS EC2 autoscaling group to the capacity computed per point.',
  stats: AUTOSCALE_STATS,
  properties: {
    ...autoscaleProperties,
    groupName: prop(string(), { default: '' }),
    groupNameTag: prop(string(), { default: '' }),
    outputGroupNameTag: prop(string(), { default: '' }),
  },
  validate: validateAutoscale({ name: 'groupName', tag: 'groupNameTag', goName: 'GroupName', goTag: 'GroupNameTag' }),
})
