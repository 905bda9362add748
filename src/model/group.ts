/**
 * Groups (DESIGN "Group"): the dimensions a node groups by and the key of one group.
 * Kapacitor's group id is `[name\n]k=v,k=v` over the sorted dimension tag names; the
 * empty string is the nil group. Groups are built once per distinct series at the node
 * that sets the dimensions (a cache keyed by the parser's shared tags object) and then
 * travel by reference on every message, so no node sorts tags or builds keys per point.
 */
import type { Tags } from './point.js'

export interface Dimensions {
  /** the measurement is part of the key (`groupByMeasurement`, `byMeasurement`) */
  readonly byName: boolean
  /** sorted tag names */
  readonly tagNames: readonly string[]
}

export interface Group {
  /** Kapacitor's GroupID; '' = the nil group */
  readonly id: string
  /** the values of the dimension tags (only those) */
  readonly tags: Tags
  readonly dims: Dimensions
}

const EMPTY_TAGS: Tags = Object.freeze({})
export const NO_DIMENSIONS: Dimensions = Object.freeze({ byName: false, tagNames: Object.freeze([]) as readonly string[] })
export const NIL_GROUP: Group = Object.freeze({ id: '', tags: EMPTY_TAGS, dims: NO_DIMENSIONS })

export function dimensions(tagNames: readonly string[], byName = false): Dimensions {
  return Object.freeze({ byName, tagNames: Object.freeze([...new Set(tagNames)].sort()) })
}

/** Kapacitor's models.ToGroupID. */
export function groupId(name: string, tags: Tags, dims: Dimensions): string {
  const names = dims.tagNames
  if (names.length === 0) return dims.byName ? name : ''
  let id = dims.byName ? `${name}\n` : ''
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!
    id += (i === 0 ? '' : ',') + k + '=' + (tags[k] ?? '')
  }
  return id
}

/** The group tags: the dimension tags of `tags` (missing ones as ''). */
export function groupTags(tags: Tags, dims: Dimensions): Tags {
  if (dims.tagNames.length === 0) return EMPTY_TAGS
  const out: Record<string, string> = {}
  for (const k of dims.tagNames) out[k] = tags[k] ?? ''
  return Object.freeze(out)
}

export function makeGroup(name: string, tags: Tags, dims: Dimensions): Group {
  if (dims.tagNames.length === 0 && !dims.byName) return NIL_GROUP
  return Object.freeze({ id: groupId(name, tags, dims), tags: groupTags(tags, dims), dims })
}

/**
 * What a group cache keeps per tags object: usually one slot (a series has one measurement);
 * a chain only when one tags object is seen under several measurements and the
 * measurement is part of the group. A slot is far smaller than a Map per series.
 */
interface Slot { readonly name: string; readonly group: Group; next: Slot | undefined }

function lookup(slot: Slot | undefined, name: string, byName: boolean): Group | undefined {
  for (let s = slot; s !== undefined; s = s.next) if (!byName || s.name === name) return s.group
  return undefined
}

/**
 * One node's cache of groups for fixed dimensions: the same (name, tags object) gives the
 * same Group object without building a key. The parser shares one frozen tags object per
 * series, so for stream data this is one WeakMap hit per point. Groups with equal ids are
 * interned, so `a === b` holds for equal groups made from different tags objects.
 */
export class GroupCache {
  private readonly byTags = new WeakMap<Tags, Slot>()
  private readonly byId = new Map<string, Group>()
  constructor(readonly dims: Dimensions) {}

  get(name: string, tags: Tags): Group {
    const d = this.dims
    if (d.tagNames.length === 0 && !d.byName) return NIL_GROUP
    const first = this.byTags.get(tags)
    const hit = lookup(first, name, d.byName)
    if (hit !== undefined) return hit
    const id = groupId(name, tags, d)
    let g = this.byId.get(id)
    if (g === undefined) {
      g = Object.freeze({ id, tags: groupTags(tags, d), dims: d })
      this.byId.set(id, g)
    }
    this.byTags.set(tags, { name, group: g, next: first })
    return g
  }

  /** Forgets a deleted group so that its id map does not grow with churn. */
  forget(id: string): void {
    this.byId.delete(id)
  }
}

/**
 * Groups for `groupBy(*)`: the dimensions are every tag of each point (minus `exclude`),
 * so they are derived per distinct tags object and cached like GroupCache does.
 */
export class StarGroupCache {
  private readonly byTags = new WeakMap<Tags, Slot>()
  private readonly byId = new Map<string, Group>()
  private readonly dimsByKey = new Map<string, Dimensions>()
  constructor(readonly byName: boolean, readonly exclude: ReadonlySet<string> = new Set()) {}

  get(name: string, tags: Tags): Group {
    const first = this.byTags.get(tags)
    const hit = lookup(first, name, this.byName)
    if (hit !== undefined) return hit
    const names = Object.keys(tags).filter((k) => !this.exclude.has(k)).sort()
    const dimKey = names.join(',')
    let dims = this.dimsByKey.get(dimKey)
    if (dims === undefined) {
      dims = Object.freeze({ byName: this.byName, tagNames: Object.freeze(names) })
      this.dimsByKey.set(dimKey, dims)
    }
    let g: Group
    if (names.length === 0 && !this.byName) g = NIL_GROUP
    else {
      const id = groupId(name, tags, dims)
      const known = this.byId.get(id)
      if (known === undefined) {
        g = Object.freeze({ id, tags: groupTags(tags, dims), dims })
        this.byId.set(id, g)
      } else g = known
    }
    this.byTags.set(tags, { name, group: g, next: first })
    return g
  }

  forget(id: string): void {
    this.byId.delete(id)
  }
}

/** A GroupCache or StarGroupCache for a node's `groupBy(tags… | *)` / `.exclude()` / byMeasurement. */
export function groupCacheFor(tags: readonly string[], byName: boolean, exclude: readonly string[] = []): GroupCache | StarGroupCache {
  return tags.includes('*') ? new StarGroupCache(byName, new Set(exclude)) : new GroupCache(dimensions(tags, byName))
}
