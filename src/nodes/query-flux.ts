import { defineNode, duration, flag, prop, string, isSet } from './define-node.js'

export const queryFluxNode = defineNode({
  name: 'queryFlux', desc: 'query_flux', wants: 'batch', provides: 'batch',
  doc: 'Runs a Flux query against InfluxDB 2 on a schedule.',
  onlyAfter: ['batch'],
  args: [string()],
  unsupported: 'Flux queries (InfluxDB 2) are not implemented',
  stats: ['query_errors', 'batches_queried', 'points_queried'],
  properties: {
    period: prop(duration(), { default: 0n }),
    every: prop(duration(), { default: 0n }),
    cron: prop(string(), { default: '' }),
    offset: prop(duration(), { default: 0n }),
    align: flag(),
    cluster: prop(string(), { default: '' }),
    org: prop(string(), { default: '' }),
    orgID: prop(string(), { default: '' }),
  },
  // Kapacitor checks the schedule when the batch task starts, not when it is defined.
  validateAtStart(n, report) {
    if (isSet(n, 'every') && isSet(n, 'cron')) report("must not set both 'every' and 'cron' properties")
    if (!isSet(n, 'every') && !isSet(n, 'cron')) report("must define one of 'every' or 'cron'")
  },
})
