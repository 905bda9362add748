/**
 * `/kapacitor/v1/recordings`: Kapacitor's recording API (reference §5.1) and ours.
 *
 *  - `POST /recordings/stream {id?, task?, stop?}` (201): with a task, what the task
 *    would receive; with a stop time, until a point later than it arrives or the wall
 *    clock reaches it; with neither, the design's open-ended recording of every point,
 *    until `POST /recordings/<id>/stop`.
 *  - `POST /recordings/batch {id?, task, start, stop?}` (each query node's own cluster), `POST /recordings/query
 *    {id?, query, type, cluster?, host?, db?, rp?}` (201, running in the background).
 *  - `GET /recordings` (pattern, fields, offset, limit), `GET /recordings/<id>` (202 while
 *    running), `DELETE /recordings/<id>` (204, also for an unknown id, as Kapacitor).
 *  - `GET /recordings/<id>/export`: Kapacitor's file (`.srpl` gzip / `.brpl` zip);
 *    `POST /recordings/import?id=&type=stream|batch&precision=` with a file as the body.
 */
import type { FastifyPluginAsync } from 'fastify'
import { parseRFC3339Nano } from '../../model/rfc3339.js'
import type { RecordingService } from '../../record/recording-service.js'
import type { RecordingInfo, RecordingType } from '../../record/types.js'
import { BadRequestError } from '../errors.js'
import { globMatch, jsonBody, listParams, listQueryProperties } from './listing.js'

export interface RecordingRoutesOptions {
  readonly recordings: RecordingService
}

const BASE = '/kapacitor/v1/recordings'
/** an imported file may be large: a million points of line protocol gzip to ~10 MB, plain ~100 MB */
const IMPORT_BODY_LIMIT = 1024 * 1024 * 1024

const ALL_FIELDS = ['link', 'id', 'type', 'size', 'date', 'error', 'status', 'progress'] as const

export function recordingView(r: RecordingInfo): Record<string, unknown> {
  return {
    link: { rel: 'self', href: `${BASE}/${r.id}` },
    id: r.id, type: r.type, size: r.size, date: r.date, error: r.error, status: r.status, progress: r.progress,
  }
}

function time(text: unknown, name: string): bigint | undefined {
  if (text === undefined || text === null || text === '') return undefined
  const t = typeof text === 'string' ? parseRFC3339Nano(text) : undefined
  if (t === undefined) throw new BadRequestError(`invalid ${name} time ${JSON.stringify(text)}: must be RFC3339, e.g. 2006-01-02T15:04:05Z`)
  return t
}

const idProp = { id: { type: 'string' } } as const

const streamBody = {
  type: 'object',
  properties: { ...idProp, task: { type: 'string' }, stop: { type: 'string' } },
} as const

const batchBody = {
  type: 'object',
  properties: { ...idProp, task: { type: 'string' }, start: { type: 'string' }, stop: { type: 'string' } },
} as const

const queryBody = {
  type: 'object',
  properties: {
    ...idProp, query: { type: 'string' }, type: { type: 'string' }, cluster: { type: 'string' },
    host: { type: 'string' }, db: { type: 'string' }, rp: { type: 'string' },
  },
} as const

const listQuery = {
  type: 'object',
  properties: {
    ...listQueryProperties,
  },
} as const

const importQuery = {
  type: 'object',
  properties: { ...idProp, type: { type: 'string' }, precision: { type: 'string' } },
} as const

const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const

