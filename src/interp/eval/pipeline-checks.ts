/**
 * Checks made on the evaluated pipeline, one function per rule: the edge types along every
 * parent → child link (Kapacitor's "cannot add child mismatched edges"), then each node
 * spec's own validation (pipeline.go validates every node when the pipeline is created).
 */
import type { Loc } from '../ast.js'
import type { TickProblem } from '../errors.js'
import { acceptsEdge, outputEdge, type EdgeType } from '../../nodes/index.js'
import type { NodeBuilder } from './values.js'

export interface Edges { readonly input: Map<NodeBuilder, EdgeType | null>; readonly output: Map<NodeBuilder, EdgeType | null> }

const edgeText = (e: EdgeType | null | 'any'): string => e ?? 'noedge'

function at(loc: Loc | undefined, message: string): TickProblem {
  return { line: loc?.start.line ?? 1, column: loc?.start.column ?? 1, message }
}

/** Resolves each node's input and output edge (creation order is a topological order) and reports mismatches. */
export function checkEdges(nodes: readonly NodeBuilder[], report: (p: TickProblem) => void): Edges {
  const input = new Map<NodeBuilder, EdgeType | null>()
  const output = new Map<NodeBuilder, EdgeType | null>()
  for (const n of nodes) {
    let inEdge: EdgeType | null = null
    if (n.parents.length === 0) {
      // roots provide their own edge; a stats node (a source of the pipeline) provides stream
      inEdge = null
    } else {
      for (const p of n.parents) {
        const out = output.get(p) ?? null
        if (out === null) {
          // the noop Kapacitor links to a childless watched node: refused only when the task starts (checkAtStart)
          if (n.spec.internal && n.implicit) continue
          report(at(n.loc, `cannot add child no edge expected: ${p.name}:${edgeText(out)} -> ${n.name}:${edgeText(n.spec.wants === 'none' ? null : n.spec.wants)}`))
          continue
        }
        if (!acceptsEdge(n.spec, out)) {
          report(at(n.loc, `cannot add child mismatched edges: ${p.name}:${out} -> ${n.name}:${edgeText(n.spec.wants === 'none' ? null : n.spec.wants)}`))
        } else if (inEdge !== null && out !== inEdge) {
          // a node of several parents (join, union) wants what its first parent provides
          report(at(n.loc, `cannot add child mismatched edges: ${p.name}:${out} -> ${n.name}:${inEdge}`))
        }
        inEdge ??= out
      }
    }
    input.set(n, inEdge)
    const wanted = n.spec.wants === 'stream' || n.spec.wants === 'batch' ? n.spec.wants : null
    output.set(n, outputEdge(n.spec, inEdge ?? wanted))
  }
  return { input, output }
}

/** Each node spec's validate(), located at the node's chaining call (or the property call it names). */
export function checkNodes(nodes: readonly NodeBuilder[], edges: Edges, report: (p: TickProblem) => void): void {
  for (const n of nodes) {
    const v = n.spec.validate
    if (!v) continue
    v({ spec: n.spec, args: n.args, props: n.props, handlers: n.handlers, input: edges.input.get(n) ?? null, ...(n.loc ? { loc: n.loc } : {}) },
      (message, loc) => report(at(loc ?? n.loc, message)))
  }
}
