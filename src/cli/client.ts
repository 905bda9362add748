/**
 * A small client of kapacitord's HTTP API (`/kapacitor/v1/...`) on Node's global fetch:
 * the calls the CLI verbs need, Kapacitor's JSON shapes, and errors that carry the
 * server's `{"error": msg}` text (what the Go client prints).
 */

export interface Dbrp {
  db: string
  rp: string
}

export interface ApiVar {
  type: string
  value?: unknown
  description?: string
}

export type ApiVars = Record<string, ApiVar>

export interface Link {
  rel: string
  href: string
}

/** The design's streamer and batcher fields of a task definition. */
export interface DesignDefinitionFields {
  /** Streamer definitions: the implicit from()'s measurement and where expression. */
  from?: string
  where?: string
  /** Batcher definitions: the implicit query node's query and schedule (agreement §3). */
  query?: string
  period?: string
  cron?: string
  'group-by'?: string
}

/** The task object (§5.2); every field is optional because `?fields=` trims it. */
export interface ApiTask extends DesignDefinitionFields {
  link?: Link
  id: string
  'template-id'?: string
  type?: string
  dbrps?: Dbrp[]
  script?: string
  vars?: ApiVars
  dot?: string
  status?: string
  executing?: boolean
  error?: string
  stats?: unknown
  created?: string
  modified?: string
  'last-enabled'?: string
}

export interface ApiTemplate {
  link?: Link
  id: string
  type?: string
  script?: string
  vars?: ApiVars
  dot?: string
  error?: string
  created?: string
  modified?: string
}

/** A recording (`status` running, finished or failed; `size` in bytes). */
export interface ApiRecording {
  link?: Link
  id: string
  type?: string
  size?: number
  date?: string
  error?: string
  status?: string
  progress?: number
}

export interface ApiReplay {
  link?: Link
  id: string
  task?: string
  recording?: string
  'recording-time'?: boolean
  clock?: string
  date?: string
  error?: string
  status?: string
  progress?: number
  stats?: unknown
}

/** An alert topic (`level`: the highest level of its events; `collected`: events published to it). */
export interface ApiTopic {
  link?: Link
  id: string
  level?: string
  collected?: number
  'events-link'?: Link
  'handlers-link'?: Link
}

/** The last state of one event of a topic. */
export interface ApiTopicEvent {
  link?: Link
  id: string
  state?: {
    message?: string
    details?: string
    time?: string
    duration?: string
    level?: string
  }
}

/** A handler defined on a topic through the API. */
export interface ApiTopicHandler {
  link?: Link
  id: string
  kind?: string
  options?: Record<string, unknown> | null
  match?: string
}

/** What POST .../handlers and PUT .../handlers/<id> accept (Kapacitor's TopicHandlerOptions). */
export interface TopicHandlerOptions {
  topic: string
  id: string
  kind: string
  match: string
  options: Record<string, unknown> | null
}

/** What POST /tasks and PATCH /tasks/<id> accept; absent fields are left unchanged by PATCH. */
export interface TaskOptions extends DesignDefinitionFields {
  id?: string
  'template-id'?: string
  type?: string
  dbrps?: Dbrp[]
  script?: string
  status?: 'enabled' | 'disabled'
  vars?: ApiVars
}

/** The fields of a task definition that a streamer or batcher adds to Kapacitor's. */
export const DEFINITION_EXTRAS = ['from', 'where', 'query', 'period', 'cron', 'group-by'] as const

export interface TemplateOptions {
  id?: string
  type?: string
  script?: string
}

export interface ListOptions {
  pattern?: string
  fields?: readonly string[]
  offset?: number
  limit?: number
}

/** An answer other than 2xx; `message` is the server's `error` text when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The server could not be reached (refused, DNS, TLS, reset). */
export class ConnectionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConnectionError'
  }
}

export const DEFAULT_URL = 'http://localhost:9092'

const BASE = '/kapacitor/v1'

export class KapacitorClient {
  private readonly base: string
  private readonly auth: string | undefined

