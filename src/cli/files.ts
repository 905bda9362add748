/** Reading the files verbs are given (`-tick`, `-vars`, `-file`), with the path in the error. */
import { readFileSync } from 'node:fs'

export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ENOENT') throw new Error(`open ${path}: no such file or directory`)
    if (e.code === 'EISDIR') throw new Error(`read ${path}: is a directory`)
    if (e.code === 'EACCES') throw new Error(`open ${path}: permission denied`)
    throw new Error(`cannot read ${path}: ${e.message}`)
  }
}
