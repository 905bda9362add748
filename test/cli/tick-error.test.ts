/**
 * A TICKscript error from the API shown as the CLI shows it: the server's message, then
 * the line of the local script and a caret under the column.
 */
import t from 'tap'
import { renderApiError } from '../../src/cli/tick-error.js'

const SCRIPT = `dbrp "telegraf"."autogen"

stream
    |from()
        .measurement('cpu')
    |window()
        .perod(10s)
`

t.test('one located problem: message, source line, caret under the column', async (t) => {
  const msg = 'line 7 char 10: no method or property "perod" on *pipeline.WindowNode, did you mean "period"?'
  t.equal(renderApiError(msg, SCRIPT), [
    msg,
    '        .perod(10s)',
    '         ^',
  ].join('\n'))
})

t.test('a prefix before the location is kept', async (t) => {
  const out = renderApiError('invalid TICKscript: line 4 char 6: unknown node', SCRIPT)
  t.equal(out, 'invalid TICKscript: line 4 char 6: unknown node\n    |from()\n     ^')
})

t.test('several problems, one per line, each gets its caret', async (t) => {
  const out = renderApiError('line 3 char 1: must specify dbrp\nline 7 char 10: bad property', SCRIPT)
  t.equal(out, 'line 3 char 1: must specify dbrp\nstream\n^\nline 7 char 10: bad property\n        .perod(10s)\n         ^')
})

t.test('tabs before the column are kept so the caret lines up in a terminal', async (t) => {
  const out = renderApiError('line 2 char 3: x', 'stream\n\t\t|from()\n')
  t.equal(out, 'line 2 char 3: x\n\t\t|from()\n\t\t^')
})

t.test('no local script, no location, or a line past the end: the message as it came', async (t) => {
  t.equal(renderApiError('line 7 char 10: bad', undefined), 'line 7 char 10: bad')
  t.equal(renderApiError('task does not exist', SCRIPT), 'task does not exist')
  t.equal(renderApiError('line 99 char 1: bad', SCRIPT), 'line 99 char 1: bad')
})

t.test('a streamer\'s where problem: the caret goes under the where expression as the server reads it', async (t) => {
  const msg = 'line 1 char 8: no method or property "httpOut" on *pipeline.StreamNode\nline 1 char 10: where: unexpected "==", expected an expression'
  t.equal(renderApiError(msg, "stream|httpOut('x')\n", "cpu == == 'x'"), [
    'line 1 char 8: no method or property "httpOut" on *pipeline.StreamNode',
    "stream|httpOut('x')",
    '       ^',
    'line 1 char 10: where: unexpected "==", expected an expression',
    `"cpu" == == 'x'`,
    '         ^',
  ].join('\n'))
})
