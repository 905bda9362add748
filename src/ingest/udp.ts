/**
 * `[[udp]]` listeners: line protocol in datagrams, one or more lines each, with or
 * without a trailing newline. db, rp and precision come from the listener's config (the
 * wire carries none); a bad line is dropped and counted, the good lines of the same
 * datagram are kept. Lines without a timestamp get the datagram's receive time.
 *
 * Receiving: the socket is bound and closed through `dgram-as-promised`, but datagrams
 * are taken from the underlying `node:dgram` socket's `message` event, not from its
 * promise API. Its `recv()` / async iterator attach a `message` listener only while a
 * `recv()` is pending, so every datagram that arrives while the loop is elsewhere — and
 * a receive loop that yields to the event loop, as ours must so that a UDP flood cannot
 * starve HTTP ingest, is elsewhere most of the time — is silently lost in user space,
 * where no counter sees it (measured: 20k datagrams, a loop yielding every 16 lost
 * about half of them with zero kernel drops). The `message` listener only queues.
 *
 * Processing: queued datagrams are parsed in bounded slices (at most SLICE_DATAGRAMS
 * datagrams or SLICE_MS milliseconds) scheduled with setImmediate, so HTTP requests and
 * other sockets get the event loop between slices. The queue holds at most `buffer`
 * datagrams (Kapacitor's `[[udp]] buffer`); past that, datagrams are dropped and
 * counted (`datagrams_dropped`). Drops in the kernel, before we read (receive buffer
 * full, `read-buffer` / net.core.rmem_max), are counted by the kernel and reported as
 * `kernel_drops` (see stats.ts).
 */
import { performance } from 'node:perf_hooks'
import { DgramAsPromised, type SocketAsPromised } from 'dgram-as-promised'
import type { Clock } from '../model/clock.js'
import type { Point } from '../model/point.js'
import type { UdpConfig } from '../server/config.js'
import { splitHostPort, wildcardHost } from '../server/config.js'
import type { Logger } from '../server/logger.js'
import { parseLineProtocol } from './line-protocol-parser.js'
import type { PointSink } from './sink.js'
import type { UdpListenerCounters } from './stats.js'

const SLICE_DATAGRAMS = 512
const SLICE_MS = 4

export interface UdpListenerOptions {
  readonly config: UdpConfig
  /** Used when the listener's `retention-policy` is empty. */
  readonly defaultRetentionPolicy: string
  readonly sink: PointSink
  readonly counters: UdpListenerCounters
  readonly clock: Clock
  readonly logger: Logger
}

export interface UdpListener {
  readonly address: { host: string; port: number }
  /** The receive buffer the kernel actually granted (Linux reports twice the requested size, capped by rmem_max). */
  readonly receiveBufferSize: number
  /** Stops reading, processes what is already queued, closes the socket. */
  stop(): Promise<void>
}

export async function startUdpListener(opts: UdpListenerOptions): Promise<UdpListener> {
  const { config, sink, counters, clock, logger } = opts
  const hp = splitHostPort(config.bindAddress)
  if (hp === null) throw new Error(`udp bind-address ${JSON.stringify(config.bindAddress)}: not a host:port`)
  const host = hp.host === '' ? await wildcardHost() : hp.host
  const type = host.includes(':') ? 'udp6' : 'udp4'
  const sock: SocketAsPromised = DgramAsPromised.createSocket({ type, reuseAddr: false })
  const bound = await sock.bind(hp.port, host)
  if (config.readBuffer > 0) {
    try {
      sock.setRecvBufferSize(config.readBuffer)
    } catch (err) {
      logger.warn({ err, read_buffer: config.readBuffer }, 'could not set the UDP receive buffer size')
    }
  }
  const receiveBufferSize = sock.getRecvBufferSize()
  // Linux reports twice what it granted, and silently caps the request at net.core.rmem_max.
  if (config.readBuffer > 0 && receiveBufferSize < config.readBuffer) {
    logger.warn({ read_buffer: config.readBuffer, granted: receiveBufferSize },
      'the kernel granted a smaller UDP receive buffer than read-buffer asks; raise net.core.rmem_max (sysctl) to avoid kernel drops under bursts')
  }
  counters.bound = { address: bound.address, port: bound.port }

  const db = config.database
  const rp = config.retentionPolicy || opts.defaultRetentionPolicy
  const precision = config.precision
  const capacity = config.buffer

  // A FIFO of (datagram, receive time), as two parallel arrays with a head index.
  let queue: Buffer[] = []
  let times: bigint[] = []
  let head = 0
  let scheduled = false
  let writing: Promise<void> | null = null
  let stopping = false
  let idle: (() => void) | null = null

  const onMessage = (msg: Buffer): void => {
    counters.datagramsReceived++
    counters.bytesReceived += msg.length
    if (queue.length - head >= capacity) {
      counters.datagramsDropped++
      return
    }
    queue.push(msg)
    times.push(clock.nowNs())
    if (!scheduled) {
      scheduled = true
      setImmediate(drain)
    }
  }

  const onError = (err: Error): void => {
    counters.readErrors++
    logger.error({ err }, 'UDP socket error')
  }

  function drain(): void {
    scheduled = false
    if (writing !== null) return // resumed when the sink's promise settles
    const deadline = performance.now() + SLICE_MS
    const points: Point[] = []
    let n = 0
    while (head < queue.length && n < SLICE_DATAGRAMS) {
      const msg = queue[head]!
      const now = times[head]!
      head++
      n++
      const result = parseLineProtocol(msg, { db, rp, precision, now })
      const ps = result.points
      for (let i = 0; i < ps.length; i++) points.push(ps[i]!)
      counters.linesRejected += result.errors.length
      if ((n & 15) === 0 && performance.now() > deadline) break
    }
    if (head === queue.length) {
      queue = []
      times = []
      head = 0
    } else if (head > 4096 && head * 2 > queue.length) {
      queue = queue.slice(head)
      times = times.slice(head)
      head = 0
    }
    if (points.length > 0) {
      let pending: void | Promise<void>
      try {
        pending = sink.write(points)
      } catch (err) {
        writeFailed(err)
        next()
        return
      }
      if (pending !== undefined && typeof (pending as Promise<void>).then === 'function') {
        const count = points.length
        writing = (pending as Promise<void>).then(() => { counters.pointsReceived += count }, writeFailed).finally(() => {
          writing = null
          next()
        })
        return
      }
      counters.pointsReceived += points.length
    }
    next()
  }

  function writeFailed(err: unknown): void {
    counters.writeErrors++
    logger.error({ err, db, rp }, 'UDP write failed')
  }

  function next(): void {
    if (head < queue.length) {
      if (!scheduled) {
        scheduled = true
        setImmediate(drain)
      }
    } else if (idle !== null) {
      idle()
    }
  }

  sock.socket.on('message', onMessage)
  sock.socket.on('error', onError)
  logger.info({ bind: config.bindAddress, address: bound.address, port: bound.port, db, rp, receive_buffer: receiveBufferSize }, 'UDP listener started')

  return {
    address: { host: bound.address, port: bound.port },
    receiveBufferSize,
    async stop() {
      if (stopping) return
      stopping = true
      sock.socket.removeListener('message', onMessage)
      if (head < queue.length || writing !== null || scheduled) {
        await new Promise<void>((resolve) => {
          idle = resolve
          next()
        })
      }
      await sock.close()
      sock.socket.removeListener('error', onError)
      logger.info({ bind: config.bindAddress }, 'UDP listener stopped')
    },
  }
}