export const recordingRoutes: FastifyPluginAsync<RecordingRoutesOptions> = async (app, { recordings }) => {
  // `curl -XPOST …/stream` (no body) is the open-ended recording (any Content-Type is JSON, see http.ts)
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined || req.body === null) req.body = {}
  })

  app.get(BASE, { schema: { querystring: listQuery } }, async (req, reply) => {
    const q = listParams(req.query as Record<string, unknown>)
    for (const f of q.fields) if (!(ALL_FIELDS as readonly string[]).includes(f)) throw new BadRequestError(`unsupported field ${JSON.stringify(f)}`)
    const all = (await recordings.list()).filter((r) => q.pattern === '' || globMatch(q.pattern, r.id))
    const page = all.slice(q.offset, q.offset + q.limit).map((r) => {
      const v = recordingView(r)
      if (q.fields.length === 0) return v
      const out: Record<string, unknown> = { link: v['link'], id: v['id'] }
      for (const f of q.fields) out[f] = v[f]
      return out
    })
    return jsonBody(reply, 200, { recordings: page })
  })

  app.post(`${BASE}/stream`, { schema: { body: streamBody } }, async (req, reply) => {
    const b = (req.body ?? {}) as { id?: string; task?: string; stop?: string }
    const stop = time(b.stop, 'stop')
    const rec = await recordings.startStream({
      ...(b.id ? { id: b.id } : {}), ...(b.task ? { task: b.task } : {}), ...(stop !== undefined ? { stop } : {}),
    })
    return jsonBody(reply, 201, recordingView(rec))
  })

  app.post(`${BASE}/batch`, { schema: { body: batchBody } }, async (req, reply) => {
    const b = (req.body ?? {}) as { id?: string; task?: string; start?: string; stop?: string }
    if (!b.task) throw new BadRequestError('must provide task')
    const start = time(b.start, 'start')
    if (start === undefined) throw new BadRequestError('must provide start time')
    const stop = time(b.stop, 'stop')
    const rec = await recordings.startBatch({ ...(b.id ? { id: b.id } : {}), task: b.task, start, ...(stop !== undefined ? { stop } : {}) })
    return jsonBody(reply, 201, recordingView(rec))
  })

  app.post(`${BASE}/query`, { schema: { body: queryBody } }, async (req, reply) => {
    const b = (req.body ?? {}) as { id?: string; query?: string; type?: string; cluster?: string; host?: string; db?: string; rp?: string }
    const rec = await recordings.startQuery({
      ...(b.id ? { id: b.id } : {}), query: b.query ?? '', type: (b.type ?? '') as RecordingType,
      ...(b.cluster ? { cluster: b.cluster } : {}), ...(b.host ? { host: b.host } : {}),
      ...(b.db ? { db: b.db } : {}), ...(b.rp ? { rp: b.rp } : {}),
    })
    return jsonBody(reply, 201, recordingView(rec))
  })

  // the import body is the file itself, whatever its content type
  await app.register(async (files) => {
    files.removeAllContentTypeParsers()
    files.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) => { done(null, body) })
    files.post(`${BASE}/import`, { schema: { querystring: importQuery }, bodyLimit: IMPORT_BODY_LIMIT }, async (req, reply) => {
      const q = req.query as { id?: string; type?: string; precision?: string }
      const data = req.body
      if (!Buffer.isBuffer(data) || data.length === 0) throw new BadRequestError('must send the recording file as the request body')
      const rec = await recordings.importFile({
        ...(q.id ? { id: q.id } : {}), type: (q.type ?? '') as RecordingType, ...(q.precision ? { precision: q.precision } : {}), data,
      })
      return jsonBody(reply, 201, recordingView(rec))
    })
  })

  app.get(`${BASE}/:id`, { schema: { params: idParams } }, async (req, reply) => {
    const { id } = req.params as { id: string }
    const rec = await recordings.info(id)
    return jsonBody(reply, rec.status === 'running' ? 202 : 200, recordingView(rec))
  })

  app.post(`${BASE}/:id/stop`, { schema: { params: idParams } }, async (req, reply) => {
    const { id } = req.params as { id: string }
    return jsonBody(reply, 200, recordingView(await recordings.stopStream(id)))
  })

  app.get(`${BASE}/:id/export`, { schema: { params: idParams } }, async (req, reply) => {
    const { id } = req.params as { id: string }
    const file = await recordings.exportFile(id)
    return reply.code(200).type(file.contentType).header('Content-Disposition', `attachment; filename="${file.filename}"`).send(file.body)
  })

  app.delete(`${BASE}/:id`, { schema: { params: idParams } }, async (req, reply) => {
    const { id } = req.params as { id: string }
    await recordings.delete(id)
    return reply.code(204).send()
  })
}
