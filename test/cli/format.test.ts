/**
 * The CLI's text output, field for field as Kapacitor's Go CLI prints it: list tables,
 * show, show-template, stats general/ingress, RFC822 dates, Go durations.
 */
import t from 'tap'
import { dbrpList, goDuration, humanBytes, parseGoDuration, rfc822, varValue } from '../../src/cli/format.js'
import { formatTaskList, formatTemplateList } from '../../src/cli/list.js'
import { formatTask } from '../../src/cli/show.js'
import { formatTemplate } from '../../src/cli/show-template.js'
import { formatGeneral, formatIngress } from '../../src/cli/stats.js'

t.test('RFC822 dates as Go formats them, in the offset the API gave', async (t) => {
  t.equal(rfc822('2026-11-25T16:43:40.123456789Z'), '25 Nov 26 16:43 UTC')
  t.equal(rfc822('2016-01-02T03:04:05+01:00'), '02 Jan 16 03:04 +0100')
  t.equal(rfc822('0001-01-01T00:00:00Z'), '01 Jan 01 00:00 UTC', 'a task never enabled')
  t.equal(rfc822(undefined), '01 Jan 01 00:00 UTC')
  t.equal(rfc822('yesterday'), 'yesterday', 'unparsable: as it came')
})

t.test('Go durations', async (t) => {
  const cases: Array<[bigint, string]> = [
    [0n, '0s'], [10_000_000_000n, '10s'], [60_000_000_000n, '1m0s'], [3_600_000_000_000n, '1h0m0s'],
    [5_400_000_000_000n, '1h30m0s'], [1_500_000_000n, '1.5s'], [500_000_000n, '500ms'], [1_500_000n, '1.5ms'],
    [1_000n, '1µs'], [7n, '7ns'], [-10_000_000_000n, '-10s'],
  ]
  for (const [ns, want] of cases) t.equal(goDuration(ns), want, want)
})

t.test('Go duration strings parse exactly', async (t) => {
  t.equal(parseGoDuration('1m'), 60_000_000_000n)
  t.equal(parseGoDuration('1h30m'), 5_400_000_000_000n)
  t.equal(parseGoDuration('1.5ms'), 1_500_000n)
  t.equal(parseGoDuration('0.000000001s'), 1n)
  t.equal(parseGoDuration('-10s'), -10_000_000_000n)
  t.equal(parseGoDuration('2d'), undefined)
  t.equal(parseGoDuration(''), undefined)
})

t.test('sizes as go-humanize\'s Bytes prints them', async (t) => {
  const cases: Array<[number, string]> = [[0, '0 B'], [9, '9 B'], [999, '999 B'], [1000, '1.0 kB'], [1234, '1.2 kB'], [12_345, '12 kB'], [5_500_000, '5.5 MB']]
  for (const [n, want] of cases) t.equal(humanBytes(n), want, want)
})

t.test('DBRP lists print as Go prints []client.DBRP', async (t) => {
  t.equal(dbrpList([{ db: 'telegraf', rp: 'autogen' }]), '["telegraf"."autogen"]')
  t.equal(dbrpList([{ db: 'a', rp: 'b' }, { db: 'c', rp: 'd' }]), '["a"."b" "c"."d"]')
  t.equal(dbrpList([]), '[]')
})

t.test('var values: durations in Go form, lists as [a, b], star in lists', async (t) => {
  t.equal(varValue({ type: 'duration', value: 60_000_000_000 }), '1m0s')
  t.equal(varValue({ type: 'duration', value: '10s' }), '10s')
  t.equal(varValue({ type: 'duration', value: '1m' }), '1m0s')
  t.equal(varValue({ type: 'duration', value: '2d' }), '2d', 'a form Go cannot read: as it came')
  t.equal(varValue({ type: 'float', value: 0.5 }), '0.5')
  t.equal(varValue({ type: 'int', value: 10 }), '10')
  t.equal(varValue({ type: 'bool', value: true }), 'true')
  t.equal(varValue({ type: 'lambda', value: '"value" > 10' }), '"value" > 10')
  t.equal(varValue({ type: 'list', value: [{ type: 'string', value: 'host' }, { type: 'star' }] }), '[host, *]')
})

t.test('list tasks: sorted by ID, ID column one wider than the longest ID, fixed 10-wide columns', async (t) => {
  const out = formatTaskList([
    { id: 'mem_alert', type: 'batch', status: 'disabled', executing: false, dbrps: [{ db: 'telegraf', rp: 'autogen' }] },
    { id: 'cpu', type: 'stream', status: 'enabled', executing: true, dbrps: [{ db: 'telegraf', rp: 'autogen' }, { db: 'db', rp: 'rp' }] },
  ])
  t.equal(out, [
    'ID        Type      Status    Executing Databases and Retention Policies',
    'cpu       stream    enabled   true      ["telegraf"."autogen" "db"."rp"]',
    'mem_alert batch     disabled  false     ["telegraf"."autogen"]',
    '',
  ].join('\n'))
})

t.test('list tasks with none: the header alone, ID column 3 wide', async (t) => {
  t.equal(formatTaskList([]), 'ID Type      Status    Executing Databases and Retention Policies\n')
})

