/**
 * Kapacitor's alert topics API (reference §5.1; services/alert/api.go):
 * `/kapacitor/v1/alerts/topics` (list: `pattern`, `min-level`), a topic (get, delete), its
 * events (list: `min-level`; one), its handlers (list: `pattern`; create) and one handler
 * (get, PUT replace, PATCH with JSON-patch operations, delete).
 *
 * Deliberate differences: the events of an unknown topic are a 404 (Kapacitor: 500), and a
 * refused handler spec (duplicate id, unknown kind, bad options or match) is a 400.
 */
import type { FastifyPluginAsync } from 'fastify'
import { formatRFC3339Nano } from '../../model/rfc3339.js'
import { LEVELS, type AlertLevel } from '../../alert/types.js'
import { HandlerSpecError, type HandlerInput, type HandlerSpec, type TopicService } from '../../alert/topics.js'
import { formatGoDuration } from '../config.js'
import { BadRequestError, NotFoundError } from '../errors.js'
import { applyJsonPatch, JsonPatchError } from './json-patch.js'
import { globMatch, jsonBody } from './listing.js'

export interface AlertRoutesOptions {
  readonly topics: TopicService
}

const BASE = '/kapacitor/v1/alerts/topics'

const link = (rel: string, href: string): { rel: string; href: string } => ({ rel, href })
/** ids go into links as they are (Kapacitor's path.Join, no escaping) */
const enc = (id: string): string => id

function topicPath(topic: string): string {
  return `${BASE}/${enc(topic)}`
}

function minLevelOf(q: Record<string, unknown>): AlertLevel {
  const v = q['min-level']
  if (v === undefined || v === '') return 'OK'
  const l = typeof v === 'string' ? v.toUpperCase() : ''
  if (!(LEVELS as readonly string[]).includes(l)) throw new BadRequestError(`invalid level ${JSON.stringify(v)}`)
  return l as AlertLevel
}

function patternOf(q: Record<string, unknown>): (id: string) => boolean {
  const p = q['pattern']
  if (typeof p !== 'string' || p === '') return () => true
  return (id) => globMatch(p, id)
}

function handlerJSON(spec: HandlerSpec): Record<string, unknown> {
  return { link: link('self', `${topicPath(spec.topic)}/handlers/${enc(spec.id)}`), id: spec.id, kind: spec.kind, options: spec.options, match: spec.match }
}

function specError(err: unknown): never {
  if (err instanceof HandlerSpecError) throw new BadRequestError(`invalid handler spec: ${err.message}`)
  throw err
}

