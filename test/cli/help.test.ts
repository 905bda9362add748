/** `kapacitor help <verb>` and `<verb> --help`: every verb has its usage; the command list names them all. */
import t from 'tap'
import { COMMANDS, MAIN_USAGE } from '../../src/cli/help.js'
import { runCli } from './cli-env.js'

// nothing listens here: help never talks to the server
const NO_SERVER = 'http://127.0.0.1:9'

t.test('every verb: help <verb> and <verb> --help print its usage, exit 0', async (t) => {
  for (const verb of ['start-recording', 'stop-recording', 'record', 'replay', 'replay-live', 'push', 'export-recording', 'import-recording', 'define', 'list', 'delete', 'show']) {
    t.ok(COMMANDS.includes(verb), `${verb} is a command`)
  }
  for (const verb of COMMANDS) {
    const help = await runCli(NO_SERVER, ['help', verb])
    t.equal(help.code, 0, verb)
    t.match(help.out, new RegExp(`^Usage: kapacitor ${verb.replace(/-/g, '\\-')}\\b`), `help ${verb}`)
    t.match(MAIN_USAGE, new RegExp(`\\n\\t${verb} +\\S`), `the command list names ${verb}`)
    if (verb === 'help') continue
    const dash = await runCli(NO_SERVER, [verb, '--help'])
    t.same(dash, help, `${verb} --help`)
  }
})

t.test('the usages of the design\'s verbs say what they print and take', async (t) => {
  const text = async (verb: string): Promise<string> => (await runCli(NO_SERVER, ['help', verb])).out
  t.match(await text('stop-recording'), /RecordingID=<id>/)
  t.match(await text('start-recording'), /-id /)
  t.match(await text('replay'), /kapacitor replay <recording ID> <task ID>/)
  t.match(await text('replay'), /\?replay-id=<replay ID>/)
  t.match(await text('record'), /record stream --host http:\/\/localhost:8086 --query/)
  t.match(await text('define'), /define batcher --name cpu_hourly --query .* --period 15m --group-by 1h --script cpu\.tick/)
  t.match(await text('push'), /--remote <URL>/)
  t.match(await text('import-recording'), /-precision/)
})
