/**
 * udp: our [[udp]] listener (daemon in its own process) fed by a second process with
 * datagrams of at most 512 bytes, each holding as many whole Telegraf lines as fit.
 *  1. 25,000 datagrams/s for BENCH_UDP_SECONDS (default 8): lines/s received and parsed,
 *     and drops (kernel: /proc/net/udp `drops` of the socket; process: queue full),
 *     read from GET /kapacitor/v1/debug/vars. Zero drops expected.
 *  2. A flood (as fast as the sender can) for 3 s: lines/s received, and every datagram
 *     accounted for: sent = received + kernel drops + process drops (never silent).
 * Figures: `udp` (lines/s parsed at 25k datagrams/s; baseline = lines/s offered),
 * `udp-drops` (datagrams dropped at 25k/s; baseline 0), `udp-flood` (lines/s; baseline
 * = lines/s offered) with the accounting.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emit, genTelegrafLines, ingestVars, log, ratio, round, runNodeJson, startKapacitord, type IngestVars, type Server } from './lib/procs.js'

const RATE = 25_000
const SECONDS = Number(process.env.BENCH_UDP_SECONDS ?? 8)
const FLOOD_SECONDS = 3

interface SendResult { sent: number; lines: number; bytes: number; elapsed_s: number; send_errors: number; lines_per_datagram: number }

interface UdpCounters { received: number; points: number; rejected: number; kernelDrops: number; processDrops: number }

function udpCounters(v: IngestVars): UdpCounters {
  const u = v.udp[0] ?? {}
  return {
    received: Number(u.datagrams_received ?? 0),
    points: Number(u.points_received ?? 0),
    rejected: Number(u.lines_rejected ?? 0),
    kernelDrops: Number(u.kernel_drops ?? 0),
    processDrops: Number(u.datagrams_dropped ?? 0),
  }
}

function delta(a: UdpCounters, b: UdpCounters): UdpCounters {
  return {
    received: b.received - a.received, points: b.points - a.points, rejected: b.rejected - a.rejected,
    kernelDrops: b.kernelDrops - a.kernelDrops, processDrops: b.processDrops - a.processDrops,
  }
}

/** Polls the counters until every sent datagram is accounted for, or they stop moving for 1 s. */
async function settle(url: string, from: UdpCounters, sent: number): Promise<UdpCounters> {
  let last = delta(from, udpCounters(await ingestVars(url)))
  let still = Date.now()
  const deadline = Date.now() + 30_000
  for (;;) {
    if (last.received + last.kernelDrops >= sent) {
      // received includes datagrams later dropped by the process queue; wait until they are parsed
      await new Promise((r) => setTimeout(r, 200))
      return delta(from, udpCounters(await ingestVars(url)))
    }
    await new Promise((r) => setTimeout(r, 100))
    const now = delta(from, udpCounters(await ingestVars(url)))
    if (now.received !== last.received || now.kernelDrops !== last.kernelDrops || now.points !== last.points) still = Date.now()
    last = now
    if (Date.now() - still > 1000 || Date.now() > deadline) return last
  }
}

async function phase(server: Server, linesFile: string, rate: number, seconds: number): Promise<{ s: SendResult; d: UdpCounters }> {
  const before = udpCounters(await ingestVars(server.url))
  const s = await runNodeJson<SendResult>('udp-send.js', { port: server.udpPorts[0], linesFile, rate, durationS: seconds, maxBytes: 512 })
  const d = await settle(server.url, before, s.sent - s.send_errors)
  log(`udp rate=${rate || 'flood'}: sent ${JSON.stringify(s)} daemon ${JSON.stringify(d)}`)
  return { s, d }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-udp-'))
  let server: Server | null = null
  try {
    const linesFile = join(dir, 'lines.lp')
    writeFileSync(linesFile, (await genTelegrafLines(50_000, 4)).join('\n') + '\n')
    server = await startKapacitord({ udp: [{ database: 'telegraf', retentionPolicy: 'autogen' }] })

    // 1. the target rate
    const a = await phase(server, linesFile, RATE, SECONDS)
    const offered = a.s.lines / a.s.elapsed_s
    const parsed = a.d.points / a.s.elapsed_s
    const sentA = a.s.sent - a.s.send_errors
    emit({
      name: 'udp', value: round(parsed), unit: 'lines/s', baseline: round(offered), ratio: ratio(parsed, offered),
      datagrams_per_s: round(sentA / a.s.elapsed_s), datagram_bytes_max: 512, lines_per_datagram: round(a.s.lines_per_datagram, 2),
      datagrams_sent: sentA, datagrams_received: a.d.received, lines_sent: a.s.lines, lines_parsed: a.d.points, lines_rejected: a.d.rejected,
      kernel_drops: a.d.kernelDrops, process_drops: a.d.processDrops, seconds: round(a.s.elapsed_s, 2),
    })
    emit({
      name: 'udp-drops', value: a.d.kernelDrops + a.d.processDrops, unit: 'datagrams', baseline: 0, ratio: null,
      at_datagrams_per_s: RATE, datagrams_sent: sentA, kernel_drops: a.d.kernelDrops, process_drops: a.d.processDrops,
      unaccounted: sentA - a.d.received - a.d.kernelDrops,
    })

    // 2. past capacity
    const f = await phase(server, linesFile, 0, FLOOD_SECONDS)
    const sentF = f.s.sent - f.s.send_errors
    const fParsed = f.d.points / f.s.elapsed_s
    const fOffered = f.s.lines / f.s.elapsed_s
    emit({
      name: 'udp-flood', value: round(fParsed), unit: 'lines/s', baseline: round(fOffered), ratio: ratio(fParsed, fOffered),
      datagrams_per_s_offered: round(sentF / f.s.elapsed_s), datagrams_sent: sentF, datagrams_received: f.d.received,
      kernel_drops: f.d.kernelDrops, process_drops: f.d.processDrops,
      // received counts datagrams the process read, including those its queue then dropped
      unaccounted: sentF - f.d.received - f.d.kernelDrops,
      lines_parsed: f.d.points, lines_rejected: f.d.rejected, seconds: round(f.s.elapsed_s, 2),
    })
  } finally {
    if (server) await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
