/**
 * The Go text/template engine against the templates Kapacitor users write: the default
 * id/message/details templates, field access, index, range over tags, printf, json,
 * trim markers, html escaping of .details(), and Go's parse/exec error texts. Expected
 * strings are what Go's text/template and html/template print for the same data.
 */
import t from 'tap'
import {
  compileGoTemplate, detailsTemplateData, GoDuration, GoTemplateError, GoTime, goStringMap, goStruct,
  idTemplateData, messageTemplateData, type MessageTemplateInput,
} from '../../../src/alert/template/index.js'

const T0 = 31536000000000000n // 1971-01-01T00:00:00Z, the zero of Kapacitor's test harness
const SEC = 1_000_000_000n

const input: MessageTemplateInput = {
  name: 'cpu',
  taskName: 'testAlert',
  group: 'host=serverA,type=idle',
  tags: { type: 'idle', host: 'serverA' },
  serverInfo: { hostname: 'localhost', clusterID: 'cid', serverID: 'sid' },
  id: 'kapacitor/cpu/serverA',
  fields: { value: 97.5, count: 10n, state: 'hot', up: true },
  level: 'CRITICAL',
  time: T0 + 10n * SEC,
  duration: 90n * SEC,
}

/** The GoTemplateError `fn` throws (fails the test when it throws anything else or nothing). */
function errorOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof GoTemplateError) return err.message
    return `not a GoTemplateError: ${String(err)}`
  }
  return 'no error'
}

const render = (tmpl: string, data: unknown, html = false): string => compileGoTemplate(tmpl, { html }).execute(data)

t.test('Kapacitor templates render as Go renders them', async (t) => {
  const msg = messageTemplateData(input)
  const cases: [string, string][] = [
    ['{{ .Name }}:{{ .Group }}', 'cpu:host=serverA,type=idle'],
    ['{{ .ID }} is {{ .Level }}', 'kapacitor/cpu/serverA is CRITICAL'],
    ['kapacitor/{{ .Name }}/{{ index .Tags "host" }}', 'kapacitor/cpu/serverA'],
    ['{{ index .Fields "value" }}', '97.5'],
    ['{{ index .Fields "count" }}', '10'],
    ['{{ .Fields.state }} {{ .Fields.up }}', 'hot true'],
    ['{{ .Time }}', '1971-01-01 00:00:10 +0000 UTC'],
    ['{{ .Duration }}', '1m30s'],
    ['{{ .TaskName }} on {{ .ServerInfo.Hostname }}', 'testAlert on localhost'],
    ['{{ if eq .Level "OK" }}recovered{{ else }}{{ .Level }}!{{ end }}', 'CRITICAL!'],
    ['{{ if eq .Level "OK" }}a{{ else if eq .Level "CRITICAL" }}b{{ else }}c{{ end }}', 'b'],
    ['{{ range $k, $v := .Tags }}{{ $k }}={{ $v }},{{ end }}', 'host=serverA,type=idle,'],
    ['{{ range .Tags }}[{{ . }}]{{ end }}', '[serverA][idle]'],
    ['{{ printf "%0.2f" (index .Fields "value") }}', '97.50'],
    ['{{ printf "%.1f%%" .Fields.value }}', '97.5%'],
    ['{{ index .Fields "value" | printf "%6.2f" }}', ' 97.50'],
    ['{{ .Tags }}', 'map[host:serverA type:idle]'],
    ['{{ .Fields }}', 'map[count:10 state:hot up:true value:97.5]'],
    ['{{ .ServerInfo }}', '{localhost cid sid}'],
    ['{{ len .Tags }} {{ len .Name }}', '2 3'],
    ['{{ with .Tags.host }}host {{ . }}{{ end }}', 'host serverA'],
    ['{{ if and (eq .Level "CRITICAL") (gt .Fields.value 90.0) }}page{{ end }}', 'page'],
    ['{{ if or (lt .Fields.count 5) (ge .Fields.count 10) }}edge{{ end }}', 'edge'],
    ['{{ if not .Fields.up }}down{{ else }}up{{ end }}', 'up'],
    ['{{ ne .Level "OK" }} {{ le 1.5 2.5 }} {{ eq .Level "OK" "WARNING" "CRITICAL" }}', 'true true true'],
    ['{{ .Time.Unix }}', '31536010'],
    ['{{ $t := .Tags }}{{ $t.host }}', 'serverA'],
    ['{{ .Name | html }} {{ "a b&c" | urlquery }}', 'cpu a+b%26c'],
    ['{{ print .Fields.value .Fields.count "x" 1.0 }}', '97.5 10x1'],
  ]
  for (const [tmpl, want] of cases) t.equal(render(tmpl, msg), want, tmpl)
})

