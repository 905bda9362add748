/**
 * The alert-topic verbs against a real daemon (in-process): define-topic-handler from YAML
 * and JSON spec files (created, then replaced), list topics / topic-handlers, show-topic
 * with the events a task's alert published, show-topic-handler, delete topic-handlers and
 * topics, and the errors: unreadable or malformed files, unknown topics and handlers, and
 * wrong argument counts.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { formatTopicHandler } from '../../src/cli/show-topic-handler.js'
import { startCliEnv, type CliEnv } from './cli-env.js'

// show-topic prints event dates in local time
process.env['TZ'] = 'UTC'

const TOPICS = '/kapacitor/v1/alerts/topics'

const ALERT_SCRIPT = `stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |alert()
        .id('{{ index .Tags "host" }}')
        .message('{{ .ID }} is {{ .Level }}')
        .warn(lambda: "value" > 70)
        .crit(lambda: "value" > 90)
        .topic('cpu')
`

async function until(t: Test, what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 5000
  while (!(await check())) {
    if (Date.now() > deadline) {
      t.fail(`timed out waiting for ${what}`)
      return
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

function logHandlerYaml(path: string, match: string): string {
  return `# sends the cpu topic's events to a file
topic: cpu
id: to-log
kind: log
match: ${match}
options:
  path: ${path}
  mode: 0640
`
}

async function startEnv(t: Test): Promise<CliEnv> {
  return startCliEnv(t, { sections: { alert: { 'log-file-enabled': true } } })
}

t.test('define-topic-handler: YAML and JSON files create handlers; defining again replaces', async (t) => {
  const k = await startEnv(t)
  const logPath = join(k.dir, 'alerts.log')
  const yaml = k.file('log.yaml', logHandlerYaml(logPath, 'level() == WARNING'))
  t.same(await k.kapacitor('define-topic-handler', yaml), { code: 0, out: '', err: '' })
  const created = await k.get(`${TOPICS}/cpu/handlers/to-log`)
  t.equal(created.status, 200)
  t.match(created.body, { id: 'to-log', kind: 'log', match: 'level() == WARNING', options: { path: logPath, mode: 0o640 } }, 'YAML 1.1: 0640 is octal, as in Kapacitor')

  const json = k.file('fwd.json', JSON.stringify({ topic: 'cpu', id: 'fwd', kind: 'publish', options: { topics: ['pager'] } }))
  t.same(await k.kapacitor('define-topic-handler', json), { code: 0, out: '', err: '' })
  const fwd = await k.get(`${TOPICS}/cpu/handlers/fwd`)
  t.equal(fwd.status, 200)
  t.match(fwd.body, { id: 'fwd', kind: 'publish', match: '', options: { topics: ['pager'] } })

  // the same id again: replaced, not refused and not duplicated
  const yml = k.file('log.yml', logHandlerYaml(logPath, 'level() == CRITICAL'))
  t.same(await k.kapacitor('define-topic-handler', yml), { code: 0, out: '', err: '' })
  t.match((await k.get(`${TOPICS}/cpu/handlers/to-log`)).body, { id: 'to-log', kind: 'log', match: 'level() == CRITICAL' })
  const handlers = (await k.get(`${TOPICS}/cpu/handlers`)).body as { handlers: Array<{ id: string }> }
  t.same(handlers.handlers.map((h) => h.id), ['fwd', 'to-log'])

  t.same(await k.kapacitor('show-topic-handler', 'cpu', 'to-log'), {
    code: 0,
    out: `ID: to-log\nTopic: cpu\nKind: log\nMatch: level() == CRITICAL\nOptions: {"mode":416,"path":${JSON.stringify(logPath)}}\n`,
    err: '',
  }, 'options as Go prints JSON: keys sorted')
  t.same(await k.kapacitor('show-topic-handler', 'cpu', 'fwd'), {
    code: 0, out: 'ID: fwd\nTopic: cpu\nKind: publish\nMatch: \nOptions: {"topics":["pager"]}\n', err: '',
  })
})

t.test('a task alerting to a topic: list topics, list topic-handlers, show-topic, the handler receives; then delete', async (t) => {
  const k = await startEnv(t)
  const logPath = join(k.dir, 'alerts.log')
  t.equal((await k.kapacitor('define-topic-handler', k.file('log.yaml', logHandlerYaml(logPath, 'level() == CRITICAL')))).code, 0)
  t.equal((await k.kapacitor('define-topic-handler', k.file('fwd.json', '{"topic":"cpu","id":"fwd","kind":"publish","options":{"topics":["pager"]}}'))).code, 0)

  t.same(await k.kapacitor('list', 'topics'), { code: 0, out: 'ID  Level     Collected\ncpu OK                0\n', err: '' },
    'defining a handler makes its topic; nothing collected yet')

  const tick = k.file('cpu_alert.tick', ALERT_SCRIPT)
  t.same(await k.kapacitor('define', 'cpu_alert', '-tick', tick, '-type', 'stream', '-dbrp', 'telegraf.autogen'), { code: 0, out: '', err: '' })
  t.same(await k.kapacitor('enable', 'cpu_alert'), { code: 0, out: '', err: '' })
  // b warns first, a is critical later
  t.equal(await k.write('cpu,host=b value=75 1\ncpu,host=a value=95 2\n'), 204)
  await until(t, 'the pager topic to collect both events', async () => (await k.get(`${TOPICS}/pager`)).status === 200 &&
    ((await k.get(`${TOPICS}/pager`)).body as { collected: number }).collected === 2)

  t.same(await k.kapacitor('list', 'topics'), {
    code: 0,
    out: [
      'ID    Level     Collected',
      'cpu   CRITICAL          2',
      'pager CRITICAL          2',
      '',
    ].join('\n'),
    err: '',
  })
  t.same(await k.kapacitor('list', 'topics', 'p*'), { code: 0, out: 'ID    Level     Collected\npager CRITICAL          2\n', err: '' })
  t.same(await k.kapacitor('list', 'topics', 'nothing*'), { code: 0, out: 'ID Level     Collected\n', err: '' })

  t.same(await k.kapacitor('list', 'topic-handlers'), {
    code: 0,
    out: [
      'Topic      ID         Kind       ',
      'cpu        fwd        publish    ',
      'cpu        to-log     log        ',
      '',
    ].join('\n'),
    err: '',
  })
  t.same(await k.kapacitor('list', 'topic-handlers', 'cpu', 'to*'), {
    code: 0, out: 'Topic      ID         Kind       \ncpu        to-log     log        \n', err: '',
  }, 'the topic pattern first, then handler patterns')
  t.same(await k.kapacitor('list', 'topic-handlers', 'pager'), { code: 0, out: 'Topic      ID         Kind       \n', err: '' })

  t.same(await k.kapacitor('show-topic', 'cpu'), {
    code: 0,
    out: [
      'ID: cpu',
      'Level: CRITICAL',
      'Collected: 2',
      'Handlers: [fwd, to-log]',
      'Events:',
      'Event Level    Message       Date                   ',
      'b     WARNING  b is WARNING  01 Jan 70 00:00 UTC    ',
      'a     CRITICAL a is CRITICAL 01 Jan 70 00:00 UTC    ',
      '',
    ].join('\n'),
    err: '',
  }, 'events oldest first')
  t.match((await k.kapacitor('show-topic', 'pager')).out, /^ID: pager\nLevel: CRITICAL\nCollected: 2\nHandlers: \[\]\nEvents:\n/)

  // the handler defined from the YAML file runs: only the CRITICAL event reached the file
  await until(t, 'the log handler to write', () => existsSync(logPath) && readFileSync(logPath, 'utf8').includes('\n'))
  const logged = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; level: string })
  t.same(logged.map((e) => `${e.id}:${e.level}`), ['a:CRITICAL'])

  t.same(await k.kapacitor('delete', 'topic-handlers', 'cpu', 'to-log'), { code: 0, out: '', err: '' })
  t.equal((await k.get(`${TOPICS}/cpu/handlers/to-log`)).status, 404)
  t.match((await k.kapacitor('list', 'topic-handlers')).out, /^Topic +ID +Kind +\ncpu +fwd +publish +\n$/)
  t.same(await k.kapacitor('delete', 'topic-handlers', 'cpu', 'f*', 'ghost'), { code: 0, out: '', err: '' }, 'globs; a missing handler is not an error')
  t.same((await k.get(`${TOPICS}/cpu/handlers`)).body, { link: { rel: 'self', href: `${TOPICS}/cpu/handlers` }, topic: 'cpu', handlers: [] })

  t.same(await k.kapacitor('delete', 'topics', 'cpu', 'p*', 'ghost'), { code: 0, out: '', err: '' }, 'ids and globs; a missing topic is not an error')
  t.same(await k.kapacitor('list', 'topics'), { code: 0, out: 'ID Level     Collected\n', err: '' })
  t.equal((await k.get(`${TOPICS}/cpu`)).status, 404)
  t.same(await k.kapacitor('show-topic', 'cpu'), { code: 1, out: '', err: 'unknown topic: "cpu"\n' })
})

t.test('errors: unreadable and malformed spec files, specs the server refuses, unknown topics and handlers', async (t) => {
  const k = await startEnv(t)
  const missing = join(k.dir, 'missing.yaml')
  t.same(await k.kapacitor('define-topic-handler', missing), {
    code: 1, out: '', err: `failed to open handler spec file "${missing}": open ${missing}: no such file or directory\n`,
  })

  const badYaml = k.file('bad.yaml', 'topic: cpu\nid: [unclosed\n')
  const yamlErr = await k.kapacitor('define-topic-handler', badYaml)
  t.equal(yamlErr.code, 1)
  t.match(yamlErr.err, new RegExp(`^failed to unmarshal yaml handler file "${badYaml.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}": \\S`))

  const badJson = k.file('bad.json', '{"topic": "cpu",')
  const jsonErr = await k.kapacitor('define-topic-handler', badJson)
  t.equal(jsonErr.code, 1)
  t.match(jsonErr.err, /^failed to unmarshal json handler file ".*bad\.json": \S/)

  const numericId = k.file('num.yaml', 'topic: cpu\nid: 5\nkind: log\n')
  t.same(await k.kapacitor('define-topic-handler', numericId), {
    code: 1, out: '', err: `failed to unmarshal yaml handler file "${numericId}": json: cannot unmarshal number into Go struct field TopicHandlerOptions.id of type string\n`,
  })

  t.same(await k.kapacitor('define-topic-handler', k.file('spec.txt', 'topic: cpu\n')), { code: 1, out: '', err: 'bad file extension. Must be YAML or JSON\n' })

  const noTopic = k.file('notopic.json', '{"id":"x","kind":"publish","options":{"topics":["a"]}}')
  t.same(await k.kapacitor('define-topic-handler', noTopic), { code: 1, out: '', err: `handler spec file "${noTopic}" has no topic\n` })

  const unknownKind = await k.kapacitor('define-topic-handler', k.file('kind.yaml', 'topic: cpu\nid: x\nkind: carrier-pigeon\n'))
  t.equal(unknownKind.code, 1)
  t.match(unknownKind.err, /^invalid handler spec: .*carrier-pigeon/, "the server's message")
  const noId = await k.kapacitor('define-topic-handler', k.file('noid.yaml', 'topic: cpu\nkind: publish\n'))
  t.same(noId, { code: 1, out: '', err: 'invalid handler spec: handler spec must have an ID\n' })
  t.same((await k.get(TOPICS)).body, { link: { rel: 'self', href: TOPICS }, topics: [] }, 'nothing was defined')

  t.same(await k.kapacitor('show-topic', 'ghost'), { code: 1, out: '', err: 'unknown topic: "ghost"\n' })
  t.equal((await k.kapacitor('define-topic-handler', k.file('ok.json', '{"topic":"cpu","id":"fwd","kind":"publish","options":{"topics":["a"]}}'))).code, 0)
  t.same(await k.kapacitor('show-topic-handler', 'cpu', 'ghost'), { code: 1, out: '', err: 'unknown handler: "ghost"\n' })
  t.same(await k.kapacitor('list', 'topic'), {
    code: 1, out: '', err: "cannot list 'topic' did you mean 'tasks', 'templates', 'recordings', 'replays', 'topics' or 'topic-handlers'?\n",
  })
})

t.test('wrong argument counts: exit 2 with the usage', async (t) => {
  const k = await startEnv(t)
  const usage = async (args: string[], message: string, verb: string): Promise<void> => {
    const r = await k.kapacitor(...args)
    t.equal(r.code, 2, args.join(' '))
    t.equal(r.out, '')
    t.match(r.err, new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n\\nUsage: kapacitor ${verb} `), args.join(' '))
  }
  await usage(['define-topic-handler'], 'Must provide a path to a handler file.', 'define-topic-handler')
  await usage(['define-topic-handler', 'a.yaml', 'b.yaml'], 'Must provide a path to a handler file.', 'define-topic-handler')
  await usage(['show-topic'], 'Must specify one topic ID', 'show-topic')
  await usage(['show-topic', 'a', 'b'], 'Must specify one topic ID', 'show-topic')
  await usage(['show-topic-handler', 'cpu'], 'Must specify both topic and handler IDs', 'show-topic-handler')
  await usage(['show-topic-handler', 'cpu', 'a', 'b'], 'Must specify both topic and handler IDs', 'show-topic-handler')
  await usage(['delete', 'topics'], 'Must pass at least one ID', 'delete')
  await usage(['delete', 'topic-handlers'], 'Must pass at least one ID', 'delete')
  await usage(['delete', 'topic-handlers', 'cpu'], 'Must pass a topic and at least one handler ID', 'delete')
  await usage(['list'], "Must specify 'tasks', 'templates', 'recordings', 'replays', 'topics' or 'topic-handlers'", 'list')

  const help = await k.kapacitor('help', 'define-topic-handler')
  t.equal(help.code, 0)
  t.match(help.out, /^Usage: kapacitor define-topic-handler <path to handler spec file>\n\n\tCreate or update a handler\.\n/)
  const main = await k.kapacitor('help')
  t.match(main.out, /\tdefine-template +Create\/update a template\.\n\tdefine-topic-handler  Create\/update an alert handler for a topic\.\n/)
  t.match(main.out, /\tshow-template +.*\n\tshow-topic-handler    Display detailed information about an alert handler for a topic\.\n\tshow-topic            Display detailed information about an alert topic\.\n/)
})

t.test('show-topic-handler prints options as Go\'s json.Marshal does: keys sorted as strings, <>& escaped', async (t) => {
  t.equal(formatTopicHandler('web', {
    id: 'hook', kind: 'post', match: '"code" >= 500',
    options: { url: 'http://h/x?a=1&b=<2>', headers: { '9': 'a', '10': 'b' }, timeout: 1.5, 'skip-ssl': false, extra: null },
  }), 'ID: hook\nTopic: web\nKind: post\nMatch: "code" >= 500\n' +
    'Options: {"extra":null,"headers":{"10":"b","9":"a"},"skip-ssl":false,"timeout":1.5,"url":"http://h/x?a=1\\u0026b=\\u003c2\\u003e"}\n')
  t.equal(formatTopicHandler('web', { id: 'h', kind: 'log' }), 'ID: h\nTopic: web\nKind: log\nMatch: \nOptions: null\n', 'no options: null, as Go prints a nil map')
})
