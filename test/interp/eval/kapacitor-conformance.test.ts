/**
 * Define-time behaviours where we once differed from Kapacitor, found while reviewing the
 * node-type goldens (test/fixtures/tick-eval/{autoscale,alert-handlers,batch-forecast,…}.tick)
 * against influxdata/kapacitor pipeline/*.go and pipeline/tick/*_test.go: batch DOT edges,
 * the noop child of a watched node, deadman's aligned stats, holtWinters point times,
 * autoscale defaults and validation, alert handler argument rules. Each case asserts
 * Kapacitor's behaviour; a new difference is added here as a `{ todo }` case until fixed.
 */
import t from 'tap'
import { definePipeline } from '../../../src/interp/eval/define.js'
import { pipelineJSON, toDot } from '../../../src/interp/eval/pipeline-def.js'
import { TickScriptError } from '../../../src/interp/errors.js'

const dbrps = [{ db: 'telegraf', rp: 'autogen' }]

function define(source: string): { ok: true; json: ReturnType<typeof pipelineJSON>; dot: string } | { ok: false; error: string } {
  try {
    const d = definePipeline(source, { dbrps })
    return { ok: true, json: pipelineJSON(d.pipeline), dot: toDot(d.pipeline, 't') }
  } catch (e) {
    if (!(e instanceof TickScriptError)) throw e
    return { ok: false, error: e.message }
  }
}

function props(source: string, name: string): Record<string, unknown> {
  const r = define(source)
  if (!r.ok) throw new Error(r.error)
  return r.json.nodes.find((n) => n.name === name)!.properties as Record<string, unknown>
}

const autoscaleTail = '\n        .replicas(lambda: 1)\n'

