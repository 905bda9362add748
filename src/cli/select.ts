/**
 * Turning id-or-glob arguments into the objects they name. A glob is resolved by
 * listing (`?pattern=`, pages of 100, links only) as Kapacitor's CLI does; a plain id is
 * used as it is, so that a missing object is reported by the server.
 */
import { isGlob } from './argv.js'
import type { KapacitorClient, Link, ListOptions } from './client.js'

export interface Selected {
  id: string
  /** The API path of the object. */
  path: string
}

export type Kind = 'tasks' | 'templates' | 'recordings' | 'replays'

interface KindApi {
  list(client: KapacitorClient, opts: ListOptions): Promise<Array<{ id: string; link?: Link }>>
  path(client: KapacitorClient, id: string): string
}

export const KINDS: Readonly<Record<Kind, KindApi>> = {
  tasks: { list: (c, o) => c.listTasks(o), path: (c, id) => c.taskPath(id) },
  templates: { list: (c, o) => c.listTemplates(o), path: (c, id) => c.templatePath(id) },
  recordings: { list: (c, o) => c.listRecordings(o), path: (c, id) => c.recordingPath(id) },
  replays: { list: (c, o) => c.listReplays(o), path: (c, id) => c.replayPath(id) },
}

export function isKind(s: string): s is Kind {
  return Object.prototype.hasOwnProperty.call(KINDS, s)
}

const PAGE = 100

/** Every object of `kind` whose id matches `pattern` ('' = all), page by page. */
export async function listAll<T>(fetchPage: (o: ListOptions) => Promise<T[]>, pattern: string, fields: readonly string[]): Promise<T[]> {
  const out: T[] = []
  for (let offset = 0; ; offset += PAGE) {
    const page = await fetchPage({ pattern, fields, offset, limit: PAGE })
    out.push(...page)
    if (page.length < PAGE) return out
  }
}

export async function select(client: KapacitorClient, kind: Kind, args: readonly string[]): Promise<Selected[]> {
  const api = KINDS[kind]
  const out: Selected[] = []
  for (const a of args) {
    if (!isGlob(a)) {
      out.push({ id: a, path: api.path(client, a) })
      continue
    }
    for (const o of await listAll((opts) => api.list(client, opts), a, ['link'])) {
      out.push({ id: o.id, path: o.link?.href ?? api.path(client, o.id) })
    }
  }
  return out
}