t.test('list templates: vars names sorted and comma-joined, padded to 40', async (t) => {
  const out = formatTemplateList([{ id: 'tpl', type: 'stream', vars: { warn: { type: 'lambda' }, crit: { type: 'lambda' } } }])
  t.equal(out, `ID  Type      ${'Vars'.padEnd(40)}\ntpl stream    ${'crit,warn'.padEnd(40)}\n`)
})

t.test('show: Kapacitor\'s fields in order, then the script, the vars table and the DOT', async (t) => {
  const out = formatTask({
    id: 'cpu', 'template-id': '', type: 'stream', status: 'enabled', executing: true, error: '',
    created: '2026-11-25T16:00:00Z', modified: '2026-11-25T16:05:00Z', 'last-enabled': '2026-11-25T16:06:00Z',
    dbrps: [{ db: 'telegraf', rp: 'autogen' }],
    script: "stream\n    |from()\n        .measurement('cpu')\n",
    vars: { period: { type: 'duration', value: 10_000_000_000 } },
    dot: 'digraph cpu {\nstream0 -> from1;\n}',
  })
  t.equal(out, [
    'ID: cpu',
    'Error: ',
    'Template: ',
    'Type: stream',
    'Status: enabled',
    'Executing: true',
    'Created: 25 Nov 26 16:00 UTC',
    'Modified: 25 Nov 26 16:05 UTC',
    'LastEnabled: 25 Nov 26 16:06 UTC',
    'Databases Retention Policies: ["telegraf"."autogen"]',
    'TICKscript:',
    'stream',
    '    |from()',
    "        .measurement('cpu')",
    '',
    'Vars:',
    `${'Name'.padEnd(30)}${'Type'.padEnd(10)}${'Value'.padEnd(40)}`,
    `${'period'.padEnd(30)}${'duration'.padEnd(10)}${'10s'.padEnd(40)}`,
    'DOT:',
    'digraph cpu {',
    'stream0 -> from1;',
    '}',
    '',
  ].join('\n'))
})

t.test('show without vars has no Vars section', async (t) => {
  const out = formatTask({ id: 'x', type: 'batch', status: 'disabled', executing: false, dbrps: [], script: 'batch\n', dot: 'digraph x {\n}' })
  t.notMatch(out, /Vars:/)
  t.match(out, /Databases Retention Policies: \[\]\nTICKscript:\nbatch\n\nDOT:\ndigraph x \{\n\}\n$/)
})

t.test('show-template: vars with defaults, <required> for those without, descriptions', async (t) => {
  const out = formatTemplate({
    id: 'tpl', type: 'stream', error: '', created: '2026-11-25T16:00:00Z', modified: '2026-11-25T16:00:00Z',
    script: "var measurement string\nstream\n",
    vars: {
      measurement: { type: 'string', description: 'the measurement' },
      warn: { type: 'lambda', value: '"usage_idle" < 20', description: '' },
    },
    dot: 'digraph tpl {\n}',
  })
  const row = (a: string, b: string, c: string, d: string): string => `${a.padEnd(30)}${b.padEnd(10)}${c.padEnd(40)}${d.padEnd(40)}`
  t.equal(out, [
    'ID: tpl',
    'Error: ',
    'Type: stream',
    'Created: 25 Nov 26 16:00 UTC',
    'Modified: 25 Nov 26 16:00 UTC',
    'TICKscript:',
    'var measurement string',
    'stream',
    '',
    'Vars:',
    row('Name', 'Type', 'Default Value', 'Description'),
    row('measurement', 'string', '<required>', 'the measurement'),
    row('warn', 'lambda', '"usage_idle" < 20', ''),
    'DOT:',
    'digraph tpl {',
    '}',
    '',
  ].join('\n'))
})

t.test('stats general: 30-wide labels and values from /debug/vars', async (t) => {
  const out = formatGeneral({
    cluster_id: 'c1', server_id: 's1', host: 'h', num_tasks: 3, num_enabled_tasks: 1, num_subscriptions: 0, platform: 'OSS', version: '1.8.3',
  })
  const row = (a: string, b: string): string => `${a.padEnd(30)}${b.padEnd(30)}`
  t.equal(out, [
    row('ClusterID:', 'c1'), row('ServerID:', 's1'), row('Host:', 'h'), row('Tasks:', '3'),
    row('Enabled Tasks:', '1'), row('Subscriptions:', '0'), row('Platform:', 'OSS'), row('Version:', '1.8.3'), '',
  ].join('\n'))
})

t.test('stats ingress: the main task master\'s ingress stats, sorted, points right-aligned', async (t) => {
  const out = formatIngress({
    kapacitor: {
      a: { name: 'ingress', tags: { task_master: 'main', database: 'telegraf', retention_policy: 'autogen', measurement: 'mem' }, values: { points_received: 7 } },
      b: { name: 'ingress', tags: { task_master: 'main', database: 'telegraf', retention_policy: 'autogen', measurement: 'cpu' }, values: { points_received: 12 } },
      c: { name: 'ingress', tags: { task_master: 'replay', database: 'x', retention_policy: 'y', measurement: 'z' }, values: { points_received: 1 } },
      d: { name: 'httpd', tags: {}, values: {} },
    },
  })
  t.equal(out, [
    'Database Retention Policy Measurement Points Received',
    `telegraf autogen          cpu         ${'12'.padStart(15)}`,
    `telegraf autogen          mem         ${'7'.padStart(15)}`,
    '',
  ].join('\n'))
})
