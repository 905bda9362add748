/**
 * `/kapacitor/v1/replays[/batch|query|<id>]` (agreement §5, Kapacitor's replay service):
 * create a replay of a recording, of a batch task's queries over a range, or of one query;
 * list, get (202 while running), delete (stops a running one). The replay's httpOut is
 * read through the task routes with `?replay-id=`.
 */
import type { FastifyPluginAsync } from 'fastify'
import { parseRFC3339Nano } from '../../model/rfc3339.js'
import type { ReplayService } from '../../record/replay-service.js'
import type { ReplayRecord } from '../../record/replay-store.js'
import type { Clock } from '../../model/clock.js'
import { systemClock } from '../../model/clock.js'
import { BadRequestError, NotFoundError } from '../errors.js'
import { globMatch, jsonBody, listParams, listQueryProperties } from './listing.js'

export interface ReplayRoutesOptions {
  readonly replays: ReplayService
  /** "now" for a `/replays/batch` without stop (default: the system clock) */
  readonly clock?: Clock
}

const common = {
  id: { type: 'string' },
  task: { type: 'string' },
  'recording-time': { type: 'boolean' },
  clock: { type: 'string' },
} as const

const createBody = { type: 'object', properties: { ...common, recording: { type: 'string' } } } as const
const batchBody = { type: 'object', properties: { ...common, start: { type: 'string' }, stop: { type: 'string' }, cluster: { type: 'string' } } } as const
const queryBody = { type: 'object', properties: { ...common, query: { type: 'string' }, cluster: { type: 'string' } } } as const

const listQuery = {
  type: 'object',
  properties: {
    ...listQueryProperties,
  },
} as const

interface CommonBody { id?: string; task?: string; 'recording-time'?: boolean; clock?: string }

/** Kapacitor's replay object. */
export function replayView(r: ReplayRecord): Record<string, unknown> {
  return {
    link: { rel: 'self', href: `/kapacitor/v1/replays/${r.id}` },
    id: r.id,
    task: r.task,
    recording: r.recording,
    'recording-time': r.recordingTime,
    clock: r.clock,
    date: r.date,
    error: r.error,
    status: r.status,
    progress: r.progress,
    stats: r.stats,
  }
}

/** Kapacitor's list: every field but stats unless `fields` names them; id and link always. */
const LIST_FIELDS = ['link', 'id', 'recording', 'task', 'recording-time', 'clock', 'date', 'error', 'status', 'progress']
const ALL_FIELDS = new Set([...LIST_FIELDS, 'stats'])

function commonOptions(b: CommonBody): { id?: string; task: string; recordingTime: boolean; clock?: string } {
  if (b.task === undefined || b.task === '') throw new BadRequestError('must provide task')
  return {
    ...(b.id !== undefined && b.id !== '' ? { id: b.id } : {}),
    task: b.task,
    recordingTime: b['recording-time'] ?? false,
    ...(b.clock !== undefined ? { clock: b.clock } : {}),
  }
}

function time(text: string | undefined, name: string): bigint | undefined {
  if (text === undefined || text === '') return undefined
  const t = parseRFC3339Nano(text)
  if (t === undefined) throw new BadRequestError(`invalid ${name} time ${JSON.stringify(text)}: not RFC3339`)
  return t
}

export const replayRoutes: FastifyPluginAsync<ReplayRoutesOptions> = async (app, { replays, clock = systemClock }) => {
  app.post('/kapacitor/v1/replays', { schema: { body: createBody } }, async (req, reply) => {
    const b = (req.body ?? {}) as CommonBody & { recording?: string }
    if (b.recording === undefined || b.recording === '') throw new BadRequestError('must provide recording')
    const r = await replays.create({ ...commonOptions(b), recording: b.recording })
    return jsonBody(reply, 201, replayView(r))
  })

  app.post('/kapacitor/v1/replays/batch', { schema: { body: batchBody } }, async (req, reply) => {
    const b = (req.body ?? {}) as CommonBody & { start?: string; stop?: string; cluster?: string }
    const start = time(b.start, 'start')
    if (start === undefined) throw new BadRequestError('must provide start time')
    const stop = time(b.stop, 'stop') ?? clock.nowNs()
    const r = await replays.createBatch({ ...commonOptions(b), start, stop, ...(b.cluster ? { cluster: b.cluster } : {}) })
    return jsonBody(reply, 201, replayView(r))
  })

  app.post('/kapacitor/v1/replays/query', { schema: { body: queryBody } }, async (req, reply) => {
    const b = (req.body ?? {}) as CommonBody & { query?: string; cluster?: string }
    const r = await replays.createQuery({ ...commonOptions(b), query: b.query ?? '', ...(b.cluster ? { cluster: b.cluster } : {}) })
    return jsonBody(reply, 201, replayView(r))
  })

  app.get('/kapacitor/v1/replays', { schema: { querystring: listQuery } }, async (req, reply) => {
    const q = listParams(req.query as Record<string, unknown>)
    for (const f of q.fields) if (!ALL_FIELDS.has(f)) throw new BadRequestError(`unsupported field ${JSON.stringify(f)}`)
    const fields = q.fields.length === 0 ? LIST_FIELDS : [...new Set([...q.fields, 'id', 'link'])]
    const all = (await replays.list()).filter((r) => q.pattern === '' || globMatch(q.pattern, r.id))
    const page = all.slice(q.offset, q.offset + q.limit).map((r) => {
      const v = replayView(r)
      return Object.fromEntries(fields.map((f) => [f, v[f]]))
    })
    return jsonBody(reply, 200, { replays: page })
  })

  app.get('/kapacitor/v1/replays/:id', async (req, reply) => {
    const { id } = req.params as { id: string }
    let r: ReplayRecord
    try {
      r = await replays.get(id)
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError(`could not find replay: ${err.message}`)
      throw err
    }
    return jsonBody(reply, r.status === 'running' ? 202 : 200, replayView(r))
  })

  app.delete('/kapacitor/v1/replays/:id', async (req, reply) => {
    const { id } = req.params as { id: string }
    await replays.delete(id)
    reply.code(204).send()
  })
}