t.test('Kapacitor\'s deadman id and message templates', async (t) => {
  // [deadman] defaults, with NODE_NAME / INTERVAL substituted as Kapacitor does before parsing
  const id = render("node 'stream0' in task '{{ .TaskName }}'", idTemplateData({ ...input, taskName: 'testDeadman' }))
  t.equal(id, "node 'stream0' in task 'testDeadman'")
  const message = '{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: {{ index .Fields "emitted" | printf "%0.3f" }} points/10s.'
  t.equal(render(message, messageTemplateData({ ...input, id, level: 'CRITICAL', fields: { emitted: 0 } })),
    "node 'stream0' in task 'testDeadman' is dead: 0.000 points/10s.")
  t.equal(render(message, messageTemplateData({ ...input, id, level: 'OK', fields: { emitted: 12.34567 } })),
    "node 'stream0' in task 'testDeadman' is alive: 12.346 points/10s.")
})

t.test('escaping functions: html, js, urlquery', async (t) => {
  const data = { S: `a\\b'c"d<e>f&g=h\u0001 é` }
  t.equal(render('{{ html .S }}', data), 'a\\b&#39;c&#34;d&lt;e&gt;f&amp;g=h\u0001 é')
  t.equal(render('{{ js .S }}', data), 'a\\\\b\\\'c\\"d\\u003Ce\\u003Ef\\u0026g\\u003Dh\\u0001 é')
  t.equal(render('{{ urlquery .S }}', data), 'a%5Cb%27c%22d%3Ce%3Ef%26g%3Dh%01+%C3%A9')
  t.equal(render('{{ urlquery "a" 1 2 }}', data), 'a1+2')
})

t.test('missing keys print <no value>; index of a missing tag is "" (map[string]string)', async (t) => {
  const msg = messageTemplateData(input)
  t.equal(render('{{ .Fields.nope }}|{{ index .Fields "nope" }}|{{ index .Tags "nope" }}|{{ .Tags.nope }}', msg),
    '<no value>||<no value>'.replace('||', '|<no value>||'))
  t.equal(render('{{ index .Tags "nope" }}', msg), '')
  t.equal(render('{{ printf "%v" .Fields.nope }}', msg), '<nil>')
  t.equal(render('{{ range .Fields.nope }}x{{ else }}empty{{ end }}', msg), 'empty')
})