  /** `url` may carry `user:password@` (Kapacitor's CLI accepts it); fetch refuses credentials in URLs, so they become a Basic header. */
  constructor(url: string) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new Error(`invalid URL ${JSON.stringify(url)}: it must be of the form http(s)://host:port`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`invalid URL ${JSON.stringify(url)}: the scheme must be http or https`)
    }
    if (parsed.username !== '' || parsed.password !== '') {
      const user = decodeURIComponent(parsed.username)
      const pass = decodeURIComponent(parsed.password)
      this.auth = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
      parsed.username = ''
      parsed.password = ''
    }
    this.base = parsed.toString().replace(/\/+$/, '')
  }

  get url(): string {
    return this.base
  }

  taskPath(id: string): string {
    return `${BASE}/tasks/${encodeURIComponent(id)}`
  }

  templatePath(id: string): string {
    return `${BASE}/templates/${encodeURIComponent(id)}`
  }

  task(id: string, query: Record<string, string> = {}): Promise<ApiTask> {
    return this.json<ApiTask>('GET', this.taskPath(id) + queryString(query))
  }

  /** null when the task does not exist (404). */
  findTask(id: string): Promise<ApiTask | null> {
    return this.orNull(this.task(id))
  }

  createTask(opts: TaskOptions): Promise<ApiTask> {
    return this.json<ApiTask>('POST', `${BASE}/tasks`, opts)
  }

  /** `path` is a task path or the `link.href` of a listed task. */
  updateTask(path: string, opts: TaskOptions): Promise<ApiTask> {
    return this.json<ApiTask>('PATCH', path, opts)
  }

  async listTasks(opts: ListOptions = {}): Promise<ApiTask[]> {
    const r = await this.json<{ tasks?: ApiTask[] }>('GET', `${BASE}/tasks${listQuery(opts)}`)
    return r.tasks ?? []
  }

  template(id: string): Promise<ApiTemplate> {
    return this.json<ApiTemplate>('GET', this.templatePath(id))
  }

  /** null when the template does not exist (404). */
  findTemplate(id: string): Promise<ApiTemplate | null> {
    return this.orNull(this.template(id))
  }

  createTemplate(opts: TemplateOptions): Promise<ApiTemplate> {
    return this.json<ApiTemplate>('POST', `${BASE}/templates`, opts)
  }

  updateTemplate(path: string, opts: TemplateOptions): Promise<ApiTemplate> {
    return this.json<ApiTemplate>('PATCH', path, opts)
  }

  async listTemplates(opts: ListOptions = {}): Promise<ApiTemplate[]> {
    const r = await this.json<{ templates?: ApiTemplate[] }>('GET', `${BASE}/templates${listQuery(opts)}`)
    return r.templates ?? []
  }

  /** `kind`: stream, batch or query; the body is Kapacitor's for that kind. */
  createRecording(kind: 'stream' | 'batch' | 'query', body: Record<string, unknown>): Promise<ApiRecording> {
    return this.json<ApiRecording>('POST', `${BASE}/recordings/${kind}`, body)
  }

  /** The design's open-ended recording of every point written: POST /recordings/stream with neither task nor stop. */
  startRecording(id?: string): Promise<ApiRecording> {
    return this.createRecording('stream', id !== undefined && id !== '' ? { id } : {})
  }

  /** Ends a running stream recording (POST /recordings/<id>/stop); the finished recording. */
  stopRecording(id: string): Promise<ApiRecording> {
    return this.json<ApiRecording>('POST', `${this.recordingPath(id)}/stop`, {})
  }

  /** The recording file as the server exports it (`.srpl` gzip or `.brpl` zip). */
  async exportRecording(id: string): Promise<Uint8Array> {
    const res = await this.send('GET', `${this.recordingPath(id)}/export`)
    return new Uint8Array(await res.arrayBuffer())
  }

  /** POST /recordings/import?id=&type=&precision= with the file as the body. */
  importRecording(file: Uint8Array, query: Record<string, string>): Promise<ApiRecording> {
    return this.json<ApiRecording>('POST', `${BASE}/recordings/import${queryString(query)}`, file)
  }

  /** `path`: the recording's link (a GET answers 202 while it runs). */
  recording(path: string): Promise<ApiRecording> {
    return this.json<ApiRecording>('GET', path)
  }

  recordingPath(id: string): string {
    return `${BASE}/recordings/${encodeURIComponent(id)}`
  }

  async listRecordings(opts: ListOptions = {}): Promise<ApiRecording[]> {
    const r = await this.json<{ recordings?: ApiRecording[] }>('GET', `${BASE}/recordings${listQuery(opts)}`)
    return r.recordings ?? []
  }

  /** `kind`: '' for a recording's replay, `batch` or `query` for replay-live. */
  createReplay(body: Record<string, unknown>, kind: '' | 'batch' | 'query' = ''): Promise<ApiReplay> {
    return this.json<ApiReplay>('POST', `${BASE}/replays${kind === '' ? '' : `/${kind}`}`, body)
  }

  replay(path: string): Promise<ApiReplay> {
    return this.json<ApiReplay>('GET', path)
  }

  replayPath(id: string): string {
    return `${BASE}/replays/${encodeURIComponent(id)}`
  }

  async listReplays(opts: ListOptions = {}): Promise<ApiReplay[]> {
    const r = await this.json<{ replays?: ApiReplay[] }>('GET', `${BASE}/replays${listQuery(opts)}`)
    return r.replays ?? []
  }

  topicPath(topic: string): string {
    return `${BASE}/alerts/topics/${encodeURIComponent(topic)}`
  }

  topicHandlerPath(topic: string, id: string): string {
    return `${this.topicPath(topic)}/handlers/${encodeURIComponent(id)}`
  }

  /** Topics whose id matches the glob `pattern` ('' = all), in id order. */
  async listTopics(pattern = ''): Promise<ApiTopic[]> {
    const r = await this.json<{ topics?: ApiTopic[] }>('GET', `${BASE}/alerts/topics${queryString(pattern === '' ? {} : { pattern })}`)
    return r.topics ?? []
  }

  topic(id: string): Promise<ApiTopic> {
    return this.json<ApiTopic>('GET', this.topicPath(id))
  }

  async topicEvents(topic: string): Promise<ApiTopicEvent[]> {
    const r = await this.json<{ events?: ApiTopicEvent[] }>('GET', `${this.topicPath(topic)}/events`)
    return r.events ?? []
  }

  /** The handlers of `topic` whose id matches the glob `pattern` ('' = all). */
  async listTopicHandlers(topic: string, pattern = ''): Promise<ApiTopicHandler[]> {
    const r = await this.json<{ handlers?: ApiTopicHandler[] }>('GET', `${this.topicPath(topic)}/handlers${queryString(pattern === '' ? {} : { pattern })}`)
    return r.handlers ?? []
  }

  topicHandler(topic: string, id: string): Promise<ApiTopicHandler> {
    return this.json<ApiTopicHandler>('GET', this.topicHandlerPath(topic, id))
  }

  /** null when the handler does not exist (404). */
  findTopicHandler(topic: string, id: string): Promise<ApiTopicHandler | null> {
    return this.orNull(this.topicHandler(topic, id))
  }

  createTopicHandler(o: TopicHandlerOptions): Promise<ApiTopicHandler> {
    return this.json<ApiTopicHandler>('POST', `${this.topicPath(o.topic)}/handlers`, o)
  }

  replaceTopicHandler(o: TopicHandlerOptions): Promise<ApiTopicHandler> {
    return this.json<ApiTopicHandler>('PUT', this.topicHandlerPath(o.topic, o.id), o)
  }

  /** DELETE of any object by its path (204; what does not exist is the caller's call). */
  async deletePath(path: string): Promise<void> {
    await this.send('DELETE', path)
  }

  debugVars(): Promise<Record<string, unknown>> {
    return this.json<Record<string, unknown>>('GET', `${BASE}/debug/vars`)
  }

  /** The body as the server sent it (`kapacitor vars` copies it to stdout). */
  async debugVarsText(): Promise<string> {
    return (await this.send('GET', `${BASE}/debug/vars`)).text()
  }

  private async orNull<T>(p: Promise<T>): Promise<T | null> {
    try {
      return await p
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null
      throw err
    }
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body)
    const text = await res.text()
    if (text === '') return {} as T
    try {
      return JSON.parse(text) as T
    } catch {
      throw new ApiError(res.status, `invalid JSON in the answer to ${method} ${path}: ${text.slice(0, 200)}`)
    }
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const url = this.base + path
    const headers: Record<string, string> = {}
    if (this.auth !== undefined) headers['Authorization'] = this.auth
    const raw = body instanceof Uint8Array
    if (body !== undefined) headers['Content-Type'] = raw ? 'application/octet-stream' : 'application/json'
    let res: Response
    try {
      res = await fetch(url, { method, headers, ...(body !== undefined ? { body: raw ? body : JSON.stringify(body) } : {}) })
    } catch (err) {
      throw new ConnectionError(`${method} ${url}: ${connectionCause(err)}`)
    }
    if (res.status >= 200 && res.status < 300) return res
    const text = await res.text()
    throw new ApiError(res.status, errorText(res.status, text))
  }
}

