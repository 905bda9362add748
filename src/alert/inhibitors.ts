/**
 * Inhibition (Kapacitor's alert/inhibit.go): an alert node with `.inhibit(category,
 * equalTags…)` holds one inhibitor per group, keyed by the category and the group's values
 * of the equal tags. While that group's level is not OK the inhibitor is active, and the
 * events of alert nodes with `.category(category)` — in any task — whose tags carry the
 * same values are inhibited: they are neither published to their topic nor sent to a
 * handler. The registry is daemon-wide; alert nodes reach it through their AlertPublisher.
 */
import type { Tags } from '../model/point.js'

export class Inhibitor {
  /** set while the inhibiting group is not OK */
  active = false

  constructor(readonly category: string, readonly tags: Readonly<Record<string, string>>) {}

  /** Whether an event of `category` with `tags` is held back by this inhibitor now. */
  inhibits(category: string, tags: Tags): boolean {
    if (!this.active || category !== this.category) return false
    for (const k in this.tags) {
      // a tag the event lacks reads as '' (Go's map lookup), as Kapacitor compares
      if ((tags[k] ?? '') !== this.tags[k]) return false
    }
    return true
  }
}

/** The inhibitor of a group: the category and the group's values of `equalTags` ('' for a tag it lacks). */
export function inhibitorFor(category: string, equalTags: readonly string[], tags: Tags): Inhibitor {
  const own: Record<string, string> = {}
  for (const k of equalTags) own[k] = tags[k] ?? ''
  return new Inhibitor(category, own)
}

export class InhibitorRegistry {
  private readonly byCategory = new Map<string, Set<Inhibitor>>()

  add(i: Inhibitor): void {
    let set = this.byCategory.get(i.category)
    if (set === undefined) {
      set = new Set()
      this.byCategory.set(i.category, set)
    }
    set.add(i)
  }

  remove(i: Inhibitor): void {
    const set = this.byCategory.get(i.category)
    if (set === undefined) return
    set.delete(i)
    if (set.size === 0) this.byCategory.delete(i.category)
  }

  /** Whether an active inhibitor of `category` matches `tags`. */
  isInhibited(category: string, tags: Tags): boolean {
    const set = this.byCategory.get(category)
    if (set === undefined) return false
    for (const i of set) if (i.inhibits(category, tags)) return true
    return false
  }

  /** registered inhibitors (stats, tests) */
  get size(): number {
    let n = 0
    for (const s of this.byCategory.values()) n += s.size
    return n
  }
}
