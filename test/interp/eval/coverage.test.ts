/**
 * Every registered node type (internal ones aside) and every alert handler must appear
 * in at least one accepted golden (test/fixtures/tick-eval/golden/*.pipeline.json of a
 * fixture that still exists), so a new node type or handler comes with a fixture.
 * A node type that expands into others (`deadman` = stats|derivative|alert) counts when
 * a node of the last type has, up its single-parent chain, implicit nodes of the others.
 */
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { ALERT_HANDLERS, NODE_SPECS, type NodeSpec } from '../../../src/nodes/index.js'
import { evalDir, fixtures, goldenDir, tickDir } from './helpers.js'

interface GoldenNode {
  name: string
  type: string
  parents: string[]
  implicit?: boolean
  handlers?: { handler: string }[]
}

const goldens: { file: string; nodes: GoldenNode[] }[] = []
for (const [dirName, dir] of [['tick', tickDir], ['eval', evalDir]] as const) {
  for (const { name } of fixtures(dir)) {
    const file = `${dirName}.${name}.pipeline.json`
    if (!existsSync(goldenDir + file)) continue // refused script (.errors) or not generated yet
    goldens.push({ file, nodes: (JSON.parse(readFileSync(goldenDir + file, 'utf8')) as { nodes: GoldenNode[] }).nodes })
  }
}

/** Does `nodes` hold the expansion of `spec` (its expandsTo types, implicit, parent to child)? */
function hasExpansion(spec: NodeSpec, nodes: GoldenNode[]): boolean {
  const chain = spec.expandsTo!
  const byName = new Map(nodes.map((n) => [n.name, n]))
  return nodes.some((last) => {
    if (last.type !== chain[chain.length - 1]) return false
    let n = last
    for (let i = chain.length - 2; i >= 0; i--) {
      const p = n.parents.length === 1 ? byName.get(n.parents[0]!) : undefined
      if (!p || p.type !== chain[i] || !p.implicit) return false
      n = p
    }
    return true
  })
}

t.test('goldens exist', async (t) => {
  t.ok(goldens.length >= 20, `${goldens.length} accepted goldens`)
})

t.test('every non-internal node type appears in an accepted golden', async (t) => {
  for (const spec of NODE_SPECS) {
    if (spec.internal) continue
    const where = goldens.find((g) => (spec.expandsTo ? hasExpansion(spec, g.nodes) : g.nodes.some((n) => n.type === spec.name)))
    t.ok(where, `${spec.name}${where ? ` in ${where.file}` : ': no accepted golden uses it — add a fixture under test/fixtures/tick-eval/'}`)
  }
})

t.test('every alert handler appears in an accepted golden', async (t) => {
  for (const h of ALERT_HANDLERS) {
    const where = goldens.find((g) => g.nodes.some((n) => n.handlers?.some((x) => x.handler === h.name)))
    t.ok(where, `.${h.name}()${where ? ` in ${where.file}` : ': no accepted golden uses it — add it to a fixture under test/fixtures/tick-eval/'}`)
  }
})
