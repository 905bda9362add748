import t from 'tap'
import { streamerWhereToLambda } from '../../src/interp/streamer-where.js'

const cases: Array<[string, string]> = [
  ["cpu = 'cpu-total'", `"cpu" == 'cpu-total'`],
  ["cpu = 'cpu-total' and host <> 'a'", `"cpu" == 'cpu-total' AND "host" != 'a'`],
  ['usage_idle < 10 OR usage_idle >= 90', `"usage_idle" < 10 OR "usage_idle" >= 90`],
  ["host =~ /^web-\\d+$/", `"host" =~ /^web-\\d+$/`],
  [`"cpu" == 'cpu-total' AND "host" != 'a'`, `"cpu" == 'cpu-total' AND "host" != 'a'`],
  ["not up = true", `! "up" == TRUE`],
  ["strContains(host, 'web')", `strContains("host", 'web')`],
]
for (const [input, want] of cases) t.equal(streamerWhereToLambda(input), want, input)
