/**
 * Starting and stopping everything kapacitord runs: the store (first, so that a second
 * daemon on the same data directory fails before it binds anything), the HTTP server,
 * the `[[udp]]` listeners. One structured log line says what was bound.
 */
import { performance } from 'node:perf_hooks'
import { systemClock, type Clock } from '../model/clock.js'
import type { PointSink } from '../ingest/sink.js'
import type { Point } from '../model/point.js'
import { Matcher } from '../match/matcher.js'
import { HttpOutRegistry } from '../pipeline/http-out-registry.js'
import { newTaskServices } from '../pipeline/services.js'
import { TaskService } from './task-service.js'
import { deadmanConfig } from '../alert/deadman-config.js'
import { TopicService } from '../alert/topics.js'
import { TopicStore } from '../alert/topic-store.js'
import { createHandlerFactory, globalHandlersFromSections } from '../alert/handlers/index.js'
import { TaskStore } from './task-store.js'
import { IngestStats } from '../ingest/stats.js'
import { startUdpListener, type UdpListener } from '../ingest/udp.js'
import type { Config } from './config.js'
import { createHttpServer, type HttpServer, type WriteRouting } from './http.js'
import { createLogger, type Logger } from './logger.js'
import { openStore, type Store } from './store.js'
import { PRODUCT_VERSION, KAPACITOR_COMPAT_VERSION } from './version.js'
import { influxdbClustersFromSections } from '../query/influxdb-config.js'
import { createInfluxDBService } from '../query/influxdb-service.js'
import type { InfluxDBService } from '../query/influxdb.js'
import { startSubscriptions, type Subscriptions } from '../query/subscriptions.js'
import { RecordingService } from '../record/recording-service.js'
import { ReplayService } from '../record/replay-service.js'
import { egressPolicy } from '../net/egress.js'

export interface DaemonOptions {
  config: Config
  /** Defaults to a logger made from `config.logging`. */
  logger?: Logger
  /** Also receives every accepted point, after the matcher (tests, recordings). */
  sink?: PointSink
  clock?: Clock
  /** How `/write` is routed (see http.ts); default `'raw'`. */
  writeRouting?: WriteRouting
  /** `-blacklist-cidrs`: the post handler and httpPost node may not connect there */
  blacklistCidrs?: readonly string[]
  /** `-disable-handlers`: alert handler kinds refused wherever they are used */
  disabledHandlers?: readonly string[]
}

export interface Address { host: string; port: number }

export interface Daemon {
  httpAddress: Address
  /** One per enabled `[[udp]]` listener, in config order. */
  udpAddresses: Address[]
  stats: IngestStats
  sink: PointSink
  store: Store
  matcher: Matcher
  tasks: TaskService
  /** alert topics: event states and topic handlers */
  topics: TopicService
  recordings: RecordingService
  replays: ReplayService
  influxdb: InfluxDBService
  subscriptions: Subscriptions
  httpOut: HttpOutRegistry
  config: Config
  logger: Logger
  /** Graceful: stops accepting, finishes in-flight requests (up to `[http] shutdown-timeout`), closes UDP and the store. Idempotent. */
  stop(): Promise<void>
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { config } = opts
  const rootLogger = opts.logger ?? createLogger(config.logging)
  const logger = rootLogger.child({ service: 'kapacitord' })
  const matcher = new Matcher()
  const extra = opts.sink
  // the recordings service is opened with the store; until then nothing can be written
  let recordingSink: RecordingService | null = null
  const sink: PointSink = {
    write(points) {
      matcher.write(points)
      const recorded = recordingSink?.write(points)
      const more = extra?.write(points)
      if (recorded && more) return Promise.all([recorded, more]).then(() => {})
      return recorded ?? more
    },
  }
  const clock = opts.clock ?? systemClock
  const startedAtMs = performance.now()

  if (config.ignored.length > 0) logger.debug({ keys: config.ignored }, 'config keys not used by this build (ignored)')

