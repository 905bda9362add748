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
 * **Departure**: `subscription-protocol = "udp"` is not implemented (Kapacitor opens a UDP
 * listener per db/rp); such a cluster is logged and skipped. Kapacitor's startup wait
 * (`startup-timeout`, pinging with back-off) is replaced by the periodic sync.
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

  const syncCluster = async (c: InfluxDBClusterConfig): Promise<void> => {
    const logger = opts.logger.child({ cluster: c.name })
    if (c.subscriptionProtocol === 'udp') {
      logger.warn('subscription-protocol "udp" is not supported by this build; no subscriptions are linked for this cluster')
      return
    }
    const destination = `${c.subscriptionProtocol}://${hostPort(c.kapacitorHostname || opts.hostname, c.httpPort || opts.httpPort)}`
    try {
      const out = await linkCluster(opts.influxdb.client(c.name), c, { name, clusterId: opts.clusterId, destination })
      linkedByCluster.set(c.name, out.linked)
      if (out.created > 0 || out.dropped > 0) logger.info({ created: out.created, dropped: out.dropped, destination }, 'linked InfluxDB subscriptions')
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
    },
  }
}

interface Target {
  readonly name: string
  readonly clusterId: string
  readonly destination: string
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
      if (!shouldExist(c, e.db, e.rp) || !sameDestination(e.destinations[0], target.destination)) await drop(e)
      else ours.add(key(e.db, e.rp))
    }
  }
  for (const w of wanted) {
    if (!shouldExist(c, w.db, w.rp) || ours.has(key(w.db, w.rp))) continue
    await client.query(`CREATE SUBSCRIPTION ${quoteIdent(target.name)} ON ${quoteIdent(w.db)}.${quoteIdent(w.rp)} DESTINATIONS ANY ${quoteString(target.destination)}`)
    ours.add(key(w.db, w.rp))
    created++
  }
  return { created, dropped, linked: ours.size }
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
