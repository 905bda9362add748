/**
 * What handler templates (`.sensu().source()`, `.alerta().resource()`, smtp subjects…)
 * see as `.Name`, `.Group` and `.Fields`: the alert node's own values carried on the event
 * (Kapacitor's EventData), not values rebuilt from the event's data rows — the group is
 * the group-by tags only (not every tag of the point), and a batch event's fields are
 * those of its highest-level point (not its first).
 */
import t from 'tap'
import { eventTemplateData } from '../../src/alert/handlers/service-common.js'
import { compileGoTemplate } from '../../src/alert/template/index.js'
import { MemoryAlertPublisher } from '../../src/alert/types.js'
import { newTaskServices } from '../../src/pipeline/services.js'
import { lp, startStream } from '../fixtures/stream-harness.js'

const TEMPLATE = compileGoTemplate('{{ .Name }}|{{ .TaskName }}|{{ .Group }}|{{ index .Tags "type" }}|{{ index .Fields "value" }}|{{ .Level }}')

function eventsOf(script: string, input: string): string[] {
  const pub = new MemoryAlertPublisher()
  const run = startStream(script, { services: newTaskServices({ alerts: pub }) })
  run.write(lp(input))
  run.finish()
  run.stop()
  return pub.events.map((e) => TEMPLATE.execute(eventTemplateData(e)))
}

t.test('a point alert: .Group is the group-by tags, .Fields the point\'s fields', async (t) => {
  const got = eventsOf(
    `stream|from().measurement('cpu').groupBy('host')|alert().crit(lambda: "value" > 90)`,
    'cpu,host=a,type=idle value=95 1\n',
  )
  t.same(got, ['cpu|testStreamer|host=a|idle|95|CRITICAL'])
})

t.test('the nil group reads as nil', async (t) => {
  const got = eventsOf(`stream|from().measurement('cpu')|alert().crit(lambda: "value" > 90)`, 'cpu,host=a,type=idle value=95 1\n')
  t.same(got, ['cpu|testStreamer|nil|idle|95|CRITICAL'])
})

t.test('a batch alert: .Fields are those of the highest-level point', async (t) => {
  const got = eventsOf(
    `stream|from().measurement('cpu').groupBy('host')|window().period(10s).every(10s)|alert().warn(lambda: "value" > 70).crit(lambda: "value" > 90)`,
    'cpu,host=a,type=idle value=50 1\ncpu,host=a,type=idle value=95 2\ncpu,host=a,type=idle value=80 3\ncpu,host=a,type=idle value=10 11\n',
  )
  // a batch event carries the batch's (group) tags: no "type"
  t.same(got, ['cpu|testStreamer|host=a||95|CRITICAL'])
})
