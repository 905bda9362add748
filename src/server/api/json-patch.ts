/**
 * JSON Patch (RFC 6902) over plain JSON values, for `PATCH …/handlers/<id>`: operations
 * add, remove, replace, move, copy and test, paths as JSON Pointers (RFC 6901). The
 * document is not modified; a new one is returned.
 */
export class JsonPatchError extends Error {}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

function parsePointer(path: unknown): string[] {
  if (typeof path !== 'string') throw new JsonPatchError('operation path must be a string')
  if (path === '') return []
  if (!path.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer ${JSON.stringify(path)}`)
  return path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

const clone = <T>(v: T): T => structuredClone(v)

function isObject(v: Json): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function arrayIndex(arr: Json[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return arr.length
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new JsonPatchError(`invalid array index ${JSON.stringify(token)}`)
  const i = Number(token)
  if (i > arr.length || (!forAdd && i === arr.length)) throw new JsonPatchError(`array index ${i} out of bounds`)
  return i
}

/** the container of the pointer's last token */
function parentOf(doc: Json, tokens: string[], path: string): Json {
  let cur = doc
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)]!
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t]!
    else throw new JsonPatchError(`path ${JSON.stringify(path)} does not exist`)
  }
  return cur
}

function get(doc: Json, path: string): Json {
  const tokens = parsePointer(path)
  if (tokens.length === 0) return doc
  const parent = parentOf(doc, tokens, path)
  const last = tokens[tokens.length - 1]!
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false)]!
  if (isObject(parent) && Object.hasOwn(parent, last)) return parent[last]!
  throw new JsonPatchError(`path ${JSON.stringify(path)} does not exist`)
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path)
  if (tokens.length === 0) return value
  const parent = parentOf(doc, tokens, path)
  const last = tokens[tokens.length - 1]!
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value)
  else if (isObject(parent)) parent[last] = value
  else throw new JsonPatchError(`path ${JSON.stringify(path)} does not exist`)
  return doc
}

function remove(doc: Json, path: string): Json {
  const tokens = parsePointer(path)
  if (tokens.length === 0) throw new JsonPatchError('cannot remove the whole document')
  const parent = parentOf(doc, tokens, path)
  const last = tokens[tokens.length - 1]!
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false), 1)
  else if (isObject(parent) && Object.hasOwn(parent, last)) delete parent[last]
  else throw new JsonPatchError(`path ${JSON.stringify(path)} does not exist`)
  return doc
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!))
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k]!, b[k]!))
  }
  return false
}

export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new JsonPatchError('a patch must be a list of operations')
  let doc = clone(document) as Json
  for (const raw of patch) {
    if (typeof raw !== 'object' || raw === null) throw new JsonPatchError('an operation must be an object')
    const op = raw as { op?: unknown; path?: unknown; from?: unknown; value?: unknown }
    const path = op.path as string
    const needValue = (): Json => {
      if (!('value' in op)) throw new JsonPatchError(`operation ${String(op.op)} needs a value`)
      return clone(op.value) as Json
    }
    switch (op.op) {
      case 'add': doc = add(doc, path, needValue()); break
      case 'remove': doc = remove(doc, path); break
      case 'replace': get(doc, path); doc = path === '' ? needValue() : add(remove(doc, path), path, needValue()); break
      case 'move': { const v = get(doc, op.from as string); doc = add(remove(doc, op.from as string), path, v); break }
      case 'copy': doc = add(doc, path, clone(get(doc, op.from as string))); break
      case 'test': if (!deepEqual(get(doc, path), needValue())) throw new JsonPatchError(`test failed at ${JSON.stringify(path)}`); break
      default: throw new JsonPatchError(`unknown operation ${JSON.stringify(op.op)}`)
    }
  }
  return doc
}
