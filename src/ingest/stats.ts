/**
 * Ingest counters, served under `ingest` at `GET /kapacitor/v1/debug/vars`.
 *
 * Plain integer fields incremented on the hot path (no maps, no closures); a snapshot
 * turns them into JSON. What each counter means:
 *
 * HTTP `/write` (`ingest.http`):
 * - `requests`: requests that reached `/write` or `/kapacitor/v1/write`, any method.
 * - `bytes_received`: body bytes as received on the wire (the compressed size for gzip).
 * - `points_received`: points parsed and handed to the sink.
 * - `lines_rejected`: lines that failed to parse (each one is an entry in a 400 answer).
 * - `writes_ok`: requests answered 204.
 * - `partial_writes`: requests answered 400 `partial write` (some lines kept, some not).
 * - `requests_rejected`: requests answered 4xx with nothing kept: missing `db`, bad
 *   `consistency`, corrupt gzip, body over `max-body-size`, wrong method, every line bad.
 * - `write_errors`: requests whose parsed points the sink failed to take (answered 500).
 *
 * Each UDP listener (`ingest.udp[]`, in config order, with its `bind` address):
 * - `datagrams_received`, `bytes_received`: what the process read from the socket.
 * - `points_received`, `lines_rejected`: as for HTTP; a bad line drops only itself.
 * - `datagrams_dropped`: read from the socket but dropped because the in-process queue
 *   (`[[udp]] buffer` datagrams) was full: the daemon is not keeping up.
 * - `write_errors`: batches the sink failed to take.
 * - `read_errors`: socket errors reported by the OS.
 * - `kernel_drops`: datagrams the kernel dropped for this socket because its receive
 *   buffer (`read-buffer`) was full before the process read them — the `drops` column
 *   of /proc/net/udp or /proc/net/udp6, read at each snapshot (0 where /proc is absent).
 * - `kernel_queue_bytes`: bytes waiting in the socket's receive buffer at the snapshot.
 *
 * Totals over all listeners: `ingest.points_received`, `ingest.lines_rejected`,
 * `ingest.bytes_received`.
 */
import { readFile } from 'node:fs/promises'
import { isIPv4 } from 'node:net'

export class HttpWriteCounters {
  requests = 0
  bytesReceived = 0
  pointsReceived = 0
  linesRejected = 0
  writesOk = 0
  partialWrites = 0
  requestsRejected = 0
  writeErrors = 0

  toJSON(): Record<string, number> {
    return {
      requests: this.requests,
      bytes_received: this.bytesReceived,
      points_received: this.pointsReceived,
      lines_rejected: this.linesRejected,
      writes_ok: this.writesOk,
      partial_writes: this.partialWrites,
      requests_rejected: this.requestsRejected,
      write_errors: this.writeErrors,
    }
  }
}

export class UdpListenerCounters {
  datagramsReceived = 0
  bytesReceived = 0
  pointsReceived = 0
  linesRejected = 0
  datagramsDropped = 0
  writeErrors = 0
  readErrors = 0
  /** Set once the socket is bound: where to look in /proc/net/udp*. */
  bound: { address: string; port: number } | null = null

  constructor(
    /** The configured bind address, as in the config file. */
    readonly bind: string,
    readonly database: string,
    readonly retentionPolicy: string,
  ) {}
}

export interface UdpSnapshot {
  bind: string
  address: string | null
  port: number | null
  database: string
  retention_policy: string
  datagrams_received: number
  bytes_received: number
  points_received: number
  lines_rejected: number
  datagrams_dropped: number
  write_errors: number
  read_errors: number
  kernel_drops: number
  kernel_queue_bytes: number
}

export interface IngestSnapshot {
  points_received: number
  lines_rejected: number
  bytes_received: number
  http: Record<string, number>
  udp: UdpSnapshot[]
}

export interface KernelUdpRow { drops: number; rxQueue: number }

export class IngestStats {
  readonly http = new HttpWriteCounters()
  private readonly udpListeners: UdpListenerCounters[] = []

  /** Where /proc/net/udp lives; tests may point elsewhere. */
  constructor(private readonly procNet = '/proc/net') {}

  addUdpListener(bind: string, database: string, retentionPolicy: string): UdpListenerCounters {
    const c = new UdpListenerCounters(bind, database, retentionPolicy)
    this.udpListeners.push(c)
    return c
  }

  /** A listener that was closed (an InfluxDB UDP subscription no longer wanted): its counters leave the snapshot. */
  removeUdpListener(c: UdpListenerCounters): void {
    const i = this.udpListeners.indexOf(c)
    if (i >= 0) this.udpListeners.splice(i, 1)
  }

  get udp(): readonly UdpListenerCounters[] {
    return this.udpListeners
  }

