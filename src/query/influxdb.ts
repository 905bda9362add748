/**
 * The contract between kapacitord and the InfluxDB 1.x servers of `[[influxdb]]`: batch
 * task queries, query recordings, influxDBOut and subscriptions all go through an
 * `InfluxDBService`. Query results are exact: integers are `bigint`, floats `number`,
 * times `bigint` nanoseconds (the client asks for MessagePack with `epoch=ns`).
 */

/** One `[[influxdb]]` section, defaults as Kapacitor's. */
export interface InfluxDBClusterConfig {
  readonly name: string
  readonly enabled: boolean
  /** the cluster used when a node or request names none */
  readonly default: boolean
  /** tried in order; the next one on a connection failure */
  readonly urls: readonly string[]
  readonly username: string
  readonly password: string
  /** per-request timeout, ms; 0 = none */
  readonly timeoutMs: number
  readonly disableSubscriptions: boolean
  readonly subscriptionProtocol: 'http' | 'https' | 'udp'
  readonly subscriptionsSyncIntervalMs: number
  /** the host InfluxDB is told to send to ('' = the daemon's hostname) */
  readonly kapacitorHostname: string
  /** the port InfluxDB is told to send to (0 = the daemon's HTTP port) */
  readonly httpPort: number
  /** `subscription-protocol = "udp"`: the host our per-db/rp UDP listeners bind ('' = every interface) */
  readonly udpBind: string
  /** datagrams queued per UDP listener before new ones are dropped */
  readonly udpBuffer: number
  /** SO_RCVBUF of each UDP listener in bytes; 0 = the OS default */
  readonly udpReadBuffer: number
  /** db → rps to subscribe to (empty = all) */
  readonly subscriptions: Readonly<Record<string, readonly string[]>>
  /** db → rps never subscribed (`_kapacitor: [autogen]` by default) */
  readonly excludedSubscriptions: Readonly<Record<string, readonly string[]>>
}

export type QueryValue = number | bigint | string | boolean | null

/** One series of a query result: `time` column values are bigint ns. */
export interface QuerySeries {
  readonly name: string
  readonly tags: Readonly<Record<string, string>>
  readonly columns: readonly string[]
  readonly values: ReadonlyArray<readonly QueryValue[]>
}

export interface QueryOptions {
  readonly db?: string
  readonly rp?: string
}

export interface WriteOptions {
  readonly db: string
  readonly rp?: string
  /** n, u, ms, s, m, h (default n) */
  readonly precision?: string
  /** any, one, quorum, all */
  readonly consistency?: string
}

/** An error answer of InfluxDB (`{"error": …}` or a statement's error), or every URL failing. */
export class InfluxDBError extends Error {
  constructor(message: string, readonly cluster: string, readonly status?: number) {
    super(message)
    this.name = 'InfluxDBError'
  }
}

export interface InfluxDBClient {
  readonly cluster: string
  /** Runs one statement; resolves with its series (none = []); rejects with InfluxDBError. */
  query(q: string, opts?: QueryOptions): Promise<QuerySeries[]>
  /** POSTs line protocol; rejects with InfluxDBError (a partial write is an error). */
  write(body: string, opts: WriteOptions): Promise<void>
}

export interface InfluxDBService {
  /** names of the enabled clusters */
  readonly clusters: readonly string[]
  /** '' = the default cluster; throws InfluxDBError for an unknown name or when none is configured */
  client(cluster: string): InfluxDBClient
}

/** The service of a daemon (or test) without any `[[influxdb]]`. */
export const NO_INFLUXDB: InfluxDBService = {
  clusters: [],
  client(cluster) {
    throw new InfluxDBError(cluster === '' ? 'no InfluxDB cluster is configured ([[influxdb]])' : `unknown InfluxDB cluster "${cluster}"`, cluster)
  },
}
