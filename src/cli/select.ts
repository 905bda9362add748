/**
 * Turning id-or-glob arguments into the tasks or templates they name. A glob is
 * resolved by listing (`?pattern=`, pages of 100, links only) as Kapacitor's CLI does;
 * a plain id is used as it is, so that a missing task is reported by the server.
 */
import { isGlob } from './argv.js'
import type { KapacitorClient, ListOptions } from './client.js'

export interface Selected {
  id: string
  /** The API path of the object. */
  path: string
}

const PAGE = 100

export type Kind = 'tasks' | 'templates'

async function listAll(client: KapacitorClient, kind: Kind, pattern: string): Promise<Selected[]> {
  const out: Selected[] = []
  for (let offset = 0; ; offset += PAGE) {
    const opts: ListOptions = { pattern, fields: ['link'], offset, limit: PAGE }
    const page = kind === 'tasks' ? await client.listTasks(opts) : await client.listTemplates(opts)
    for (const o of page) out.push({ id: o.id, path: o.link?.href ?? pathOf(client, kind, o.id) })
    if (page.length < PAGE) return out
  }
}

function pathOf(client: KapacitorClient, kind: Kind, id: string): string {
  return kind === 'tasks' ? client.taskPath(id) : client.templatePath(id)
}

export async function select(client: KapacitorClient, kind: Kind, args: readonly string[]): Promise<Selected[]> {
  const out: Selected[] = []
  for (const a of args) {
    if (isGlob(a)) out.push(...(await listAll(client, kind, a)))
    else out.push({ id: a, path: pathOf(client, kind, a) })
  }
  return out
}
