/** Kapacitor's template API: `/kapacitor/v1/templates[/<id>]`; changing a template updates its tasks. */
import type { FastifyPluginAsync } from 'fastify'
import type { TaskType } from '../../interp/eval/pipeline-def.js'
import type { TaskService, TemplateInput } from '../task-service.js'
import { globMatch, jsonBody, listParams, viewOptions } from './listing.js'

const templateBody = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    type: { type: 'string', enum: ['stream', 'batch', ''] },
    script: { type: 'string' },
  },
} as const

interface TemplateBody { id?: string; type?: TaskType | ''; script?: string }

function toInput(b: TemplateBody): TemplateInput {
  return {
    ...(b.id ? { id: b.id } : {}),
    ...(b.type ? { type: b.type } : {}),
    ...(b.script !== undefined ? { script: b.script } : {}),
  }
}

export const templateRoutes: FastifyPluginAsync<{ tasks: TaskService }> = async (app, { tasks }) => {
  app.get('/kapacitor/v1/templates', async (req, reply) => {
    const q = listParams(req.query as Record<string, unknown>)
    const view = viewOptions(req.query as Record<string, unknown>)
    const all = (await tasks.listTemplates()).filter((t) => q.pattern === '' || globMatch(q.pattern, t.id))
    const page = all.slice(q.offset, q.offset + q.limit).map((t) => {
      const v = tasks.templateView(t, view)
      if (q.fields.length === 0) return v
      const out: Record<string, unknown> = { link: v['link'], id: v['id'] }
      for (const f of q.fields) if (f in v) out[f] = v[f]
      return out
    })
    return jsonBody(reply, 200, { templates: page })
  })

  app.post('/kapacitor/v1/templates', { schema: { body: templateBody } }, async (req, reply) => {
    const rec = await tasks.createTemplate(toInput(req.body as TemplateBody))
    return jsonBody(reply, 200, tasks.templateView(rec))
  })

  app.get('/kapacitor/v1/templates/:id', async (req, reply) => {
    const { id } = req.params as { id: string }
    return jsonBody(reply, 200, tasks.templateView(await tasks.getTemplate(id), viewOptions(req.query as Record<string, unknown>)))
  })

  app.patch('/kapacitor/v1/templates/:id', { schema: { body: templateBody } }, async (req, reply) => {
    const { id } = req.params as { id: string }
    const rec = await tasks.updateTemplate(id, toInput(req.body as TemplateBody))
    return jsonBody(reply, 200, tasks.templateView(rec))
  })

  app.delete('/kapacitor/v1/templates/:id', async (req, reply) => {
    const { id } = req.params as { id: string }
    await tasks.deleteTemplate(id)
    reply.code(204).send()
  })
}
