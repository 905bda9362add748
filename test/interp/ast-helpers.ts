/** Test helpers for the TICKscript front: ASTs without locations, fixture paths. */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** A deep copy of an AST with every `loc`/`typeLoc` removed (bigints kept). */
export function stripLoc(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripLoc)
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(x)) {
      if (k === 'loc' || k === 'typeLoc') continue
      out[k] = stripLoc(v)
    }
    return out
  }
  return x
}

/** Same, and also without `comment` and literal spelling (`text`), for round-trip equality. */
export function stripForRoundTrip(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripForRoundTrip)
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(x)) {
      if (k === 'loc' || k === 'typeLoc' || k === 'text') continue
      out[k] = stripForRoundTrip(v)
    }
    return out
  }
  return x
}

export const tickFixtureDir = fileURLToPath(new URL('../../../test/fixtures/tick/', import.meta.url))

export function tickFixtures(): { name: string; source: string }[] {
  return readdirSync(tickFixtureDir)
    .filter((f) => f.endsWith('.tick'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'.tick'.length), source: readFileSync(tickFixtureDir + f, 'utf8') }))
}
