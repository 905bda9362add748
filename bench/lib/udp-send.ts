/**
 * UDP load generator, run as its own process. Packs the lines of a file into
 * datagrams of at most `maxBytes` (whole `\n`-terminated lines each, as many as fit),
 * then sends them cyclically to 127.0.0.1:<port> at `rate` datagrams/s (0 = as fast
 * as the socket takes them) for `durationS` seconds. Prints one JSON line:
 * `{sent, lines, bytes, elapsed_s, send_errors, lines_per_datagram}`.
 *
 * usage: node udp-send.js '{"port":8089,"linesFile":"...","rate":25000,"durationS":8,"maxBytes":512}'
 */
import { createSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'

interface Spec { port: number; linesFile: string; rate: number; durationS: number; maxBytes: number }

export function packDatagrams(lines: readonly string[], maxBytes: number): Buffer[] {
  const out: Buffer[] = []
  let cur: Buffer[] = []
  let size = 0
  for (const l of lines) {
    const b = Buffer.from(l + '\n')
    if (b.length > maxBytes) continue
    if (size + b.length > maxBytes) { out.push(Buffer.concat(cur)); cur = []; size = 0 }
    cur.push(b)
    size += b.length
  }
  if (cur.length > 0) out.push(Buffer.concat(cur))
  return out
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as Spec
  const lines = readFileSync(spec.linesFile, 'utf8').split('\n').filter((l) => l !== '')
  const dgrams = packDatagrams(lines, spec.maxBytes)
  const linesIn = dgrams.map((d) => { let n = 0; for (const c of d) if (c === 0x0a) n++; return n })
  const sock = createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 })
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()))
  sock.connect(spec.port, '127.0.0.1')
  await new Promise<void>((r) => sock.once('connect', () => r()))

  let sent = 0
  let nLines = 0
  let bytes = 0
  let inFlight = 0
  let errors = 0
  const onSent = (err: Error | null): void => { inFlight--; if (err) errors++ }
  const start = process.hrtime.bigint()
  const elapsed = (): number => Number(process.hrtime.bigint() - start) / 1e9
  for (;;) {
    const t = elapsed()
    if (t >= spec.durationS) break
    const target = spec.rate > 0 ? Math.floor(t * spec.rate) : sent + 512
    while (sent < target && inFlight < 4096) {
      const i = sent % dgrams.length
      inFlight++
      sock.send(dgrams[i], onSent)
      sent++
      nLines += linesIn[i]
      bytes += dgrams[i].length
    }
    if (spec.rate > 0) await new Promise((r) => setTimeout(r, 1))
    else await new Promise((r) => setImmediate(r))
  }
  const sendTime = elapsed()
  while (inFlight > 0) await new Promise((r) => setImmediate(r))
  sock.close()
  process.stdout.write(JSON.stringify({
    sent, lines: nLines, bytes, elapsed_s: sendTime, send_errors: errors,
    lines_per_datagram: nLines / Math.max(1, sent), distinct_datagrams: dgrams.length,
  }) + '\n')
}

if (process.argv[1]?.endsWith('udp-send.js')) {
  main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
}
