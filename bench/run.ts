/**
 * Runs every benchmark scenario (each top-level `bench/<name>.ts`, compiled to
 * `dist/bench/<name>.js`) in sequence, each in its own child process, and passes
 * their figure lines (one JSON object per line) through to stdout; their progress
 * output goes to stderr. A scenario that fails is reported on stderr and the run
 * exits non-zero after the others have run.
 *
 * usage: node dist/bench/run.js [name ...]     (default: all, `parse` first)
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { benchDir, repoRoot } from './lib/procs.js'

const ORDER = ['parse', 'ingest', 'small-writes', 'udp']

function scenarios(): string[] {
  const names = readdirSync(benchDir)
    .filter((f) => f.endsWith('.js') && f !== 'run.js')
    .map((f) => f.slice(0, -3))
    // only scenarios whose source still exists (dist may hold stale files)
    .filter((n) => existsSync(join(repoRoot, 'bench', `${n}.ts`)))
  const rank = (n: string) => { const i = ORDER.indexOf(n); return i < 0 ? ORDER.length : i }
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}

function runOne(name: string): Promise<number> {
  return new Promise((resolveRun) => {
    process.stderr.write(`[bench] == ${name}\n`)
    const child = spawn(process.execPath, [join(benchDir, `${name}.js`)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let buf = ''
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString('utf8')
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        if (line.trim() === '') continue
        // figures pass through as they are; anything else is not a figure: stderr
        if (line.startsWith('{')) process.stdout.write(line + '\n')
        else process.stderr.write(`[${name}] ${line}\n`)
      }
    })
    child.on('close', (code, signal) => {
      const rest = buf.trim()
      if (rest !== '') (rest.startsWith('{') ? process.stdout : process.stderr).write(rest + '\n')
      resolveRun(code ?? (signal ? 1 : 0))
    })
    child.on('error', (e) => { process.stderr.write(`[bench] ${name}: ${e.message}\n`); resolveRun(1) })
  })
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2)
  const all = scenarios()
  const list = wanted.length > 0 ? all.filter((n) => wanted.includes(n)) : all
  const failed: string[] = []
  for (const name of list) {
    const code = await runOne(name)
    if (code !== 0) { failed.push(name); process.stderr.write(`[bench] ${name} failed (exit ${code})\n`) }
  }
  if (failed.length > 0) {
    process.stderr.write(`[bench] failed: ${failed.join(', ')}\n`)
    process.exitCode = 1
  }
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
