/**
 * Kapacitor's task API: `/kapacitor/v1/tasks` (list with pattern/fields/offset/limit,
 * create), `/kapacitor/v1/tasks/<id>` (get, patch, delete) and the httpOut endpoints of
 * running tasks, `/kapacitor/v1/tasks/<id>/<endpoint>`. Bodies and answers are
 * Kapacitor's JSON (reference §5.1–5.4).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { Dbrp, TaskType } from '../../interp/eval/pipeline-def.js'
import type { HttpOutRegistry } from '../../pipeline/http-out-registry.js'
import type { TaskExecution } from '../../pipeline/task-execution.js'
import { NotFoundError } from '../errors.js'
import type { TaskInput, TaskService, ViewOptions } from '../task-service.js'
import type { TaskStatus, VarsJSON } from '../task-store.js'
import { globMatch, jsonBody, listParams, listQueryProperties, viewOptions } from './listing.js'

/** Running replays, for `?replay-id=`: the task's view and httpOut inside a replay. */
export interface ReplayLookup {
  /** the replay's own httpOut endpoints; undefined for an unknown replay */
  httpOut(replayId: string): HttpOutRegistry | undefined
  /** the replay's execution of `task`; undefined when that replay does not run it (any more) */
  execution(replayId: string, task: string): TaskExecution | undefined
}

export interface TaskRoutesOptions {
  readonly tasks: TaskService
  readonly httpOut: HttpOutRegistry
  readonly replays?: ReplayLookup
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
    query: { type: 'string' },
    period: { type: 'string' },
    cron: { type: 'string' },
    'group-by': { type: 'string' },
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
  query?: string
  period?: string
  cron?: string
  'group-by'?: string
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
    ...(b.query !== undefined ? { query: b.query } : {}),
    ...(b.period !== undefined ? { period: b.period } : {}),
    ...(b.cron !== undefined ? { cron: b.cron } : {}),
    ...(b['group-by'] !== undefined ? { groupBy: b['group-by'] } : {}),
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
    ...listQueryProperties,
  },
} as const

export const taskRoutes: FastifyPluginAsync<TaskRoutesOptions> = async (app, { tasks, httpOut, replays }) => {
  /** `?replay-id=R`: R's registry (404 for an unknown replay); otherwise the live one */
  function registryFor(query: unknown): HttpOutRegistry {
    const replayId = (query as Record<string, unknown>)['replay-id']
    if (typeof replayId !== 'string' || replayId === '') return httpOut
    const r = replays?.httpOut(replayId)
    if (!r) throw new NotFoundError(`unknown replay ${replayId}`)
    return r
  }

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
    const query = req.query as Record<string, unknown>
    const replayId = typeof query['replay-id'] === 'string' ? query['replay-id'] : ''
    const rec = await tasks.get(id)
    if (replayId === '') return jsonBody(reply, 200, tasks.view(rec, viewOptions(query)))
    registryFor(query)
    const execution = replays?.execution(replayId, id)
    return jsonBody(reply, 200, tasks.view(rec, { ...viewOptions(query), ...(execution ? { execution } : {}) }))
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
    const src = registryFor(req.query).get(id, endpoint)
    if (!src) {
      await tasks.get(id)
      throw new NotFoundError(`unknown output ${endpoint} of task ${id}`)
    }
    reply.code(200).type('application/json').send(src.render())
  })
}


