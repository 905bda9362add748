/**
 * record / replay / replay-live / import-recording argument handling: the request a
 * command line makes (stop = now + duration, start = stop - past, the design's --host
 * form), the usage errors (exit 2, before any request), and the list tables.
 * test/cli/recordings.test.ts runs the verbs against a real daemon.
 */
import t from 'tap'
import { formatRecordingList, formatReplayList } from '../../src/cli/list.js'
import { recordRequest } from '../../src/cli/record.js'
import { typeOfFile } from '../../src/cli/recording-files.js'
import { runCli } from './cli-env.js'

// nothing listens here: these command lines fail before any request
const NO_SERVER = 'http://127.0.0.1:9'

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)

t.test('record stream: -task and -duration (stop = now + duration); the design\'s --host and --query', async (t) => {
  t.same(recordRequest('stream', { task: 'cpu', duration: '1m30s', 'recording-id': 'rec1' }, NOW), {
    kind: 'stream', body: { id: 'rec1', task: 'cpu', stop: '2026-11-25T12:01:30.000Z' },
  })
  t.same(recordRequest('stream', { host: 'http://influx:8086', query: 'select * from telegraf.autogen.cpu' }, NOW), {
    kind: 'query', body: { query: 'select * from telegraf.autogen.cpu', type: 'stream', host: 'http://influx:8086' },
  })
  t.throws(() => recordRequest('stream', { task: 'cpu' }, NOW), /both task and duration are required/)
  t.throws(() => recordRequest('stream', { host: 'http://influx:8086' }, NOW), /both host and query are required to record a query as a stream/)
  t.throws(() => recordRequest('stream', { host: 'h', query: 'q', task: 'cpu' }, NOW), /-task and -duration are for the live stream/)
  t.throws(() => recordRequest('stream', { task: 'cpu', duration: '1 minute' }, NOW), /invalid duration "1 minute"/)
})

t.test('record batch: -past sets start = stop - past; -start and -past together are refused', async (t) => {
  t.same(recordRequest('batch', { task: 'cpu', past: '2d' }, NOW).body, { task: 'cpu', start: '2026-11-23T12:00:00.000Z', stop: '2026-11-25T12:00:00.000Z' })
  t.same(recordRequest('batch', { task: 'cpu', start: '2026-01-01T00:00:00Z', stop: '2026-01-02T00:00:00Z' }, NOW).body,
    { task: 'cpu', start: '2026-01-01T00:00:00Z', stop: '2026-01-02T00:00:00Z' })
  t.throws(() => recordRequest('batch', { task: 'cpu', start: '2026-01-01T00:00:00Z', past: '1h' }, NOW), /cannot set both start and past flags/)
  t.throws(() => recordRequest('batch', { task: 'cpu' }, NOW), /must set one of start or past flags/)
  t.throws(() => recordRequest('batch', { task: 'cpu', start: 'yesterday' }, NOW), /invalid -start "yesterday"/)
})

t.test('record query: query, type, cluster', async (t) => {
  t.same(recordRequest('query', { query: 'select value from cpu', type: 'batch', cluster: 'c2' }, NOW), {
    kind: 'query', body: { query: 'select value from cpu', type: 'batch', cluster: 'c2' },
  })
  t.throws(() => recordRequest('query', { query: 'select 1' }, NOW), /both query and type are required/)
  t.throws(() => recordRequest('query', { query: 'select 1', type: 'table' }, NOW), /invalid type "table"/)
  t.throws(() => recordRequest('bogus', {}, NOW), /Unknown record type "bogus"/)
})

t.test('usage errors exit 2 with the verb\'s usage, before any request', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['record'], /^Must specify stream, batch or query\n\nUsage: kapacitor record/],
    [['record', 'stream', '-task', 'cpu'], /^both task and duration are required\n\nUsage: kapacitor record/],
    [['replay', '-task', 'cpu'], /^must pass recording ID\n\nUsage: kapacitor replay/],
    [['replay', 'rec1'], /^must pass task ID\n/],
    [['replay', 'rec1', 'cpu', 'extra'], /^too many arguments: rec1 cpu extra/],
    [['replay', '-recording', 'r', 'rec1', 'cpu'], /^the recording is given twice/],
    [['replay-live'], /^Must specify 'batch' or 'query'\n\nUsage: kapacitor replay-live/],
    [['replay-live', 'batch', '-task', 'b'], /^must set one of start or past flags\./],
    [['replay-live', 'query', '-task', 'b'], /^both query and task are required/],
    [['import-recording'], /^Must pass one recording file\n\nUsage: kapacitor import-recording/],
    [['import-recording', 'data.txt'], /^cannot tell the recording type of data\.txt: give -type stream or -type batch/],
    [['import-recording', 'data.txt', '-type', 'table'], /^invalid type "table"/],
    [['export-recording'], /^Must pass a recording ID/],
  ]
  for (const [args, err] of cases) {
    const r = await runCli(NO_SERVER, args)
    t.equal(r.code, 2, args.join(' '))
    t.match(r.err, err, args.join(' '))
    t.equal(r.out, '')
  }
  const unknown = await runCli(NO_SERVER, ['replay-live', 'stream', '-task', 'x'])
  t.same(unknown, { code: 1, out: '', err: 'Unknown replay-live type "stream", expected \'batch\' or \'query\'\n' })
})

t.test('a file\'s recording type from its extension (Kapacitor\'s test data: <Test>.srpl, <Test>.<n>.brpl)', async (t) => {
  t.equal(typeOfFile('TestStream_Window.srpl'), 'stream')
  t.equal(typeOfFile('/tmp/TestBatch_SimpleMR.0.brpl'), 'batch')
  t.equal(typeOfFile('x.json'), undefined)
})

t.test('list recordings and replays: Kapacitor\'s columns, sizes as go-humanize prints them', async (t) => {
  const tz = process.env['TZ']
  process.env['TZ'] = 'UTC'
  t.teardown(() => { if (tz === undefined) delete process.env['TZ']; else process.env['TZ'] = tz })
  t.equal(formatRecordingList([
    { id: 'b0a2ba8a', type: 'stream', status: 'finished', size: 1234, date: '2026-11-25T12:00:00Z' },
  ]), [
    `ID       ${'Type'.padEnd(8)}${'Status'.padEnd(10)}${'Size'.padEnd(10)}${'Date'.padEnd(23)}`,
    `b0a2ba8a ${'stream'.padEnd(8)}${'finished'.padEnd(10)}${'1.2 kB'.padEnd(10)}${'25 Nov 26 12:00 UTC'.padEnd(23)}`,
    '',
  ].join('\n'))
  t.equal(formatReplayList([
    { id: 'rp1', task: 'cpu_alert', recording: 'b0a2ba8a', status: 'finished', clock: 'fast', date: '2026-11-25T12:00:00Z' },
  ]), [
    `ID  Task      Recording ${'Status'.padEnd(9)}${'Clock'.padEnd(8)}${'Date'.padEnd(23)}`,
    `rp1 cpu_alert b0a2ba8a  ${'finished'.padEnd(9)}${'fast'.padEnd(8)}${'25 Nov 26 12:00 UTC'.padEnd(23)}`,
    '',
  ].join('\n'))
})
