/**
 * The design doc's streamer `--where` is written the InfluxQL way (`cpu = 'cpu-total'
 * and host <> 'a'`): bare names are tags or fields, `=` is equality, `<>` is `!=`,
 * `and`/`or` in any case. This rewrites it into a TICKscript lambda body; a where already
 * in TICKscript form (`"cpu" == 'cpu-total' AND …`) comes out unchanged.
 */
const KEYWORDS: Readonly<Record<string, string>> = { and: 'AND', or: 'OR', true: 'TRUE', false: 'FALSE', not: '!' }

export function streamerWhereToLambda(where: string): string {
  let out = ''
  let i = 0
  const n = where.length
  while (i < n) {
    const c = where[i]!
    if (c === "'" || c === '"') {
      // a string or a quoted reference: copied with its escapes
      let j = i + 1
      while (j < n && where[j] !== c) j += where[j] === '\\' ? 2 : 1
      out += where.slice(i, j + 1)
      i = j + 1
    } else if (c === '/' && /(^|[=!~(,]\s*)$/.test(out)) {
      // a regex literal after =~ / !~
      let j = i + 1
      while (j < n && where[j] !== '/') j += where[j] === '\\' ? 2 : 1
      out += where.slice(i, j + 1)
      i = j + 1
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < n && /[A-Za-z0-9_.\-]/.test(where[j]!) && !(where[j] === '-' && !/[A-Za-z0-9_]/.test(where[j + 1] ?? ''))) j++
      const word = where.slice(i, j)
      const kw = KEYWORDS[word.toLowerCase()]
      if (kw !== undefined) out += kw
      else if (where[j] === '(') out += word // a function call: sigma(…), strContains(…)
      else out += JSON.stringify(word)
      i = j
    } else if (c === '<' && where[i + 1] === '>') {
      out += '!='
      i += 2
    } else if (c === '=' && where[i + 1] !== '=' && where[i + 1] !== '~' && !/[=!<>]/.test(where[i - 1] ?? '')) {
      out += '=='
      i++
    } else {
      out += c
      i++
    }
  }
  return out
}
