/**
 * `kapacitor define-topic-handler <path>`: a handler spec file (`.yaml`/`.yml` read as
 * YAML 1.1 like Kapacitor's go-yaml, `.json` as JSON) with `topic`, `id`, `kind`, `match`
 * and `options`. The handler is created (POST .../topics/<topic>/handlers), or replaced
 * (PUT .../handlers/<id>) when the topic already has one with that id, as Kapacitor does.
 *
 * Keys match case-insensitively and unknown keys are ignored, as Go's JSON decoding of
 * the spec does; a value of the wrong type is refused with Go's wording. Two deliberate
 * differences: another extension is refused (Kapacitor sends an empty spec), and a spec
 * without a topic is refused before any request (Kapacitor asks for an empty path).
 */
import { extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { TopicHandlerOptions } from './client.js'
import { UsageError, type CliContext } from './context.js'
import { readTextFile } from './files.js'

export const DEFINE_TOPIC_HANDLER_USAGE = `Usage: kapacitor define-topic-handler <path to handler spec file>

	Create or update a handler.

	A handler is defined via a JSON or YAML file.

For example:

	Define a handler using the slack.yaml file:

		$ kapacitor define-topic-handler slack.yaml

Options:
`

const STRING_FIELDS = ['topic', 'id', 'kind', 'match'] as const

/** Go's name for a decoded JSON value's type in its unmarshal errors. */
function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array'
  if (v === null) return 'null'
  if (typeof v === 'object') return 'object'
  return typeof v
}

/** The spec a file's text holds; `format` is `yaml` or `json`. Throws Go's unmarshal wording. */
export function parseHandlerSpec(text: string, format: 'yaml' | 'json'): TopicHandlerOptions {
  const doc: unknown = format === 'yaml' ? parseYaml(text, { version: '1.1' }) : JSON.parse(text)
  const spec: TopicHandlerOptions = { topic: '', id: '', kind: '', match: '', options: null }
  // an empty YAML document (null) leaves the spec empty, as Go's decoding does
  if (doc === null || doc === undefined) return spec
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`json: cannot unmarshal ${jsonType(doc)} into Go value of type client.TopicHandlerOptions`)
  }
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const field = [...STRING_FIELDS, 'options' as const].find((f) => f === key.toLowerCase())
    if (field === undefined || value === null) continue
    if (field === 'options') {
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new Error(`json: cannot unmarshal ${jsonType(value)} into Go struct field TopicHandlerOptions.options of type map[string]interface {}`)
      }
      spec.options = value as Record<string, unknown>
    } else {
      if (typeof value !== 'string') {
        throw new Error(`json: cannot unmarshal ${jsonType(value)} into Go struct field TopicHandlerOptions.${field} of type string`)
      }
      spec[field] = value
    }
  }
  return spec
}

/** Reads and decodes the spec file, with Kapacitor's messages. */
export function readHandlerSpec(path: string): TopicHandlerOptions {
  const ext = extname(path)
  const format = ext === '.yaml' || ext === '.yml' ? 'yaml' : ext === '.json' ? 'json' : undefined
  let text: string
  try {
    text = readTextFile(path)
  } catch (err) {
    throw new Error(`failed to open handler spec file ${JSON.stringify(path)}: ${(err as Error).message}`)
  }
  if (format === undefined) throw new Error('bad file extension. Must be YAML or JSON')
  try {
    return parseHandlerSpec(text, format)
  } catch (err) {
    throw new Error(`failed to unmarshal ${format} handler file ${JSON.stringify(path)}: ${(err as Error).message}`)
  }
}

export async function defineTopicHandler(ctx: CliContext, args: readonly string[]): Promise<void> {
  if (args.length !== 1) throw new UsageError('Must provide a path to a handler file.', 'define-topic-handler')
  const path = args[0]!
  const spec = readHandlerSpec(path)
  if (spec.topic === '') throw new Error(`handler spec file ${JSON.stringify(path)} has no topic`)
  // without an id there is nothing to replace: the server says what is wrong with the spec
  const existing = spec.id === '' ? null : await ctx.client.findTopicHandler(spec.topic, spec.id)
  if (existing === null) await ctx.client.createTopicHandler(spec)
  else await ctx.client.replaceTopicHandler(spec)
}
