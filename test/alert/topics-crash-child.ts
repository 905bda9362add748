/**
 * Child process of test/server/alerts-api.test.ts's crash test: starts a daemon on the data
 * directory given as argv[2], publishes events, waits until their states are written,
 * prints `written` and waits to be killed with SIGKILL (no graceful stop).
 */
import { defaultConfig, type Config } from '../../src/server/config.js'
import { startDaemon } from '../../src/server/daemon.js'
import { silentLogger } from '../../src/server/logger.js'

const dataDir = process.argv[2]!
const base = defaultConfig()
const config: Config = { ...base, dataDir, http: { ...base.http, bindAddress: '127.0.0.1:0', logEnabled: false } }
const d = await startDaemon({ config, logger: silentLogger() })
const ev = (id: string, level: 'OK' | 'WARNING' | 'CRITICAL', n: number) => ({
  topic: 'crash', id, level, message: `${id} ${level}`, details: '', time: BigInt(n) * 1_000_000_000n, duration: 0n,
  previousLevel: 'OK' as const, recoverable: true, data: [], taskName: 't', tags: {},
})
d.topics.publish(ev('a', 'WARNING', 1))
d.topics.publish(ev('b', 'CRITICAL', 2))
d.topics.publish(ev('a', 'CRITICAL', 3))
await d.topics.flushed()
process.stdout.write('written\n')
setInterval(() => {}, 1 << 30)