export const alertRoutes: FastifyPluginAsync<AlertRoutesOptions> = async (app, { topics }) => {
  // `kapacitor`'s client PATCHes with application/json; RFC 6902 clients send this one
  app.addContentTypeParser('application/json-patch+json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string))
    } catch (err) {
      done(new BadRequestError(`invalid patch json: ${(err as Error).message}`), undefined)
    }
  })

  const topicJSON = (id: string): Record<string, unknown> => {
    const s = topics.topic(id)
    if (!s) throw new NotFoundError(`unknown topic: ${JSON.stringify(id)}`)
    return {
      link: link('self', topicPath(id)), id, level: s.level, collected: s.collected,
      'events-link': link('events', `${topicPath(id)}/events`), 'handlers-link': link('handlers', `${topicPath(id)}/handlers`),
    }
  }

  app.get(BASE, async (req, reply) => {
    const q = req.query as Record<string, unknown>
    const list = topics.topics(patternOf(q), minLevelOf(q)).map((t) => topicJSON(t.id))
    return jsonBody(reply, 200, { link: link('self', req.url), topics: list })
  })

  app.get(`${BASE}/:topic`, async (req, reply) => {
    const { topic } = req.params as { topic: string }
    return jsonBody(reply, 200, topicJSON(topic))
  })

  app.delete(`${BASE}/:topic`, async (req, reply) => {
    const { topic } = req.params as { topic: string }
    await topics.deleteTopic(topic)
    reply.code(204).send()
  })

  const stateJSON = (topic: string, id: string, s: { message: string; details: string; time: bigint; duration: bigint; level: AlertLevel }): Record<string, unknown> => ({
    link: link('self', `${topicPath(topic)}/events/${enc(id)}`),
    id,
    state: { message: s.message, details: s.details, time: formatRFC3339Nano(s.time), duration: formatGoDuration(s.duration), level: s.level },
  })

  app.get(`${BASE}/:topic/events`, async (req, reply) => {
    const { topic } = req.params as { topic: string }
    const events = topics.events(topic, minLevelOf(req.query as Record<string, unknown>))
    if (!events) throw new NotFoundError(`unknown topic: ${JSON.stringify(topic)}`)
    return jsonBody(reply, 200, { link: link('self', `${topicPath(topic)}/events`), topic, events: events.map((e) => stateJSON(topic, e.id, e.state)) })
  })

  app.get(`${BASE}/:topic/events/:event`, async (req, reply) => {
    const { topic, event } = req.params as { topic: string; event: string }
    const s = topics.lastState(topic, event)
    if (!s) throw new NotFoundError(`unknown event ${JSON.stringify(event)} in topic ${JSON.stringify(topic)}`)
    return jsonBody(reply, 200, stateJSON(topic, event, s))
  })

  app.get(`${BASE}/:topic/handlers`, async (req, reply) => {
    const { topic } = req.params as { topic: string }
    const list = topics.handlers(topic, patternOf(req.query as Record<string, unknown>)).map(handlerJSON)
    return jsonBody(reply, 200, { link: link('self', req.url), topic, handlers: list })
  })

  app.post(`${BASE}/:topic/handlers`, async (req, reply) => {
    const { topic } = req.params as { topic: string }
    const spec = await topics.createHandler(topic, bodyObject(req.body)).catch(specError)
    return jsonBody(reply, 200, handlerJSON(spec))
  })

  const existing = (topic: string, id: string): HandlerSpec => {
    const spec = topics.handler(topic, id)
    if (!spec) throw new NotFoundError(`unknown handler: ${JSON.stringify(id)}`)
    return spec
  }

  app.get(`${BASE}/:topic/handlers/:id`, async (req, reply) => {
    const { topic, id } = req.params as { topic: string; id: string }
    return jsonBody(reply, 200, handlerJSON(existing(topic, id)))
  })

  app.put(`${BASE}/:topic/handlers/:id`, async (req, reply) => {
    const { topic, id } = req.params as { topic: string; id: string }
    existing(topic, id)
    const spec = await topics.replaceHandler(topic, id, bodyObject(req.body)).catch(specError)
    if (!spec) throw new NotFoundError(`unknown handler: ${JSON.stringify(id)}`)
    return jsonBody(reply, 200, handlerJSON(spec))
  })

  app.patch(`${BASE}/:topic/handlers/:id`, async (req, reply) => {
    const { topic, id } = req.params as { topic: string; id: string }
    const old = existing(topic, id)
    let patched: unknown
    try {
      patched = applyJsonPatch({ id: old.id, topic: old.topic, kind: old.kind, options: old.options, match: old.match }, req.body)
    } catch (err) {
      if (err instanceof JsonPatchError) throw new BadRequestError(`failed to apply patch: ${err.message}`)
      throw err
    }
    const spec = await topics.replaceHandler(topic, id, bodyObject(patched)).catch(specError)
    if (!spec) throw new NotFoundError(`unknown handler: ${JSON.stringify(id)}`)
    return jsonBody(reply, 200, handlerJSON(spec))
  })

  app.delete(`${BASE}/:topic/handlers/:id`, async (req, reply) => {
    const { topic, id } = req.params as { topic: string; id: string }
    // as Kapacitor: deleting a handler that does not exist is not an error
    await topics.deleteHandler(topic, id)
    reply.code(204).send()
  })
}

function bodyObject(body: unknown): HandlerInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('invalid handler json: expected an object')
  return body as HandlerInput
}