t.test('define-time differences from Kapacitor', async (t) => {
  // pipeline/batch.go: `func (b *BatchNode) dot(buf *bytes.Buffer) {}` — "Do not add the source
  // batch node to the dot output since its not really an edge."
  t.test('DOT of a batch task leaves out the batch0 -> query edges', async (t) => {
    const r = define("batch\n    |query('SELECT mean(\"v\") FROM \"db\".\"rp\".\"m\"')\n        .period(1m)\n        .every(1m)\n    |httpOut('x')\n")
    t.ok(r.ok)
    if (r.ok) t.equal(r.dot, 'digraph t {\nquery1 -> http_out2;\n}', 'no batch0 edge')
  })

  // pipeline/k8s_autoscale.go newK8sAutoscaleNode: Cluster "default", ResourceTag "resource", no ResourceNameTag default
  t.test('k8sAutoscale defaults: cluster default, resourceTag resource, resourceNameTag empty', async (t) => {
    const p = props("stream\n    |from()\n    |k8sAutoscale()\n        .resourceName('web')" + autoscaleTail, 'k8s_autoscale2')
    t.equal(p.cluster, 'default', 'cluster')
    t.equal(p.resourceTag, 'resource', 'resourceTag')
    t.equal(p.resourceNameTag ?? '', '', 'resourceNameTag')
  })
  // pipeline/swarm_autoscale.go / ec2_autoscale.go: only Min defaults (1); ServiceNameTag/GroupNameTag default ""
  t.test('swarmAutoscale serviceNameTag and ec2Autoscale groupNameTag have no default', async (t) => {
    t.equal(props("stream\n    |from()\n    |swarmAutoscale()\n        .serviceName('web')" + autoscaleTail, 'swarm_autoscale2').serviceNameTag ?? '', '', 'serviceNameTag')
    t.equal(props("stream\n    |from()\n    |ec2Autoscale()\n        .groupName('asg')" + autoscaleTail, 'ec2_autoscale2').groupNameTag ?? '', '', 'groupNameTag')
  })
  // validate() of the three autoscale nodes
  t.test('autoscale nodes need exactly one of name / name tag', async (t) => {
    for (const [method, want] of [
      ['k8sAutoscale', 'must specify exactly one of ResourceName or ResourceNameTag'],
      ['swarmAutoscale', 'must specify exactly one of ServiceName or ServiceNameTag'],
      ['ec2Autoscale', 'must specify exactly one of GroupName or GroupNameTag'],
    ] as const) {
      const r = define(`stream\n    |from()\n    |${method}()` + autoscaleTail)
      t.notOk(r.ok, `${method} without a name is refused`)
      if (!r.ok) t.match(r.error, want, 'message')
    }
  })
  t.test("k8sAutoscale kind must be deployments, replicasets or replicationcontrollers", async (t) => {
    const r = define("stream\n    |from()\n    |k8sAutoscale()\n        .resourceName('web')\n        .kind('pods')" + autoscaleTail)
    t.notOk(r.ok, 'refused')
    if (!r.ok) t.match(r.error, "invalid Kind, must be 'deployments', 'replicasets' or 'replicationcontrollers', got pods", 'message')
  })
  t.test('autoscale min < 1 is reported as Kapacitor words it; max < min is not a define-time error', async (t) => {
    const r = define("stream\n    |from()\n    |k8sAutoscale()\n        .resourceName('web')\n        .min(0)" + autoscaleTail)
    if (!r.ok) t.match(r.error, 'min must be >= 1, got 0', 'message')
    else t.fail('min 0 accepted')
    t.ok(define("stream\n    |from()\n    |k8sAutoscale()\n        .resourceName('web')\n        .min(5)\n        .max(2)" + autoscaleTail).ok, 'max < min accepted')
  })

  // pipeline/alert.go: `func (s *SensuHandler) Metadata(key string, value interface{})`; tick/alert_test.go
  // TestAlertSensu formats `.metadata('k2', 5)` and `.metadata('k3', 5.0)`
  t.test('sensu .metadata() takes int and float values', async (t) => {
    const r = define("stream\n    |from()\n    |alert()\n        .sensu()\n        .metadata('k1', 'v1')\n        .metadata('k2', 5)\n        .metadata('k3', 5.0)\n")
    t.ok(r.ok, r.ok ? 'accepted' : r.error)
  })
  // pipeline/alert.go: `func (n *AlertNodeData) Post(urls ...string)` keeps urls[0]
  t.test('alert .post() takes any number of URLs (the first is used)', async (t) => {
    const r = define("stream\n    |from()\n    |alert()\n        .post('http://a.example.com', 'http://b.example.com')\n")
    t.ok(r.ok, r.ok ? 'accepted' : r.error)
  })
  // pipeline/alert.go: `a.Service = service`, `s.HandlersList = handlers`, `og.TeamsList = teams`,
  // `og.RecipientsList = recipients` — these list properties replace; only email's `.to()` appends
  t.test('alerta .services(), sensu .handlers(), opsGenie/opsGenie2 .teams()/.recipients() replace the list', async (t) => {
    for (const [handler, prop] of [
      ['alerta', 'services'], ['sensu', 'handlers'], ['opsGenie', 'teams'], ['opsGenie', 'recipients'], ['opsGenie2', 'teams'], ['opsGenie2', 'recipients'],
    ] as const) {
      const r = define(`stream\n    |from()\n    |alert()\n        .${handler}()\n        .${prop}('a', 'b')\n        .${prop}('c')\n`)
      t.ok(r.ok, `${handler}.${prop} accepted`)
      if (r.ok) {
        const h = (r.json.nodes[2]!.handlers as { properties: Record<string, unknown> }[])[0]!
        t.same(h.properties[prop], ['c'], `${handler}.${prop}`)
      }
    }
  })

  // pipeline/node.go Deadman: `dn := n.Stats(interval).Align().Derivative("emitted").NonNegative()`
  t.test("deadman's stats node is aligned", async (t) => {
    const r = define("var data = stream\n    |from()\n\ndata\n    |httpOut('x')\n\ndata\n    |deadman(10.0, 1m)\n")
    t.ok(r.ok)
    if (r.ok) t.equal((r.json.nodes.find((n) => n.type === 'stats')!.properties as Record<string, unknown>).align, true, 'stats align')
  })
  // pipeline/node.go Stats: "If the source node does not have any children add a NoOpNode" (n.linkChild(noop),
  // after addSource(stats) assigned the stats id) — so |stats()/|deadman() on a childless node adds noop<id>
  t.test('stats/deadman on a childless node links a noop child to it', async (t) => {
    const r = define("var data = stream\n    |from()\n\ndata\n    |stats(10s)\n    |httpOut('x')\n")
    t.ok(r.ok)
    if (r.ok) {
      t.same(r.json.nodes.map((n) => n.name), ['stream0', 'from1', 'stats2', 'noop3', 'http_out4'], 'node names')
      t.match(r.dot, 'from1 -> noop3;', 'DOT edge to the noop')
    }
  })

  // pipeline/influxql.go holtWinters(): "Always use point times for Holt Winters" — `i.PointTimes = true`,
  // so the node's usePointTimes property (Kapacitor's JSON "usePointTimes") is true without the call
  t.test('holtWinters / holtWintersWithFit have usePointTimes set', async (t) => {
    const r = define("batch\n    |query('SELECT mean(\"v\") FROM \"db\".\"rp\".\"m\"')\n        .period(1h)\n        .every(1m)\n    |holtWinters('mean', 5, 0, 1m)\n    |holtWintersWithFit('holtWinters', 5, 0, 1m)\n")
    t.ok(r.ok)
    if (r.ok) {
      for (const n of r.json.nodes.filter((n) => String(n.type).startsWith('holtWinters'))) {
        t.equal((n.properties as Record<string, unknown>).usePointTimes, true, `${String(n.name)} usePointTimes`)
      }
    }
  })
})
