/**
 * InfluxDB subscriptions: makes every configured cluster forward its writes to us, as
 * Kapacitor's services/influxdb does (wire-compat.md §c.2). On start, every
 * `subscriptions-sync-interval` and on `POST /kapacitor/v1/subscriptions`, for each
 * enabled cluster without `disable-subscriptions`:
 *
 *   SHOW DATABASES; SHOW RETENTION POLICIES ON each; SHOW SUBSCRIPTIONS; then
 *   - drop subscriptions of ours under an old name (`kapacitor`, or the bare cluster id)
 *     and ours whose first destination is not where we listen now (scheme, host, port),
 *     and ours on a db/rp that should not have one (config changed);
 *   - `CREATE SUBSCRIPTION "kapacitor-<cluster id>" ON "db"."rp" DESTINATIONS ANY
 *     'http://<kapacitor-hostname or hostname>:<http-port or our port>'` on every db/rp
 *     that should have one and has none (limited to `[influxdb.subscriptions]` when set,
 *     minus `[influxdb.excluded-subscriptions]`).
 *
 * Idempotent: a subscription of ours that already points here is left alone (a restart of
 * kapacitord with the same data dir, or of influxd, creates nothing new). Failures
 * (influxd down, an error answer) are logged and the next sync tries again; nothing
 * throws. Syncs never overlap: one asked for while another runs starts after it.
 *
 * `subscription-protocol = "udp"`: as Kapacitor, one UDP listener per subscribed db/rp (bound
 * to `udp-bind`, port 0 the first time), its points written to that db/rp, and the
 * destination `udp://<host>:<port>`; a subscription of ours already there keeps its port
 * (the listener is opened on it again after a restart), and the listener of a db/rp no
 * longer subscribed is closed.
 *
 * **Departure**: Kapacitor's startup wait (`startup-timeout`, pinging with back-off) is
 * replaced by the periodic sync.
 */
import type { Logger } from '../server/logger.js'
import { realScheduler, type Cancel, type Scheduler } from '../pipeline/scheduler.js'
import type { InfluxDBClient, InfluxDBClusterConfig, InfluxDBService } from './influxdb.js'

export interface SubscriptionsOptions {
  readonly clusters: readonly InfluxDBClusterConfig[]
  readonly influxdb: InfluxDBService
  readonly logger: Logger
  /** the daemon's cluster id (`kapacitor-<cluster id>` is the subscription name) */
  readonly clusterId: string
  /** `hostname` from the config */
  readonly hostname: string
  /** the port our HTTP server listens on */
  readonly httpPort: number
  /** the periodic syncs' timers (default: real, unref'd timers) */
  readonly scheduler?: Scheduler
  /** opens the UDP listener of a `subscription-protocol = "udp"` subscription (none: such clusters are skipped) */
  readonly openUdp?: OpenUdpListener
}

/** A UDP listener whose points go to `db`.`rp`, bound to `bind` (host:port, port 0 = any). */
export type OpenUdpListener = (c: InfluxDBClusterConfig, db: string, rp: string, bind: string) => Promise<SubscriptionListener>

export interface SubscriptionListener {
  readonly port: number
  stop(): Promise<void>
}

export interface Subscriptions {
  /** Links every cluster now (also `POST /kapacitor/v1/subscriptions`); never rejects, failures are logged. */
  sync(): Promise<void>
  /** subscriptions of ours that exist, over every cluster, as of each cluster's last successful sync (`num_subscriptions`) */
  count(): number
  stop(): Promise<void>
}

/** What one sync of one cluster did. */
export interface SyncOutcome {
  readonly created: number
  readonly dropped: number
  /** our subscriptions on the cluster after the sync */
  readonly linked: number
  /** their db/rp keys */
  readonly linkedKeys: ReadonlySet<string>
}

const LEGACY_NAME = 'kapacitor'
/** longest stop() waits for a sync in progress */
const STOP_WAIT_MS = 5000

