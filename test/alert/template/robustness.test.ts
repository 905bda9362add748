/**
 * The alert node counts a template failure and falls back, so whatever a user writes the
 * engine must either render a string or throw GoTemplateError — never another exception,
 * never hang. Random templates from Go-template fragments (seeded, so failures replay).
 */
import t from 'tap'
import { compileGoTemplate, GoDuration, GoTemplateError, GoTime, messageTemplateData } from '../../../src/alert/template/index.js'

const FRAGMENTS = [
  '{{', '}}', '{{-', '-}}', ' ', '.', '.Name', '.Tags', '.Fields', '.Fields.value', '.Time', '.Duration', '.Nope', '$', '$x', '$x :=', '$k, $v :=',
  '=', '|', '(', ')', 'if', 'else', 'end', 'range', 'with', 'break', 'continue', 'index', 'printf', 'print', 'println', 'len', 'eq', 'ne', 'lt',
  'and', 'or', 'not', 'json', 'html', 'js', 'urlquery', 'slice', '"host"', '"%v %d %.2f %s"', '`raw`', "'c'", '1', '-2', '3.5', '1e3', 'nil', 'true',
  '/*', '*/', 'text ', '\n', '"unterminated', '.Time.Unix', '.Time.Format "2006"', '.Duration.Seconds', '0x', '}', '{',
]

function* rng(seed: number): Generator<number> {
  let s = seed >>> 0
  for (;;) {
    s = (s * 1664525 + 1013904223) >>> 0
    yield s / 2 ** 32
  }
}

t.test('random templates render or throw GoTemplateError only', async (t) => {
  const r = rng(20261125)
  const next = (): number => r.next().value as number
  const data = messageTemplateData({
    name: 'cpu', taskName: 't', group: 'host=a', tags: { host: 'a' }, serverInfo: { hostname: 'h', clusterID: 'c', serverID: 's' },
    id: 'id', fields: { value: 1.5, count: 2n, s: 'x', b: false }, level: 'WARNING', time: 1n, duration: 2n,
  })
  let compiled = 0
  let rendered = 0
  const unexpected: string[] = []
  for (let i = 0; i < 4000; i++) {
    const n = 1 + Math.floor(next() * 12)
    let text = ''
    for (let k = 0; k < n; k++) text += FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]!
    // Bias towards well-formed actions half of the time.
    if (next() < 0.5) text = `{{ ${text} }}`
    try {
      const tmpl = compileGoTemplate(text)
      compiled++
      tmpl.execute(data)
      rendered++
    } catch (err) {
      if (!(err instanceof GoTemplateError)) unexpected.push(`${JSON.stringify(text)}: ${String(err)}`)
    }
  }
  t.same(unexpected, [], 'only GoTemplateError escapes')
  t.ok(compiled > 200 && rendered > 100, `${compiled} compiled, ${rendered} rendered`)
})

t.test('odd data never breaks printing', async (t) => {
  const tmpl = compileGoTemplate('{{ . }}|{{ json . }}|{{ printf "%v %s %d" . . . }}')
  const values: unknown[] = [
    undefined, null, 0, -0, NaN, 1n, '', 'x', true, [], {}, [null, undefined], new Map([['b', 1n], ['a', 2n]]),
    { nested: { deeper: [1, { x: new GoTime(0n) }] } }, new GoDuration(-1n), Object.create(null),
  ]
  for (const v of values) {
    try {
      t.type(tmpl.execute({ v }), 'string')
      t.type(compileGoTemplate('{{ .v }}{{ printf "%v|%q|%x" .v .v .v }}').execute({ v }), 'string')
    } catch (err) {
      t.ok(err instanceof GoTemplateError, `${String(v)}: ${String(err)}`)
    }
  }
})
