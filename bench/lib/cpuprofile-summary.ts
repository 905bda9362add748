/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. a bench run with
 * BENCH_CPU_PROF=<dir>): the functions with the most self time, and the most
 * inclusive time, each as a share of the busy (non-idle) samples.
 *
 * usage: node dist/bench/lib/cpuprofile-summary.js <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { repoRoot } from './procs.js'

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[]; hitCount?: number }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function label(cf: CallFrame): string {
  const url = cf.url.startsWith('file://') ? relative(repoRoot, new URL(cf.url).pathname) : cf.url
  return `${cf.functionName || '(anonymous)'} ${url ? `${url}:${cf.lineNumber + 1}` : ''}`.trim()
}

function main(): void {
  const file = process.argv[2]
  const top = Number(process.argv[3] ?? 25)
  if (!file) throw new Error('usage: cpuprofile-summary <file.cpuprofile> [top]')
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  // time per sample = the next delta (µs)
  const selfTime = new Map<number, number>()
  let total = 0
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0
    selfTime.set(p.samples[i], (selfTime.get(p.samples[i]) ?? 0) + dt)
    total += dt
  }
  const self = new Map<string, number>()
  const incl = new Map<string, number>()
  for (const [id, t] of selfTime) {
    const n = byId.get(id)
    if (!n) continue
    const l = label(n.callFrame)
    self.set(l, (self.get(l) ?? 0) + t)
    // inclusive: every distinct label on the stack once
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cl = label(byId.get(cur)!.callFrame)
      if (seen.has(cl)) continue
      seen.add(cl)
      incl.set(cl, (incl.get(cl) ?? 0) + t)
    }
  }
  // Shares of busy time: everything but (idle), i.e. of the CPU the process actually used.
  const busy = total - (self.get('(idle)') ?? 0)
  const pct = (t: number) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`
  const print = (title: string, m: Map<string, number>) => {
    process.stdout.write(`${title}, as shares of busy time (${(busy / 1e6).toFixed(2)} s busy of ${(total / 1e6).toFixed(2)} s sampled)\n`)
    for (const [l, t] of [...m].filter(([l]) => l !== '(idle)' && l !== '(root)').sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${pct(t)}  ${l}\n`)
  }
  print('self time', self)
  print('inclusive time', incl)
}

main()
