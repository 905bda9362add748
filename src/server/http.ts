/**
 * The HTTP server: fastify for the API (one plugin per resource in ./api, a schema per
 * route, `KapacitorError`s mapped to statuses in errors.ts, tested with `inject()`), and
 * `/write` answered by the raw handler of src/ingest/http-write.ts.
 *
 * `writeRouting: 'raw'` (the default) intercepts `/write` and `/kapacitor/v1/write` in
 * the `serverFactory` request listener, before fastify sees the request; `'fastify'`
 * routes them through fastify (routes in api/write.ts that hijack the reply). Measured
 * with bench/http-write-routing.ts (one-line POSTs, 64 connections): see that file's
 * header for the numbers that decided the default.
 *
 * Every answer carries influxd's headers (`Content-Type: application/json`,
 * `Request-Id`, `X-Request-Id`, `X-Influxdb-Build`, `X-Influxdb-Version`) and
 * `X-Kapacitor-Version`; every error is JSON `{"error", "message"}` with
 * `X-Influxdb-Error`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { fastify as Fastify, LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Clock } from '../model/clock.js'
import type { PointSink } from '../ingest/sink.js'
import type { IngestStats } from '../ingest/stats.js'
import { createWriteHandler, isWritePath, type RequestHandler } from '../ingest/http-write.js'
import type { Config } from './config.js'
import { splitHostPort, wildcardHost } from './config.js'
import type { Logger } from './logger.js'
import { BadRequestError, KapacitorError, MethodNotAllowedError } from './errors.js'
import { STATIC_HEADERS, errorHeaderValue, redactUri, requestIdFor } from './headers.js'
import { pingRoutes } from './api/ping.js'
import { queryRoutes } from './api/query.js'
import { debugVarsRoutes } from './api/debug-vars.js'
import { writeRoutes } from './api/write.js'
import { taskRoutes } from './api/tasks.js'
import { templateRoutes } from './api/templates.js'
import { alertRoutes } from './api/alerts.js'
import type { TopicService } from '../alert/topics.js'
import type { TaskService } from './task-service.js'
import { HttpOutRegistry } from '../pipeline/http-out-registry.js'
import type { RecordingService } from '../record/recording-service.js'
import type { ReplayService } from '../record/replay-service.js'
import { recordingRoutes } from './api/recordings.js'
import { replayRoutes } from './api/replays.js'
import { subscriptionRoutes } from './api/subscriptions.js'

export type WriteRouting = 'raw' | 'fastify'

export interface HttpServerOptions {
  readonly config: Config
  readonly logger: Logger
  readonly sink: PointSink
  readonly stats: IngestStats
  readonly clock: Clock
  readonly clusterId: string
  readonly serverId: string
  readonly startedAtMs: number
  readonly writeRouting?: WriteRouting
  /** the task service; without it the task and template routes are not served (ingest-only tests) */
  readonly tasks?: TaskService
  readonly httpOut?: HttpOutRegistry
  /** alert topics; without it the `/alerts/topics` routes are not served */
  readonly topics?: TopicService
  /** recordings; without it the `/recordings` routes are not served */
  readonly recordings?: RecordingService
  /** replays; without it the `/replays` routes are not served and `?replay-id=` is a 404 */
  readonly replays?: ReplayService
  /** `POST /kapacitor/v1/subscriptions` */
  readonly syncSubscriptions?: () => Promise<void>
  /** `num_subscriptions` in debug vars */
  readonly subscriptionCount?: () => number
}

export interface HttpServer {
  readonly app: FastifyInstance
  readonly server: Server
  /** Binds `[http] bind-address`; resolves to the bound address. */
  listen(): Promise<{ host: string; port: number }>
  /**
   * Stops accepting connections, lets in-flight requests finish (keep-alive
   * connections are closed after their current request), and after `timeoutMs`
   * closes whatever is still open.
   */
  close(timeoutMs: number): Promise<void>
}

const KEEP_ALIVE_TIMEOUT_MS = 120_000

export function createHttpServer(opts: HttpServerOptions): HttpServer {
  const { config, logger } = opts
  const writeHandler = createWriteHandler({
    sink: opts.sink,
    stats: opts.stats.http,
    clock: opts.clock,
    defaultRetentionPolicy: config.defaultRetentionPolicy,
    maxBodySize: config.http.maxBodySize,
    logger,
    logRequests: config.http.logEnabled,
  })
  let closing = false
  const routing = opts.writeRouting ?? 'raw'

  let server!: Server
  const app = buildApp({
    ...opts,
    writeHandler,
    serverFactory: (fastifyHandler) => {
      const listener = routing === 'raw'
        ? (req: IncomingMessage, res: ServerResponse): void => {
            if (closing) res.shouldKeepAlive = false
            if (isWritePath(req.url)) writeHandler(req, res)
            else fastifyHandler(req, res)
          }
        : (req: IncomingMessage, res: ServerResponse): void => {
            if (closing) res.shouldKeepAlive = false
            fastifyHandler(req, res)
          }
      server = createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, listener)
      return server
    },
  })

  return {
    app,
    get server() { return server },
    async listen() {
      const hp = splitHostPort(config.http.bindAddress)
      if (hp === null) throw new Error(`http.bind-address ${JSON.stringify(config.http.bindAddress)}: not a host:port`)
      await app.listen({ host: hp.host === '' ? await wildcardHost() : hp.host, port: hp.port, listenTextResolver: (address) => `HTTP server listening at ${address}` })
      const a = server.address()
      if (a === null || typeof a === 'string') throw new Error('HTTP server has no address')
      return { host: a.address, port: a.port }
    },
    async close(timeoutMs) {
      closing = true
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs)
      try {
        await app.close()
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

export interface BuildAppOptions extends HttpServerOptions {
  readonly writeHandler?: RequestHandler
  readonly serverFactory?: (handler: (req: IncomingMessage, res: ServerResponse) => void) => Server
}

/**
 * One line per API request, the same shape as the /write handler's (`http request`, with
 * `method`, `uri` with `p=` redacted, `status`, `request_id`, `duration_ms`), instead
 * of fastify's two (incoming / completed).
 */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return
    const fields = {
      method: request.method, uri: redactUri(request.url), status: reply.statusCode,
      user_agent: request.headers['user-agent'], remote: request.ip, duration_ms: Math.round(reply.elapsedTime),
    }
    if (error) reply.log.error({ ...fields, err: error }, 'http request')
    else reply.log.info(fields, 'http request')
  }
}