  async snapshot(): Promise<IngestSnapshot> {
    const kernel = this.udpListeners.length > 0 ? await readKernelUdpTable(this.procNet) : new Map<string, KernelUdpRow>()
    const udp = this.udpListeners.map((c): UdpSnapshot => {
      const row = c.bound ? kernel.get(kernelKey(c.bound.address, c.bound.port)) : undefined
      return {
        bind: c.bind,
        address: c.bound?.address ?? null,
        port: c.bound?.port ?? null,
        database: c.database,
        retention_policy: c.retentionPolicy,
        datagrams_received: c.datagramsReceived,
        bytes_received: c.bytesReceived,
        points_received: c.pointsReceived,
        lines_rejected: c.linesRejected,
        datagrams_dropped: c.datagramsDropped,
        write_errors: c.writeErrors,
        read_errors: c.readErrors,
        kernel_drops: row?.drops ?? 0,
        kernel_queue_bytes: row?.rxQueue ?? 0,
      }
    })
    let points = this.http.pointsReceived
    let lines = this.http.linesRejected
    let bytes = this.http.bytesReceived
    for (const u of this.udpListeners) {
      points += u.pointsReceived
      lines += u.linesRejected
      bytes += u.bytesReceived
    }
    return { points_received: points, lines_rejected: lines, bytes_received: bytes, http: this.http.toJSON(), udp }
  }
}

// ---------------------------------------------------------------------------------------
// /proc/net/udp and /proc/net/udp6

/**
 * The key a socket has in the kernel table: its local address as 16 bytes in hex (an
 * IPv4 address as its IPv4-mapped IPv6 form, so that both tables share one key space)
 * plus the port.
 */
export function kernelKey(address: string, port: number): string {
  return `${addressHex(address)}:${port}`
}

function addressHex(address: string): string {
  if (isIPv4(address)) return '00000000000000000000ffff' + address.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join('')
  // IPv6: expand `::`, handle a trailing dotted IPv4 part.
  let a = address.toLowerCase()
  const pct = a.indexOf('%')
  if (pct >= 0) a = a.slice(0, pct)
  let tail: string[] = []
  const lastColon = a.lastIndexOf(':')
  if (a.slice(lastColon + 1).includes('.')) {
    const v4 = a.slice(lastColon + 1).split('.').map((b) => Number(b))
    tail = [((v4[0]! << 8) | v4[1]!).toString(16), ((v4[2]! << 8) | v4[3]!).toString(16)]
    a = a.slice(0, lastColon + 1) + '0:0'
  }
  const [head, rest] = a.split('::') as [string, string | undefined]
  const h = head === '' ? [] : head.split(':')
  const r = rest === undefined ? [] : rest === '' ? [] : rest.split(':')
  let groups: string[]
  if (rest === undefined) groups = h
  else groups = [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r]
  if (tail.length > 0) groups = [...groups.slice(0, 6), ...tail]
  return groups.map((g) => g.padStart(4, '0')).join('')
}

/** `0100007F` (IPv4, little-endian word) or 32 hex digits (four little-endian words) → the key's address part. */
function procAddressHex(hex: string): string {
  const words: string[] = []
  for (let i = 0; i < hex.length; i += 8) {
    const w = hex.slice(i, i + 8)
    words.push(w.slice(6, 8) + w.slice(4, 6) + w.slice(2, 4) + w.slice(0, 2))
  }
  const bytes = words.join('').toLowerCase()
  return bytes.length === 8 ? '00000000000000000000ffff' + bytes : bytes
}

export function parseProcNetUdp(text: string, into: Map<string, KernelUdpRow>): void {
  const lines = text.split('\n')
  for (let i = 1; i < lines.length; i++) {
    const cols = lines[i]!.trim().split(/\s+/)
    if (cols.length < 13) continue
    const [addrHex, portHex] = cols[1]!.split(':') as [string, string]
    const rxQueue = parseInt(cols[4]!.split(':')[1] ?? '0', 16)
    const drops = Number(cols[12])
    const key = `${procAddressHex(addrHex)}:${parseInt(portHex, 16)}`
    const prev = into.get(key)
    into.set(key, { drops: (prev?.drops ?? 0) + drops, rxQueue: (prev?.rxQueue ?? 0) + rxQueue })
  }
}

async function readKernelUdpTable(procNet: string): Promise<Map<string, KernelUdpRow>> {
  const table = new Map<string, KernelUdpRow>()
  for (const name of ['udp', 'udp6']) {
    try {
      parseProcNetUdp(await readFile(`${procNet}/${name}`, 'utf8'), table)
    } catch {
      // no /proc (not Linux) or no IPv6: nothing to add
    }
  }
  return table
}
