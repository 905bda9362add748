/**
 * The database and retention policy of a query's one FROM source, which a stream
 * recording of a query stores with its points (Kapacitor: "could not determine database
 * and retention policy. Is the query fully qualified?" when the query does not say).
 * Reads InfluxQL's `FROM [[db.]rp.]measurement` with bare or double-quoted identifiers;
 * `db..m` names the database and leaves the retention policy to the caller's default.
 */

export interface QuerySource {
  readonly db: string
  readonly rp: string
  readonly measurement: string
}

const BARE = /[A-Za-z_][A-Za-z0-9_]*/y

/** Offset just after the FROM keyword (outside strings and quoted identifiers), or -1. */
function afterFrom(q: string): number {
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!
    if (c === "'" || c === '"') {
      // skip to the closing quote (backslash escapes)
      for (i++; i < q.length && q[i] !== c; i++) if (q[i] === '\\') i++
      continue
    }
    if ((c === 'f' || c === 'F') && /^from$/i.test(q.slice(i, i + 4)) && !/\w/.test(q[i - 1] ?? ' ') && !/\w/.test(q[i + 4] ?? ' ')) return i + 4
  }
  return -1
}

/** The segments of `[[db.]rp.]m` from `i` ('' for an empty one), or null when the source is not a plain name (a regex, a subquery). */
function segments(q: string, i: number): { parts: string[]; end: number } | null {
  const parts: string[] = []
  for (;;) {
    let part = ''
    if (q[i] === '"') {
      let j = i + 1
      for (; j < q.length && q[j] !== '"'; j++) {
        if (q[j] === '\\' && j + 1 < q.length) j++
        part += q[j]
      }
      if (j >= q.length) return null
      i = j + 1
    } else {
      BARE.lastIndex = i
      const m = BARE.exec(q)
      if (m) {
        part = m[0]
        i = BARE.lastIndex
      } else if (q[i] !== '.') {
        return null
      }
    }
    parts.push(part)
    if (q[i] !== '.' || parts.length === 3) return { parts, end: i }
    i++
  }
}

/** The FROM source of a SELECT when there is exactly one and it is a plain measurement name. */
export function querySource(query: string): QuerySource | undefined {
  let i = afterFrom(query)
  if (i < 0) return undefined
  while (/\s/.test(query[i] ?? '')) i++
  const s = segments(query, i)
  if (!s) return undefined
  let j = s.end
  while (/\s/.test(query[j] ?? '')) j++
  if (query[j] === ',') return undefined
  const p = s.parts
  if (p.length === 3) return { db: p[0]!, rp: p[1]!, measurement: p[2]! }
  if (p.length === 2) return { db: '', rp: p[0]!, measurement: p[1]! }
  return { db: '', rp: '', measurement: p[0]! }
}
