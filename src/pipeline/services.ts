/**
 * What a running task may use from the daemon, handed to every node through its context
 * (no ambient state). Tests build it with real parts: `newTaskServices()` gives a working
 * set without a daemon.
 */
import type { Point } from '../model/point.js'
import { HttpOutRegistry } from './http-out-registry.js'
import { MemoryAlertPublisher, type AlertPublisher, type HandlerFactory } from '../alert/types.js'
import { NO_INFLUXDB, type InfluxDBService } from '../query/influxdb.js'
import { OPEN_EGRESS, type EgressPolicy } from '../net/egress.js'

export interface HttpPostEndpoint {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly basicAuth?: { readonly username: string; readonly password: string }
  /** `[[httppost]] row-template` / `alert-template` bodies are not supported yet; the JSON series is sent */
}

/** A config section with `global = true`: its handler is attached to every alert node. */
export interface GlobalHandler {
  readonly kind: string
  readonly options: Readonly<Record<string, unknown>>
  /** the section's `state-changes-only = true` forces stateChangesOnly on those alerts */
  readonly stateChangesOnly: boolean
}

export interface TaskServices {
  /** where httpOut nodes publish what `GET /kapacitor/v1/tasks/<task>/<endpoint>` serves */
  readonly httpOut: HttpOutRegistry
  /** writes points into the daemon's own stream (kapacitorLoopback); they are routed like a /write */
  loopback(points: readonly Point[]): void
  /** `[[httppost]]` endpoints by name */
  readonly httpPostEndpoints: ReadonlyMap<string, HttpPostEndpoint>
  /** `default-retention-policy` */
  readonly defaultRetentionPolicy: string
  /** topics: where alert nodes publish fired events */
  readonly alerts: AlertPublisher
  /** builds the alert handlers of a TICKscript (`.post()`, `.email()`…) */
  readonly createHandler: HandlerFactory
  /** handlers the config attaches to every alert node (`global = true`), and whether they force stateChangesOnly */
  readonly globalHandlers: ReadonlyArray<GlobalHandler>
  /** the daemon's hostname, cluster and server ids (alert templates' `.ServerInfo`) */
  readonly serverInfo: { readonly hostname: string; readonly clusterId: string; readonly serverId: string }
  /** the `[[influxdb]]` clusters: batch queries, influxDBOut */
  readonly influxdb: InfluxDBService
  /** `-blacklist-cidrs`: where the httpPost node may not connect */
  readonly egress: EgressPolicy
}

export function newTaskServices(over: Partial<TaskServices> = {}): TaskServices {
  return {
    httpOut: over.httpOut ?? new HttpOutRegistry(),
    loopback: over.loopback ?? (() => {}),
    httpPostEndpoints: over.httpPostEndpoints ?? new Map(),
    defaultRetentionPolicy: over.defaultRetentionPolicy ?? '',
    alerts: over.alerts ?? new MemoryAlertPublisher(),
    createHandler: over.createHandler ?? ((kind) => { throw new Error(`alert handler ${kind}: no handlers in this context`) }),
    globalHandlers: over.globalHandlers ?? [],
    serverInfo: over.serverInfo ?? { hostname: 'localhost', clusterId: '', serverId: '' },
    influxdb: over.influxdb ?? NO_INFLUXDB,
    egress: over.egress ?? OPEN_EGRESS,
  }
}