export function startSubscriptions(opts: SubscriptionsOptions): Subscriptions {
  const scheduler = opts.scheduler ?? realScheduler
  const name = `kapacitor-${opts.clusterId}`
  const linked = opts.clusters.filter((c) => c.enabled && !c.disableSubscriptions)
  const cancels: Cancel[] = []
  let running: Promise<void> = Promise.resolve()
  let stopped = false
  const linkedByCluster = new Map<string, number>()

  /** per cluster: the UDP listener of each subscribed db/rp (key()) */
  const udpListeners = new Map<string, Map<string, SubscriptionListener>>()

  const syncCluster = async (c: InfluxDBClusterConfig): Promise<void> => {
    const logger = opts.logger.child({ cluster: c.name })
    const host = c.kapacitorHostname || opts.hostname
    let target: Target
    let listeners: Map<string, SubscriptionListener> | undefined
    if (c.subscriptionProtocol === 'udp') {
      if (opts.openUdp === undefined) {
        logger.warn('subscription-protocol "udp" needs UDP listeners, which this process cannot open; no subscriptions are linked for this cluster')
        return
      }
      const ls = udpListeners.get(c.name) ?? new Map<string, SubscriptionListener>()
      udpListeners.set(c.name, ls)
      listeners = ls
      target = udpTarget(c, name, opts.clusterId, host, ls, opts.openUdp, logger)
    } else {
      target = httpTarget(name, opts.clusterId, `${c.subscriptionProtocol}://${hostPort(host, c.httpPort || opts.httpPort)}`)
    }
    try {
      const out = await linkCluster(opts.influxdb.client(c.name), c, target)
      linkedByCluster.set(c.name, out.linked)
      if (listeners) await closeListenersBut(listeners, out.linkedKeys, logger)
      if (out.created > 0 || out.dropped > 0) logger.info({ created: out.created, dropped: out.dropped, protocol: c.subscriptionProtocol }, 'linked InfluxDB subscriptions')
      else logger.debug('InfluxDB subscriptions up to date')
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'failed to link InfluxDB subscriptions; trying again at the next sync')
    }
  }

  // one sync at a time: a new request waits for the one in progress, then runs;
  // after stop() nothing new is queued, and stop() waits for what was
  const enqueue = (clusters: readonly InfluxDBClusterConfig[]): Promise<void> => {
    if (stopped) return running
    running = running.then(async () => {
      for (const c of clusters) await syncCluster(c)
    })
    return running
  }

  for (const c of linked) {
    cancels.push(scheduler.every(c.subscriptionsSyncIntervalMs, () => { void enqueue([c]) }))
  }
  if (linked.length > 0) void enqueue(linked)

  return {
    sync: () => enqueue(linked),
    count: () => { let n = 0; for (const v of linkedByCluster.values()) n += v; return n },
    async stop() {
      stopped = true
      for (const cancel of cancels.splice(0)) cancel()
      // a sync against an influxd that never answers (timeout 0) must not hold the daemon's stop
      let timer: NodeJS.Timeout | undefined
      await Promise.race([running, new Promise<void>((r) => { timer = setTimeout(r, STOP_WAIT_MS); timer.unref() })])
      clearTimeout(timer)
      for (const ls of udpListeners.values()) await closeListenersBut(ls, new Set(), opts.logger)
    },
  }
}

/** What a sync needs to know about where subscriptions should send to. */
interface Target {
  readonly name: string
  readonly clusterId: string
  /** a destination that is ours and valid: same scheme and host (and port for HTTP) */
  isOurs(destination: string | undefined): boolean
  /** keeps an existing subscription of ours (UDP: listens on its port again); false = drop and re-create it */
  adopt(db: string, rp: string, destination: string): Promise<boolean>
  /** the destination of a new subscription on db.rp (UDP: opens its listener) */
  destinationFor(db: string, rp: string): Promise<string>
}

function httpTarget(name: string, clusterId: string, destination: string): Target {
  return {
    name, clusterId,
    isOurs: (d) => sameDestination(d, destination),
    adopt: async () => true,
    destinationFor: async () => destination,
  }
}

function udpTarget(
  c: InfluxDBClusterConfig, name: string, clusterId: string, host: string,
  listeners: Map<string, SubscriptionListener>, open: OpenUdpListener, logger: Logger,
): Target {
  const listen = async (db: string, rp: string, port: number): Promise<SubscriptionListener> => {
    const l = await open(c, db, rp, hostPort(c.udpBind, port))
    listeners.set(key(db, rp), l)
    logger.info({ db, rp, port: l.port }, 'started UDP listener for an InfluxDB subscription')
    return l
  }
  return {
    name, clusterId,
    isOurs(d) {
      const u = parseUrl(d)
      return u !== undefined && u.protocol === 'udp:' && u.hostname === bareHost(host) && u.port !== ''
    },
    async adopt(db, rp, destination) {
      const port = Number(new URL(destination).port)
      const running = listeners.get(key(db, rp))
      if (running?.port === port) return true
      if (running) { listeners.delete(key(db, rp)); await running.stop() }
      try {
        await listen(db, rp, port)
        return true
      } catch (err) {
        logger.warn({ db, rp, port, err: (err as Error).message }, 'cannot listen on the port of an existing UDP subscription; it is re-created on a new port')
        return false
      }
    },
    async destinationFor(db, rp) {
      const l = listeners.get(key(db, rp)) ?? await listen(db, rp, 0)
      return `udp://${hostPort(host, l.port)}`
    },
  }
}

