/**
 * The task the replay tests share: a 10 s mean per host, served by httpOut `out` and
 * alerted on (warn > 40, crit > 85) to a `post` URL.
 */
export function cpuAlertScript(postUrl: string): string {
  return `var data = stream
  |from().measurement('cpu').groupBy('host')
  |window().period(10s).every(10s)
  |mean('v')
data
  |httpOut('out')
data
  |alert()
    .id('{{ index .Tags "host" }}')
    .message('{{ .ID }} is {{ .Level }}: {{ index .Fields "mean" }}')
    .warn(lambda: "mean" > 40)
    .crit(lambda: "mean" > 85)
    .post('${postUrl}')
`
}