function connectionCause(err: unknown): string {
  // fetch wraps the socket error: TypeError('fetch failed', { cause: Error('connect ECONNREFUSED ...') }).
  const cause = (err as { cause?: unknown }).cause
  if (cause instanceof Error) {
    const errors = (cause as { errors?: unknown }).errors
    if (Array.isArray(errors) && errors[0] instanceof Error) return errors[0].message
    return cause.message
  }
  return err instanceof Error ? err.message : String(err)
}

/** The server's `error` (or `message`) text; otherwise the status and the start of the body. */
export function errorText(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown }
    if (typeof parsed.error === 'string' && parsed.error !== '') return parsed.error
    if (typeof parsed.message === 'string' && parsed.message !== '') return parsed.message
  } catch {
    // not JSON: fall through
  }
  const trimmed = body.trim()
  return trimmed === '' ? `HTTP ${status}` : `HTTP ${status}: ${trimmed.slice(0, 200)}`
}

function queryString(q: Record<string, string>): string {
  const s = new URLSearchParams(q).toString()
  return s === '' ? '' : `?${s}`
}

function listQuery(opts: ListOptions): string {
  const q = new URLSearchParams()
  if (opts.pattern !== undefined && opts.pattern !== '') q.set('pattern', opts.pattern)
  for (const f of opts.fields ?? []) q.append('fields', f)
  if (opts.offset !== undefined) q.set('offset', String(opts.offset))
  if (opts.limit !== undefined) q.set('limit', String(opts.limit))
  const s = q.toString()
  return s === '' ? '' : `?${s}`
}
