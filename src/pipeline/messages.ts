/**
 * The closed message union that travels on a task's edges (STYLE: Kapacitor's message
 * protocol). Stream edges carry `point`s; batch edges carry whole `batch`es (a window, a
 * query result), which is Kapacitor's begin/points/end sequence delivered at once;
 * `barrier` is a time watermark for one group and `deleteGroup` tells every node
 * downstream to drop that group's state. Messages are immutable: a node that changes one
 * makes a shallow copy.
 */
import type { Group } from '../model/group.js'
import type { Fields, Tags } from '../model/point.js'

/** What a batch holds and what a lambda reads: a point without db/rp. */
export interface BatchPoint {
  readonly name: string
  readonly tags: Tags
  readonly fields: Fields
  readonly time: bigint
}

export interface PointMessage extends BatchPoint {
  readonly kind: 'point'
  readonly db: string
  readonly rp: string
  readonly group: Group
}

export interface BatchMessage {
  readonly kind: 'batch'
  readonly name: string
  /** the batch time: window end, query stop … (Kapacitor's TMax) */
  readonly tmax: bigint
  readonly group: Group
  /** the group tags (Kapacitor's batch Tags) */
  readonly tags: Tags
  readonly points: readonly BatchPoint[]
  readonly db?: string
  readonly rp?: string
}

export interface BarrierMessage {
  readonly kind: 'barrier'
  readonly group: Group
  readonly time: bigint
}

export interface DeleteGroupMessage {
  readonly kind: 'deleteGroup'
  readonly group: Group
}

export type Message = PointMessage | BatchMessage | BarrierMessage | DeleteGroupMessage

export function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`)
}

export function pointMessage(p: Omit<PointMessage, 'kind'>): PointMessage {
  return { kind: 'point', db: p.db, rp: p.rp, name: p.name, tags: p.tags, fields: p.fields, time: p.time, group: p.group }
}

export function batchMessage(b: Omit<BatchMessage, 'kind'>): BatchMessage {
  return { kind: 'batch', ...b }
}