async function closeListenersBut(listeners: Map<string, SubscriptionListener>, keep: ReadonlySet<string>, logger: Logger): Promise<void> {
  for (const [k, l] of [...listeners]) {
    if (keep.has(k)) continue
    listeners.delete(k)
    try {
      await l.stop()
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'failed to close the UDP listener of a subscription')
    }
  }
}

function parseUrl(u: string | undefined): URL | undefined {
  if (u === undefined) return undefined
  try {
    return new URL(u)
  } catch {
    return undefined
  }
}

/** URL.hostname keeps an IPv6 address's brackets */
function bareHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

interface Existing {
  readonly db: string
  readonly rp: string
  readonly name: string
  readonly destinations: readonly string[]
}

/** One cluster's sync: what exists, what should, and the statements in between. */
export async function linkCluster(client: InfluxDBClient, c: InfluxDBClusterConfig, target: Target): Promise<SyncOutcome> {
  const wanted: { db: string; rp: string }[] = []
  for (const s of await client.query('SHOW DATABASES')) {
    for (const row of s.values) {
      const db = String(row[0])
      const rpSeries = await client.query(`SHOW RETENTION POLICIES ON ${quoteIdent(db)}`)
      for (const rs of rpSeries) {
        const col = rs.columns.indexOf('name')
        for (const r of rs.values) wanted.push({ db, rp: String(r[col < 0 ? 0 : col]) })
      }
    }
  }

  const existing: Existing[] = []
  for (const s of await client.query('SHOW SUBSCRIPTIONS')) {
    const rpCol = s.columns.indexOf('retention_policy')
    const nameCol = s.columns.indexOf('name')
    const destCol = s.columns.indexOf('destinations')
    for (const row of s.values) {
      existing.push({ db: s.name, rp: String(row[rpCol]), name: String(row[nameCol]), destinations: parseDestinations(row[destCol]) })
    }
  }

  let created = 0
  let dropped = 0
  const drop = async (e: Existing): Promise<void> => {
    await client.query(`DROP SUBSCRIPTION ${quoteIdent(e.name)} ON ${quoteIdent(e.db)}.${quoteIdent(e.rp)}`)
    dropped++
  }
  const ours = new Set<string>()
  for (const e of existing) {
    if (e.name === LEGACY_NAME || (target.clusterId !== '' && e.name === target.clusterId)) {
      await drop(e)
    } else if (e.name === target.name) {
      if (!shouldExist(c, e.db, e.rp) || !target.isOurs(e.destinations[0]) || !await target.adopt(e.db, e.rp, e.destinations[0]!)) await drop(e)
      else ours.add(key(e.db, e.rp))
    }
  }
  for (const w of wanted) {
    if (!shouldExist(c, w.db, w.rp) || ours.has(key(w.db, w.rp))) continue
    const destination = await target.destinationFor(w.db, w.rp)
    await client.query(`CREATE SUBSCRIPTION ${quoteIdent(target.name)} ON ${quoteIdent(w.db)}.${quoteIdent(w.rp)} DESTINATIONS ANY ${quoteString(destination)}`)
    ours.add(key(w.db, w.rp))
    created++
  }
  return { created, dropped, linked: ours.size, linkedKeys: ours }
}

function key(db: string, rp: string): string {
  return JSON.stringify([db, rp])
}

function shouldExist(c: InfluxDBClusterConfig, db: string, rp: string): boolean {
  const only = Object.keys(c.subscriptions)
  if (only.length > 0 && !(Object.hasOwn(c.subscriptions, db) && c.subscriptions[db]!.includes(rp))) return false
  return !(Object.hasOwn(c.excludedSubscriptions, db) && c.excludedSubscriptions[db]!.includes(rp))
}

/** SHOW SUBSCRIPTIONS' destinations column: an array (the client gives it as JSON text). */
function parseDestinations(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String)
  if (typeof v !== 'string') return []
  try {
    const parsed: unknown = JSON.parse(v)
    return Array.isArray(parsed) ? parsed.map(String) : [v]
  } catch {
    return [v]
  }
}

/** Same scheme, host and port, no credentials (Kapacitor's changedOrInvalid without tokens). */
function sameDestination(have: string | undefined, want: string): boolean {
  if (have === undefined) return false
  try {
    const a = new URL(have)
    const b = new URL(want)
    return a.protocol === b.protocol && a.hostname === b.hostname && portOf(a) === portOf(b) && a.username === '' && a.password === ''
  } catch {
    return false
  }
}

function portOf(u: URL): string {
  return u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80'
}

function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`
}

function quoteIdent(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"'
}

function quoteString(s: string): string {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'"
}
