/**
 * Starts our daemon in-process on loopback (HTTP and optional [[udp]] listeners on
 * free ports, a temporary data directory, silent logs) with a RecordingSink, and
 * stops it at the end of the test.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { defaultConfig, type Config, type UdpConfig } from '../../../src/server/config.js'
import { startDaemon } from '../../../src/server/daemon.js'
import { silentLogger } from '../../../src/server/logger.js'
import { RecordingSink } from './helpers.js'

export interface OursOptions {
  udp?: Array<{ database: string; retentionPolicy?: string }>
}

export interface Ours {
  httpPort: number
  url: string
  udpPorts: number[]
  sink: RecordingSink
}

export async function startOurs(t: Test, opts: OursOptions = {}): Promise<Ours> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kapacitord-clients-'))
  const base = defaultConfig()
  const udp: UdpConfig[] = (opts.udp ?? []).map((u) => ({
    ...base.udp[0],
    enabled: true,
    bindAddress: '127.0.0.1:0',
    database: u.database,
    retentionPolicy: u.retentionPolicy ?? '',
    precision: 'ns',
    buffer: 1000,
    readBuffer: 8 * 1024 * 1024,
  }))
  const config: Config = {
    ...base,
    dataDir,
    http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false },
    udp,
  }
  const sink = new RecordingSink()
  const daemon = await startDaemon({ config, sink, logger: silentLogger() })
  t.teardown(async () => {
    await daemon.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const httpPort = daemon.httpAddress.port
  return {
    httpPort,
    url: `http://127.0.0.1:${httpPort}`,
    udpPorts: daemon.udpAddresses.map((a) => a.port),
    sink,
  }
}
