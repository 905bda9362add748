/**
 * Kapacitor's task API: `/kapacitor/v1/tasks` (list with pattern/fields/offset/limit,
 * create), `/kapacitor/v1/tasks/<id>` (get, patch, delete) and the httpOut endpoints of
 * running tasks, `/kapacitor/v1/tasks/<id>/<endpoint>`. Bodies and answers are
 * Kapacitor's JSON (reference §5.1–5.4).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { Dbrp, TaskType } from '../../interp/eval/pipeline-def.js'
import type { HttpOutRegistry } from '../../pipeline/http-out-registry.js'
import { NotFoundError } from '../errors.js'
import type { TaskInput, TaskService, ViewOptions } from '../task-service.js'
import type { TaskStatus, VarsJSON } from '../task-store.js'
import { globMatch, jsonBody, listParams, viewOptions } from './listing.js'

export interface TaskRoutesOptions {
  readonly tasks: TaskService
  readonly httpOut: HttpOutRegistry
}

const dbrpSchema = { type: 'object', properties: { db: { type: 'string' }, rp: { type: 'string' } }, required: ['db', 'rp'] } as const

const taskBody = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    'template-id': { type: 'string' },
    type: { type: 'string', enum: ['stream', 'batch', ''] },
    dbrps: { type: 'array', items: dbrpSchema },
    script: { type: 'string' },
    status: { type: 'string', enum: ['enabled', 'disabled', ''] },
    vars: { type: 'object', additionalProperties: { type: 'object', properties: { type: { type: 'string' }, description: { type: 'string' } }, required: ['type'] } },
    from: { type: 'string' },
    where: { type: 'string' },
  },
} as const

interface TaskBody {
  id?: string
  'template-id'?: string
  type?: TaskType | ''
  dbrps?: Dbrp[]
  script?: string
  status?: TaskStatus | ''
  vars?: VarsJSON
  from?: string
  where?: string
}

function toInput(b: TaskBody): TaskInput {
  return {
    ...(b.id !== undefined && b.id !== '' ? { id: b.id } : {}),
    ...(b['template-id'] ? { templateId: b['template-id'] } : {}),
    ...(b.type ? { type: b.type } : {}),
    ...(b.dbrps !== undefined ? { dbrps: b.dbrps } : {}),
    ...(b.script !== undefined ? { script: b.script } : {}),
    ...(b.status ? { status: b.status } : {}),
    ...(b.vars !== undefined ? { vars: b.vars } : {}),
    ...(b.from !== undefined ? { from: b.from } : {}),
    ...(b.where !== undefined ? { where: b.where } : {}),
  }
}

const viewQuery = {
  type: 'object',
  properties: {
    'dot-view': { type: 'string', enum: ['attributes', 'labels'] },
    'script-format': { type: 'string', enum: ['formatted', 'raw'] },
    'replay-id': { type: 'string' },
  },
} as const

const listQuery = {
  type: 'object',
  properties: {
    ...viewQuery.properties,
    pattern: { type: 'string' },
    fields: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    offset: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1 },
  },
} as const

export const taskRoutes: FastifyPluginAsync<TaskRoutesOptions> = async (app, { tasks, httpOut }) => {
  app.get('/kapacitor/v1/tasks', { schema: { querystring: listQuery } }, async (req, reply) => {
    const q = listParams(req.query as Record<string, unknown>)
    const view: ViewOptions = viewOptions(req.query as Record<string, unknown>)
    const all = (await tasks.list()).filter((t) => q.pattern === '' || globMatch(q.pattern, t.id))
    const page = all.slice(q.offset, q.offset + q.limit).map((t) => {
      const v = tasks.view(t, view)
      if (q.fields.length === 0) return v
      const out: Record<string, unknown> = { link: v['link'], id: v['id'] }
      for (const f of q.fields) if (f in v) out[f] = v[f]
      return out
    })
    return jsonBody(reply, 200, { tasks: page })
  })

  app.post('/kapacitor/v1/tasks', { schema: { body: taskBody } }, async (req, reply) => {
    const rec = await tasks.create(toInput(req.body as TaskBody))
    return jsonBody(reply, 200, tasks.view(rec))
  })

  app.get('/kapacitor/v1/tasks/:id', { schema: { querystring: viewQuery } }, async (req, reply) => {
    const { id } = req.params as { id: string }
    return jsonBody(reply, 200, tasks.view(await tasks.get(id), viewOptions(req.query as Record<string, unknown>)))
  })

  app.patch('/kapacitor/v1/tasks/:id', { schema: { body: taskBody } }, async (req, reply) => {
    const { id } = req.params as { id: string }
    const rec = await tasks.update(id, toInput(req.body as TaskBody))
    return jsonBody(reply, 200, tasks.view(rec))
  })

  app.delete('/kapacitor/v1/tasks/:id', async (req, reply) => {
    const { id } = req.params as { id: string }
    await tasks.delete(id)
    reply.code(204).send()
  })

  app.get('/kapacitor/v1/tasks/:id/:endpoint', async (req, reply) => {
    const { id, endpoint } = req.params as { id: string; endpoint: string }
    const src = httpOut.get(id, endpoint)
    if (!src) {
      await tasks.get(id)
      throw new NotFoundError(`unknown output ${endpoint} of task ${id}`)
    }
    reply.code(200).type('application/json').send(src.render())
  })
}


