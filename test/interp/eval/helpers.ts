/** Test helpers for the evaluator: fixture lists and a comparable view of a pipeline. */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { pipelineJSON, type PipelineDef } from '../../../src/interp/eval/pipeline-def.js'

export const tickDir = fileURLToPath(new URL('../../../../test/fixtures/tick/', import.meta.url))
export const evalDir = fileURLToPath(new URL('../../../../test/fixtures/tick-eval/', import.meta.url))
export const goldenDir = `${evalDir}golden/`

export function fixtures(dir: string): { name: string; source: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tick'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'.tick'.length), source: readFileSync(dir + f, 'utf8') }))
}

/** The pipeline JSON without source positions and evaluator marks (for comparing two dialects). */
export function comparable(p: PipelineDef): unknown {
  return pipelineJSON(p).nodes.map((n) => {
    const { line: _l, char: _c, implicit: _i, ...rest } = n
    return rest
  })
}