  // [deadman] and [[influxdb]]: checked before anything opens; with global = true every task gets a deadman
  const deadman = deadmanConfig(config.sections['deadman'])
  const clusters = influxdbClustersFromSections(config.sections, config.env ?? {})
  const influxdb = createInfluxDBService(clusters, rootLogger.child({ service: 'influxdb' }))
  const store = await openStore(config.dataDir)
  const stats = new IngestStats()
  const httpOut = new HttpOutRegistry()
  // loopback points are routed after the current write finishes, never re-entrantly
  const loopback = (points: readonly Point[]): void => { queueMicrotask(() => matcher.write(points)) }
  const egress = egressPolicy(opts.blacklistCidrs ?? [])
  const createHandler = createHandlerFactory({
    sections: config.sections, logger: rootLogger.child({ service: 'alert' }), egress,
    disabledHandlers: new Set(opts.disabledHandlers ?? []),
  })
  let topics: TopicService
  try {
    topics = await TopicService.open({ store: new TopicStore(store.db), createHandler, logger: rootLogger.child({ service: 'alert' }) })
  } catch (err) {
    await store.close().catch(() => {})
    throw err
  }
  const tasks = new TaskService({
    store: new TaskStore(store.db), matcher, logger: rootLogger.child({ service: 'task_master' }), clock, deadman,
    deleteTopic: (topic) => topics.deleteTopic(topic),
    services: newTaskServices({
      httpOut, loopback, defaultRetentionPolicy: config.defaultRetentionPolicy, alerts: topics, createHandler,
      globalHandlers: globalHandlersFromSections(config.sections),
      serverInfo: { hostname: config.hostname, clusterId: store.clusterId, serverId: store.serverId },
      influxdb, egress,
    }),
  })
  const services = tasks.services
  const recordings = await RecordingService.open({
    db: store.db, logger: rootLogger.child({ service: 'recordings' }), clock, influxdb, tasks,
    defaultRetentionPolicy: config.defaultRetentionPolicy,
  })
  recordingSink = recordings
  const replays = new ReplayService({ db: store.db, tasks, recordings, services, logger: rootLogger.child({ service: 'replay' }), clock })
  let subscriptions: Subscriptions | null = null
  let http: HttpServer | null = null
  const udp: UdpListener[] = []
  try {
    http = createHttpServer({
      config, logger: rootLogger, sink, stats, clock,
      clusterId: store.clusterId, serverId: store.serverId, startedAtMs,
      writeRouting: opts.writeRouting,
      tasks, httpOut, topics, recordings, replays,
      syncSubscriptions: () => subscriptions?.sync() ?? Promise.resolve(),
      subscriptionCount: () => subscriptions?.count() ?? 0,
    })
    await tasks.startEnabled()
    const httpAddress = await http.listen()
    for (const u of config.udp) {
      if (!u.enabled) continue
      const rp = u.retentionPolicy || config.defaultRetentionPolicy
      udp.push(await startUdpListener({
        config: u,
        defaultRetentionPolicy: config.defaultRetentionPolicy,
        sink,
        counters: stats.addUdpListener(u.bindAddress, u.database, rp),
        clock,
        logger: rootLogger.child({ service: 'udp', bind: u.bindAddress }),
      }))
    }
    const udpAddresses = udp.map((l) => l.address)
    const subs = startSubscriptions({
      clusters, influxdb, logger: rootLogger.child({ service: 'subscriptions' }),
      clusterId: store.clusterId, hostname: config.hostname, httpPort: httpAddress.port,
      // subscription-protocol = "udp": a listener per subscribed db/rp, like a [[udp]] section of its own
      openUdp: async (c, db, rp, bind) => {
        const counters = stats.addUdpListener(bind, db, rp)
        try {
          const l = await startUdpListener({
            config: { enabled: true, bindAddress: bind, database: db, retentionPolicy: rp, precision: 'ns', buffer: c.udpBuffer, readBuffer: c.udpReadBuffer },
            defaultRetentionPolicy: config.defaultRetentionPolicy,
            sink, counters, clock,
            logger: rootLogger.child({ service: 'udp', subscription: `${db}.${rp}`, cluster: c.name }),
          })
          return { port: l.address.port, stop: async () => { await l.stop(); stats.removeUdpListener(counters) } }
        } catch (err) {
          stats.removeUdpListener(counters)
          throw err
        }
      },
    })
    subscriptions = subs
    logger.info({
      http: httpAddress,
      udp: udpAddresses,
      data_dir: config.dataDir,
      config: config.path,
      hostname: config.hostname,
      version: PRODUCT_VERSION,
      kapacitor_version: KAPACITOR_COMPAT_VERSION,
    }, 'kapacitord started')

    let stopping: Promise<void> | null = null
    const httpServer = http
    return {
      httpAddress, udpAddresses, stats, sink, store, matcher, tasks, topics, recordings, replays, influxdb, subscriptions: subs,
      httpOut, config, logger: rootLogger,
      stop() {
        stopping ??= (async () => {
          logger.info('kapacitord stopping')
          const timeoutMs = Number(config.http.shutdownTimeout / 1_000_000n)
          await httpServer.close(timeoutMs)
          await Promise.all(udp.map((l) => l.stop()))
          await subs.stop()
          await replays.close()
          tasks.stopAll()
          await recordings.close()
          await topics.close()
          await store.close()
          logger.info('kapacitord stopped')
        })()
        return stopping
      },
    }
  } catch (err) {
    await http?.close(0).catch(() => {})
    await Promise.all(udp.map((l) => l.stop().catch(() => {})))
    await subscriptions?.stop().catch(() => {})
    await replays.close().catch(() => {})
    tasks.stopAll()
    await recordings.close().catch(() => {})
    await topics.close().catch(() => {})
    await store.close().catch(() => {})
    throw err
  }
}
