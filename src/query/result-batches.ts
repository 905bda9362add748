/**
 * A batch query's result as batches (Kapacitor's models.ResultToBatches /
 * edge.ResultToBufferedBatches, then the batch time rule of its query node): one batch
 * per series, named and tagged like the series; each row a point with the series tags;
 * null values are left out of a point and a row with no value left is dropped.
 *
 * Batch time (`tmax`): the query's stop; when the query is grouped by time, the time of
 * the latest point instead (the start of the last bucket), or the stop when there is none.
 */
import type { FieldValue } from '../model/point.js'
import { parseRFC3339Nano } from '../model/rfc3339.js'
import type { RecordedBatch, RecordedBatchPoint } from '../record/types.js'
import type { QuerySeries, QueryValue } from './influxdb.js'

export interface SeriesToBatchesOptions {
  /** index of the query node among the task's query nodes */
  readonly source: number
  /** the query's exclusive stop, ns */
  readonly stop: bigint
  readonly groupedByTime: boolean
}

export function seriesToBatches(series: readonly QuerySeries[], o: SeriesToBatchesOptions): RecordedBatch[] {
  return series.map((s) => seriesToBatch(s, o))
}

function seriesToBatch(s: QuerySeries, o: SeriesToBatchesOptions): RecordedBatch {
  const timeIndex = s.columns.indexOf('time')
  const tags = s.tags ?? {}
  const points: RecordedBatchPoint[] = []
  let latest: bigint | undefined
  for (const row of s.values) {
    const fields: Record<string, FieldValue> = {}
    let any = false
    for (let i = 0; i < s.columns.length; i++) {
      if (i === timeIndex) continue
      const v = row[i]
      if (v === null || v === undefined) continue
      fields[s.columns[i]!] = v
      any = true
    }
    if (!any) continue
    const time = timeIndex < 0 ? 0n : toTime(row[timeIndex] ?? null, s.name)
    if (latest === undefined || time > latest) latest = time
    points.push({ time, tags, fields })
  }
  return {
    source: o.source,
    name: s.name,
    tags,
    points,
    tmax: o.groupedByTime && latest !== undefined ? latest : o.stop,
  }
}

/** The `time` column: bigint ns from the MessagePack client; also a JS number or an RFC3339 string. */
function toTime(v: QueryValue, series: string): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v)
  if (typeof v === 'string') {
    const t = parseRFC3339Nano(v)
    if (t !== undefined) return t
  }
  throw new Error(`unexpected time value ${String(v)} in series "${series}"`)
}