t.test('float64 prints with strconv %v rules, ints as ints', async (t) => {
  const cases: [unknown, string][] = [
    [97.5, '97.5'], [3, '3'], [1e6, '1e+06'], [123456, '123456'], [1e-5, '1e-05'], [0.0001, '0.0001'],
    [5.7138608333333325, '5.7138608333333325'], [0.1 + 0.2, '0.30000000000000004'], [-0, '-0'],
    [1.5e300, '1.5e+300'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'],
    [42n, '42'], [-9223372036854775808n, '-9223372036854775808'], [true, 'true'], ['s', 's'],
    [['a', 1n, 2.5], '[a 1 2.5]'], [{ b: 2n, a: { y: 1, x: null } }, 'map[a:map[x:<nil> y:1] b:2]'],
  ]
  for (const [v, want] of cases) t.equal(render('{{ .v }}', { v }), want, String(v))
})

t.test('GoTime and GoDuration print like Go', async (t) => {
  const times: [bigint, string][] = [
    [T0, '1971-01-01 00:00:00 +0000 UTC'],
    [T0 + 1_500_000_000n, '1971-01-01 00:00:01.5 +0000 UTC'],
    [1526050686390633447n, '2018-05-11 14:58:06.390633447 +0000 UTC'],
    [0n, '1970-01-01 00:00:00 +0000 UTC'],
  ]
  for (const [ns, want] of times) t.equal(String(new GoTime(ns)), want)
  const durations: [bigint, string][] = [
    [0n, '0s'], [1n, '1ns'], [1000n, '1µs'], [1500n, '1.5µs'], [500_000_000n, '500ms'], [1_500_000_000n, '1.5s'],
    [90n * SEC, '1m30s'], [7200n * SEC, '2h0m0s'], [3661n * SEC + 1n, '1h1m1.000000001s'], [-90n * SEC, '-1m30s'],
    [85157853446708n, '23h39m17.853446708s'],
  ]
  for (const [ns, want] of durations) t.equal(String(new GoDuration(ns)), want)
  t.equal(render('{{ .D.Seconds }} {{ .D.Nanoseconds }}', { D: new GoDuration(1_500_000_000n) }), '1.5 1500000000')
  t.equal(render('{{ if .D }}t{{ else }}f{{ end }}', { D: new GoDuration(0n) }), 'f')
})

t.test('{{ json . }} of the details data is Kapacitor\'s JSON, HTML-escaped in .details()', async (t) => {
  // A payload captured from a real Kapacitor (1.5, chronograf-made task): details of the
  // default template `{{ json . }}`.
  const data = detailsTemplateData({
    name: 'mem',
    taskName: 'chronograf-v1-07cb04d0-f1f5-4a3f-afce-68ebb2b05d44',
    group: 'nil',
    tags: { host: 'Test-Macbook-Pro.local' },
    serverInfo: { hostname: 'localhost', clusterID: '5359c160-521e-4a16-615efb7460cb', serverID: '47f1c611-85cf-bc42702fd259' },
    id: 'Memory available alert',
    fields: { value: 23.566293716430664 },
    level: 'CRITICAL',
    time: 1608639740000000000n,
    duration: 20000000000n,
  }, '')
  const want = '{&#34;Name&#34;:&#34;mem&#34;,&#34;TaskName&#34;:&#34;chronograf-v1-07cb04d0-f1f5-4a3f-afce-68ebb2b05d44&#34;,&#34;Group&#34;:&#34;nil&#34;,&#34;Tags&#34;:{&#34;host&#34;:&#34;Test-Macbook-Pro.local&#34;},&#34;ServerInfo&#34;:{&#34;Hostname&#34;:&#34;localhost&#34;,&#34;ClusterID&#34;:&#34;5359c160-521e-4a16-615efb7460cb&#34;,&#34;ServerID&#34;:&#34;47f1c611-85cf-bc42702fd259&#34;},&#34;ID&#34;:&#34;Memory available alert&#34;,&#34;Fields&#34;:{&#34;value&#34;:23.566293716430664},&#34;Level&#34;:&#34;CRITICAL&#34;,&#34;Time&#34;:&#34;2020-12-22T12:22:20Z&#34;,&#34;Duration&#34;:20000000000,&#34;Message&#34;:&#34;&#34;}\n'
  t.equal(render('{{ json . }}', data, true), want)

  // Another captured one: nanosecond time, sorted field keys, a message rendered first.
  const input2: MessageTemplateInput = {
    name: 'downsampled_telemetry', taskName: 'API_POStTEST_3', group: 'did=f87aef010b62', tags: { did: 'f87aef010b62' },
    serverInfo: { hostname: 'prod-da662558-us-east-1-kapa-6.influxdata.local', clusterID: '018e2ad5-5b0d-488c-88a3-3b5db42d2747', serverID: '910ce708-5442-4eeb-bc3b-291a98cfff5a' },
    id: 'No Flow Alert:did=f87aef010b62', fields: { total_gallons: 5.7138608333333325 }, level: 'CRITICAL',
    time: 1526050686390633447n, duration: 85157853446708n,
  }
  const message = render('{{ .Group }} reported *{{ index .Fields "total_gallons" }}* gal in the last 6h', messageTemplateData(input2))
  t.equal(message, 'did=f87aef010b62 reported *5.7138608333333325* gal in the last 6h')
  t.equal(render('{{ json . }}', detailsTemplateData(input2, message), true),
    '{&#34;Name&#34;:&#34;downsampled_telemetry&#34;,&#34;TaskName&#34;:&#34;API_POStTEST_3&#34;,&#34;Group&#34;:&#34;did=f87aef010b62&#34;,&#34;Tags&#34;:{&#34;did&#34;:&#34;f87aef010b62&#34;},&#34;ServerInfo&#34;:{&#34;Hostname&#34;:&#34;prod-da662558-us-east-1-kapa-6.influxdata.local&#34;,&#34;ClusterID&#34;:&#34;018e2ad5-5b0d-488c-88a3-3b5db42d2747&#34;,&#34;ServerID&#34;:&#34;910ce708-5442-4eeb-bc3b-291a98cfff5a&#34;},&#34;ID&#34;:&#34;No Flow Alert:did=f87aef010b62&#34;,&#34;Fields&#34;:{&#34;total_gallons&#34;:5.7138608333333325},&#34;Level&#34;:&#34;CRITICAL&#34;,&#34;Time&#34;:&#34;2018-05-11T14:58:06.390633447Z&#34;,&#34;Duration&#34;:85157853446708,&#34;Message&#34;:&#34;did=f87aef010b62 reported *5.7138608333333325* gal in the last 6h&#34;}\n')
})

t.test('json: Go encoding/json rules', async (t) => {
  t.equal(render('{{ jsonCompact . }}', { b: 1n, a: 'x<y>&z', c: [1.5, null, true], d: 1e21, e: 1e-7 }),
    '{"a":"x\\u003cy\\u003e\\u0026z","b":1,"c":[1.5,null,true],"d":1e+21,"e":1e-7}')
  t.equal(render('{{ json .T }}', { T: new GoTime(T0 + 1n) }), '"1971-01-01T00:00:00.000000001Z"\n')
  t.equal(render('{{ jsonCompact . }}', goStruct({ Z: 1n, A: new GoDuration(5n) })), '{"Z":1,"A":5}')
  t.equal(errorOf(() => render('{{ json .v }}', { v: NaN })), 'template: x:1:3: executing "x" at <json .v>: error calling json: json: unsupported value: NaN')
})

t.test('html mode escapes every action, not the literal text', async (t) => {
  const data = { Name: `<b>"A&B's"+</b>`, Nil: null }
  t.equal(render('<p>{{ .Name }}</p>{{ .Missing }}{{ .Nil }}', data, true), '<p>&lt;b&gt;&#34;A&amp;B&#39;s&#34;&#43;&lt;/b&gt;</p>')
  t.equal(render('<p>{{ .Name }}</p>{{ .Missing }}', data), `<p><b>"A&B's"+</b></p><no value>`)
  t.equal(render('{{ html .Name }}', data), '&lt;b&gt;&#34;A&amp;B&#39;s&#34;+&lt;/b&gt;')
})

t.test('html mode drops HTML comments of the literal text, as html/template does', async (t) => {
  t.equal(render('<p><!-- hidden -->{{ .A }}</p>{{ if true }}<!--\nx\n-->y{{ end }}', { A: '<!-- v -->' }, true), '<p>&lt;!-- v --&gt;</p>y')
  t.equal(render('<!-- kept -->', {}), '<!-- kept -->')
})

t.test('trim markers and comments', async (t) => {
  const data = { A: 'a', B: 'b' }
  t.equal(render('x  {{- .A -}}  \n y', data), 'xay')
  t.equal(render('{{ .A }}\n{{- /* a comment */ -}}\n{{ .B }}', data), 'ab')
  t.equal(render('{{/* only a comment */}}{{ .A }}', data), 'a')
  t.equal(render('{{ -3 }} {{- 4 }}', {}), '-34')
  t.equal(render('{{ range $i, $e := .L -}}\n  {{ $i }}:{{ $e }}\n{{ end -}}', { L: ['p', 'q'] }), '0:p\n1:q\n')
})

t.test('variables, range controls and literals', async (t) => {
  t.equal(render('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', {}), '2')
  t.equal(render('{{ range $i, $v := .L }}{{ if eq $v 3 }}{{ break }}{{ end }}{{ if eq $v 1 }}{{ continue }}{{ end }}{{ $v }}{{ end }}', { L: [0n, 1n, 2n, 3n, 4n] }), '02')
  t.equal(render('{{ range .L }}{{ . }}{{ $ | len }}{{ end }}', { L: ['a'] }), 'a1')
  t.equal(render('{{ range 3 }}{{ . }}{{ end }}', {}), '012')
  t.equal(render('{{ "a\\tb" }} {{ `raw\\n` }} {{ \'x\' }} {{ 0x1F }} {{ 1e3 }} {{ printf "%v" nil }}', {}), 'a\tb raw\\n 120 31 1000 <nil>')
  t.equal(render('{{ index .M "k" 1 }} {{ slice .S 1 3 }} {{ index "abc" 1 }}', { M: { k: ['x', 'y'] }, S: 'hello' }), 'y el 98')
  t.equal(render('{{ (index .L 0).Name }}', { L: [{ Name: 'n' }] }), 'n')
})

t.test('parse errors throw GoTemplateError with Go\'s text', async (t) => {
  const cases: [string, string][] = [
    ['{{ .Name }', 'template: x:1: unexpected "}" in operand'],
    ['{{ .Name', 'template: x:1: unclosed action'],
    ['a\n{{ if .X }}', 'template: x:2: unexpected EOF'],
    ['{{ end }}', 'template: x:1: unexpected {{end}}'],
    ['{{ else }}', 'template: x:1: unexpected {{else}}'],
    ['{{ nofunc .A }}', 'template: x:1: function "nofunc" not defined'],
    ['{{ $x }}', 'template: x:1: undefined variable "$x"'],
    ['{{ }}', 'template: x:1: missing value for command'],
    ['{{ "abc }}', 'template: x:1: unterminated quoted string'],
    ['{{ if }}{{ end }}', 'template: x:1: missing value for if'],
    ['{{ .A | 3 }}', 'template: x:1: non executable command in pipeline stage 2'],
    ['{{ (.A }}', 'template: x:1: unclosed left paren'],
    ['{{ .A) }}', 'template: x:1: unexpected right paren'],
    ['{{ /* c */ }}', 'template: x:1: unexpected "/" in command'],
    ['{{ break }}', 'template: x:1: {{break}} outside {{range}}'],
  ]
  for (const [tmpl, want] of cases) {
    t.equal(errorOf(() => compileGoTemplate(tmpl)), want, JSON.stringify(tmpl))
  }
  t.equal(errorOf(() => compileGoTemplate('{{ .A', { name: 'message' })), 'template: message:1: unclosed action')
})

t.test('execution errors throw GoTemplateError with the failing node', async (t) => {
  const data = idTemplateData({ name: 'cpu', taskName: 't', group: 'nil', tags: {}, serverInfo: { hostname: 'h', clusterID: 'c', serverID: 's' } })
  const cases: [string, unknown, string][] = [
    ['{{ .ID }}', data, 'template: x:1:3: executing "x" at <.ID>: can\'t evaluate field ID in type kapacitor.idInfo'],
    ['{{ index .L 5 }}', { L: [1n] }, 'template: x:1:3: executing "x" at <index .L 5>: error calling index: index out of range: 5'],
    ['{{ index .L 1.5 }}', { L: [1n] }, 'template: x:1:3: executing "x" at <index .L 1.5>: error calling index: cannot index slice/array with type float64'],
    ['{{ index .Nope 1 }}', {}, 'template: x:1:3: executing "x" at <index .Nope 1>: error calling index: index of untyped nil'],
    ['{{ .A 1 }}', { A: 'x' }, 'template: x:1:3: executing "x" at <.A>: A is not a method but has arguments'],
    ['{{ 1 2 }}', {}, 'template: x:1:3: executing "x" at <1>: can\'t give argument to non-function 1'],
    ['{{ .A.B }}', { A: 'x' }, 'template: x:1:3: executing "x" at <.A.B>: can\'t evaluate field B in type string'],
    ['{{ .A.B }}', { A: null }, 'template: x:1:3: executing "x" at <.A.B>: nil pointer evaluating interface {}.B'],
    ['{{ lt 1 1.5 }}', {}, 'template: x:1:3: executing "x" at <lt 1 1.5>: error calling lt: incompatible types for comparison'],
    ['{{ printf .N }}', { N: 1n }, 'template: x:1:10: executing "x" at <.N>: wrong type for value; expected string; got int64'],
    ['{{ nil }}', {}, 'template: x:1:3: executing "x" at <nil>: nil is not a command'],
    ['{{ len 3 }}', {}, 'template: x:1:3: executing "x" at <len 3>: error calling len: len of type int64'],
    ['{{ eq }}', {}, 'template: x:1:3: executing "x" at <eq>: wrong number of args for eq: want at least 1 got 0'],
    ['\n  {{ not 1 2 }}', {}, 'template: x:2:5: executing "x" at <not>: wrong number of args for not: want 1 got 2'],
    ['{{ range .S }}{{ end }}', { S: 'str' }, 'template: x:1:9: executing "x" at <{{range .S}}>: range can\'t iterate over str'],
  ]
  for (const [tmpl, d, want] of cases) {
    const compiled = compileGoTemplate(tmpl)
    t.equal(errorOf(() => compiled.execute(d)), want, JSON.stringify(tmpl))
  }
})

t.test('a compiled template is reusable and keeps no state between executions', async (t) => {
  const tmpl = compileGoTemplate('{{ $n := .N }}{{ range .L }}{{ $n }}{{ . }}{{ end }}')
  t.equal(tmpl.execute({ N: 'a', L: [1n, 2n] }), 'a1a2')
  t.equal(tmpl.execute({ N: 'b', L: [] }), '')
  t.equal(compileGoTemplate('plain text').execute(undefined), 'plain text')
  t.equal(compileGoTemplate('').execute({}), '')
  const m = goStringMap({ z: '1', a: '2' })
  t.equal(render('{{ . }} {{ index . "q" }}|', m), 'map[a:2 z:1] |')
})