/**
 * Error bodies go out as Buffers: with a string body Node writes the header block in the
 * body's encoding (UTF-8), which would mangle the UTF-8 bytes that errorHeaderValue puts
 * in X-Influxdb-Error as latin1 code units.
 */
function jsonBuffer(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value))
}

/** The fastify application with every route; `inject()` it in tests. */
export function buildApp(opts: BuildAppOptions): FastifyInstance {
  const { config, logger } = opts
  const writeHandler = opts.writeHandler ?? createWriteHandler({
    sink: opts.sink,
    stats: opts.stats.http,
    clock: opts.clock,
    defaultRetentionPolicy: config.defaultRetentionPolicy,
    maxBodySize: config.http.maxBodySize,
  })
  const app = Fastify({
    loggerInstance: logger.child({ service: 'http' }) as FastifyBaseLogger,
    logController: new RequestLog({ disableRequestLogging: !config.http.logEnabled, requestIdLogLabel: 'request_id' }),
    genReqId: (req) => requestIdFor(req.headers),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(opts.serverFactory ? { serverFactory: opts.serverFactory } : {}),
  })

  app.addHook('onRequest', async (request, reply) => {
    reply.headers({ ...STATIC_HEADERS, 'Request-Id': request.id, 'X-Request-Id': request.id })
  })

  app.setErrorHandler((err: FastifyError | KapacitorError, request, reply) => {
    let status: number
    if (err instanceof KapacitorError) {
      status = err.status
      if (err instanceof MethodNotAllowedError) reply.header('Allow', err.allow.join(', '))
    } else if ((err as FastifyError).validation) {
      status = 400
    } else {
      status = (err as FastifyError).statusCode ?? 500
      if (status < 400) status = 500
    }
    if (status >= 500) request.log.error({ err }, 'request failed')
    const message = err.message
    reply.code(status).header('X-Influxdb-Error', errorHeaderValue(message)).type('application/json')
    return jsonBuffer({ error: message, message })
  })

  app.setNotFoundHandler((request, reply) => {
    const message = `not found: ${request.method} ${request.url.split('?')[0]}`
    reply.code(404).header('X-Influxdb-Error', errorHeaderValue(message)).type('application/json')
    return jsonBuffer({ error: message, message })
  })

  // Kapacitor decodes a JSON body whatever its Content-Type: its docs' `curl -XPOST … -d '{…}'`
  // sends application/x-www-form-urlencoded. An empty body of another type is {}.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, text, done) => {
    const body = String(text)
    if (body.trim() === '') { done(null, {}); return }
    try {
      done(null, JSON.parse(body))
    } catch (err) {
      done(new BadRequestError(`invalid JSON body: ${err instanceof Error ? err.message : String(err)}`), undefined)
    }
  })

  void app.register(pingRoutes)
  void app.register(queryRoutes)
  void app.register(debugVarsRoutes, {
    stats: opts.stats,
    hostname: config.hostname,
    clusterId: opts.clusterId,
    serverId: opts.serverId,
    startedAtMs: opts.startedAtMs,
    httpBind: config.http.bindAddress,
    ...(opts.tasks ? { taskCounts: taskCountsOf(opts.tasks) } : {}),
    ...(opts.subscriptionCount ? { subscriptionCount: opts.subscriptionCount } : {}),
  })
  void app.register(writeRoutes, { handler: writeHandler })
  if (opts.tasks) {
    void app.register(taskRoutes, { tasks: opts.tasks, httpOut: opts.httpOut ?? new HttpOutRegistry(), ...(opts.replays ? { replays: opts.replays } : {}) })
    void app.register(templateRoutes, { tasks: opts.tasks })
  }
  if (opts.topics) void app.register(alertRoutes, { topics: opts.topics })
  if (opts.recordings) void app.register(recordingRoutes, { recordings: opts.recordings })
  if (opts.replays) void app.register(replayRoutes, { replays: opts.replays })
  if (opts.syncSubscriptions) void app.register(subscriptionRoutes, { sync: opts.syncSubscriptions })
  return app
}

function taskCountsOf(tasks: TaskService): () => Promise<{ tasks: number; enabled: number }> {
  return async () => ({ tasks: (await tasks.list()).length, enabled: tasks.enabledCount })
}
