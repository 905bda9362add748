import { defineNode, duration, enumOf, flag, oneOf, prop, star, string, timeDimension, variadic, isSet, lastArg, durationNs, stringOf, allArgs } from './define-node.js'
import { QueryRuntime } from './query-runtime.js'
import { parseInfluxQL, prepareBatchQuery } from '../query/batch-query.js'
import { checkCron } from '../query/query-schedule.js'

function parses(text: string): boolean {
  try {
    parseInfluxQL(text)
    return true
  } catch {
    return false
  }
}

export const queryNode = defineNode({
  name: 'query', wants: 'batch', provides: 'batch',
  doc: 'Runs an InfluxQL query on a schedule and emits one batch per result series.',
  onlyAfter: ['batch'],
  args: [string()],
  stats: ['query_errors', 'batches_queried', 'points_queried', 'connect_errors'],
  properties: {
    period: prop(duration(), { default: 0n, doc: 'Time range of each query.' }),
    every: prop(duration(), { default: 0n, doc: 'How often to run the query.' }),
    cron: prop(string(), { default: '', doc: 'Cron schedule instead of every.' }),
    offset: prop(duration(), { default: 0n, doc: 'How far back in time to query from now.' }),
    align: flag({ doc: 'Align start times with multiples of every.' }),
    alignGroup: flag({ doc: 'Align the group by time intervals with the start time.' }),
    groupBy: prop([variadic(oneOf(timeDimension(), string(), star()), 'dimensions')], { doc: 'GROUP BY time(d) and tags or *.' }),
    groupByMeasurement: flag({ doc: 'Include the measurement in the group.' }),
    fill: prop(enumOf(['null', 'none', 'previous', 'linear'], { orNumber: true }), { doc: 'FILL option for the group by time.' }),
    cluster: prop(string(), { default: '', doc: 'Name of the configured InfluxDB cluster.' }),
  },
  validate(n, report) {
    const q = n.args[0]
    // A query that parses but can never run as a batch query (time conditions, its own GROUP BY
    // time() or fill(), not a SELECT…) is refused when defined, with its position in the query.
    // A query that does not parse is refused when the task starts, as Kapacitor does (tasks
    // with a placeholder `query('SELECT 1')` are defined).
    if (q?.type === 'string' && parses(q.value)) {
      try {
        prepareBatchQuery(q.value)
      } catch (err) {
        report(`invalid batch query: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    if (allArgs(n, 'groupBy').filter((v) => v.type === 'time').length > 1) report('groupBy cannot have more than one time dimension')
    if (durationNs(lastArg(n, 'period')) < 0n) report("'period' duration must be non-negative")
    if (durationNs(lastArg(n, 'offset')) < 0n) report("'offset' duration must be non-negative")
  },
  // Kapacitor checks the schedule when the batch task starts, not when it is defined; the
  // query is parsed when its node starts (QueryRuntime.start → TaskStartError with the
  // InfluxQL error's line and char), so `query('SELECT 1')` is defined and refused when enabled.
  validateAtStart(n, report) {
    if (isSet(n, 'every') && isSet(n, 'cron')) report("must not set both 'every' and 'cron' properties")
    else if (!isSet(n, 'every') && !isSet(n, 'cron')) report("must define one of 'every' or 'cron'")
    else if (isSet(n, 'every') && durationNs(lastArg(n, 'every')) <= 0n) report("'every' duration must be positive")
    else if (isSet(n, 'cron')) {
      const problem = checkCron(stringOf(lastArg(n, 'cron')) ?? '')
      if (problem) report(problem)
    }
  },
  create: (node, ctx) => new QueryRuntime(node, ctx),
})
