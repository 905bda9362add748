/**
 * httpPost([url]) / .endpoint(name): POSTs each point or batch as Kapacitor's JSON
 * (`{"series":[row]}` and a newline, as Go's json.Encoder writes a models.Result) and
 * passes the message on. Sends never block the task: they go through a bounded queue
 * (BoundedQueue) per node; when it is full the message is not sent, the `dropped`
 * counter grows and a warning is logged (at most once a second). A failed request or a
 * non-2xx answer is counted as a node error and logged, as Kapacitor logs "failed to POST
 * data" / "POST returned non 2xx status code". Requests in flight are aborted at task stop.
 *
 * `.codeField(name)` adds the response status (int, 0 when the request failed or was
 * dropped) to the message, so the message can only go on once its answer is known:
 * messages (and barriers, delete-groups) then leave in arrival order as their requests
 * complete. Kapacitor blocks the task for this; here nothing waits, and when more than
 * `2 × (capacity + concurrency)` messages are held behind an unanswered request, further
 * messages are dropped without being passed on (counted in `dropped`).
 *
 * The URL may be a Go template over the row, as Kapacitor's: `{{.Name}}` and
 * `{{index .Tags "key"}}` are supported (anything else fails the task start).
 */
import { performance } from 'node:perf_hooks'
import { httpPost } from '../net/http-post.js'
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { Tags } from '../model/point.js'
import { BoundedQueue } from '../pipeline/bounded-queue.js'
import type { BarrierMessage, BatchMessage, DeleteGroupMessage, Message, PointMessage } from '../pipeline/messages.js'
import { propCalls, propDuration, propFlag, propString, propStrings, tickString } from '../pipeline/props.js'
import { batchRow, pointRow, resultJSON, type Row } from '../pipeline/result-json.js'
import { BaseRuntime, type Counter, type NodeContext } from '../pipeline/runtime.js'
import { TaskStartError } from '../pipeline/task-execution.js'
import { indexKey, splitActions } from '../pipeline/template-actions.js'

export interface HttpPostQueueOptions {
  /** messages waiting behind the requests in flight (default 1000) */
  readonly capacity: number
  /** requests in flight at once (default 1) */
  readonly concurrency: number
}

/**
 * One request at a time, as Kapacitor posts: the receiver sees the messages in order.
 * Unlike Kapacitor, a slow receiver does not hold the task (and every write) back: up to
 * `capacity` messages wait, and what overflows is counted (`dropped`) and logged.
 */
export const DEFAULT_HTTP_POST_QUEUE: HttpPostQueueOptions = { capacity: 1000, concurrency: 1 }

/** A message waiting for its status code (codeField); code -1 = pass on unchanged. */
interface Slot {
  readonly msg: Message
  code: number | undefined
}

interface Post {
  readonly url: string
  readonly body: string
  readonly slot: Slot | undefined
}

interface Answer {
  readonly status: number
  readonly body: string | undefined
}

const NO_CAPTURE = 'unknown error, use .captureResponse() to capture the HTTP response'

export class HttpPostRuntime extends BaseRuntime {
  private readonly url: UrlTemplate
  private readonly headers: Record<string, string>
  private readonly timeoutMs: number
  private readonly capture: boolean
  private readonly codeField: string
  private readonly queue: BoundedQueue<Post, Answer>
  private readonly maxHeld: number
  private readonly held: Slot[] = []
  private dropped: Counter | undefined
  private stopped = false
  private lastDropLog = -Infinity
  private unloggedDrops = 0

  constructor(node: PipelineNode, ctx: NodeContext, queue: HttpPostQueueOptions = DEFAULT_HTTP_POST_QUEUE) {
    super(ctx)
    const urls = node.args.map(tickString)
    const endpointName = propStrings(node, 'endpoint')[0]
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    let rawUrl: string
    if (endpointName !== undefined) {
      const e = ctx.services.httpPostEndpoints.get(endpointName)
      if (!e) throw new TaskStartError(`endpoint '${endpointName}' does not exist`)
      rawUrl = e.url
      Object.assign(headers, e.headers)
      if (e.basicAuth) headers['Authorization'] = 'Basic ' + Buffer.from(`${e.basicAuth.username}:${e.basicAuth.password}`).toString('base64')
    } else {
      rawUrl = urls[0] ?? ''
    }
    // the node's headers are set last, over the endpoint's (Kapacitor's postRow)
    for (const [k, v] of propCalls(node, 'header')) headers[tickString(k!)] = tickString(v!)
    this.headers = headers
    try {
      this.url = compileUrlTemplate(rawUrl)
    } catch (err) {
      throw new TaskStartError(`error in url templating: ${(err as Error).message}`)
    }
    this.timeoutMs = Number(propDuration(node, 'timeout') / 1_000_000n)
    this.capture = propFlag(node, 'captureResponse')
    this.codeField = propString(node, 'codeField')
    this.maxHeld = 2 * (queue.capacity + queue.concurrency)
    this.queue = new BoundedQueue<Post, Answer>({
      capacity: queue.capacity,
      concurrency: queue.concurrency,
      send: (post, signal) => this.send(post, signal),
      onDone: (post, answer) => this.answered(post, answer),
      onError: (post, err) => this.failed(post, err),
    })
  }

  /** Resolves when no request is queued or in flight (tests). */
  idle(): Promise<void> {
    return this.queue.idle()
  }

  protected override point(p: PointMessage): void {
    this.post(p, this.url(p.name, p.tags), pointRow(p))
  }

  protected override batch(b: BatchMessage): void {
    this.post(b, this.url(b.name, b.tags), batchRow(b))
  }

  protected override barrier(m: BarrierMessage): void {
    this.passOn(m)
  }

  protected override deleteGroup(m: DeleteGroupMessage): void {
    this.passOn(m)
  }

  stop(): void {
    this.stopped = true
    this.held.length = 0
    this.queue.close()
  }

  private post(msg: PointMessage | BatchMessage, url: string, row: Row): void {
    const body = resultJSON([row]) + '\n'
    if (this.codeField === '') {
      if (!this.queue.push({ url, body, slot: undefined })) this.drop()
      this.ctx.emit(msg)
      return
    }
    const slot: Slot = { msg, code: undefined }
    if (this.queue.push({ url, body, slot })) {
      this.held.push(slot)
      return
    }
    this.drop()
    if (this.held.length === 0) {
      this.ctx.emit(this.withCode(msg, 0))
    } else if (this.held.length < this.maxHeld) {
      slot.code = 0
      this.held.push(slot)
    }
  }

  /**
   * Barriers and delete-groups keep their place behind messages waiting for a code. A
   * barrier that finds the hold full is left out (a later one carries a later time).
   */
  private passOn(m: BarrierMessage | DeleteGroupMessage): void {
    if (this.held.length === 0) this.ctx.emit(m)
    else if (m.kind === 'deleteGroup' || this.held.length < this.maxHeld) this.held.push({ msg: m, code: -1 })
  }

  private async send(post: Post, signal: AbortSignal): Promise<Answer> {
    const s = this.timeoutMs > 0 ? AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) : signal
    return httpPost({ url: post.url, headers: this.headers, body: post.body, signal: s, captureErrorBody: this.capture, egress: this.ctx.services.egress })
  }

  private answered(post: Post, a: Answer): void {
    if (this.stopped) return
    if (Math.trunc(a.status / 100) !== 2) this.ctx.error(new Error(`POST returned non 2xx status code ${a.status}: ${a.body ?? NO_CAPTURE}`))
    if (post.slot) this.resolve(post.slot, a.status)
  }

  private failed(post: Post, err: unknown): void {
    if (this.stopped) return
    this.ctx.error(new Error(`failed to POST data: ${errorText(err)}`))
    if (post.slot) this.resolve(post.slot, 0)
  }

  private resolve(slot: Slot, code: number): void {
    slot.code = code
    const held = this.held
    while (held.length > 0 && held[0]!.code !== undefined) {
      const s = held.shift()!
      this.ctx.emit(s.code === -1 ? s.msg : this.withCode(s.msg, s.code!))
    }
  }

  private withCode(msg: Message, code: number): Message {
    const f = this.codeField
    const c = BigInt(code)
    if (msg.kind === 'point') return { ...msg, fields: { ...msg.fields, [f]: c } }
    if (msg.kind === 'batch') return { ...msg, points: msg.points.map((p) => ({ ...p, fields: { ...p.fields, [f]: c } })) }
    return msg
  }

  private drop(): void {
    (this.dropped ??= this.ctx.counter('dropped')).add()
    this.unloggedDrops++
    const now = performance.now()
    if (now - this.lastDropLog < 1000) return
    this.lastDropLog = now
    this.ctx.logger.warn({ dropped: this.unloggedDrops, queued: this.queue.queued, in_flight: this.queue.inFlight }, 'httpPost queue full: messages not sent')
    this.unloggedDrops = 0
  }
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const cause = (err as { cause?: unknown }).cause
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message
}

/** A URL from a row's name and tags. */
export type UrlTemplate = (name: string, tags: Tags) => string

/**
 * Kapacitor executes the URL as a Go text/template over the row ({Name, Tags, Values}).
 * Supported actions: `{{.Name}}` and `{{index .Tags "key"}}` (a missing tag is empty, as
 * Go's index on a map gives the zero value). A URL without actions costs nothing per point.
 */
export function compileUrlTemplate(text: string): UrlTemplate {
  const parts = splitActions(text).map((p): string | { tag: string } | { name: true } => {
    if (typeof p === 'string') return p
    if (p.action === '.Name') return { name: true }
    const tag = indexKey(p.action, '.Tags')
    if (tag !== undefined) return { tag }
    throw new Error(`unsupported action {{${p.action}}} (only {{.Name}} and {{index .Tags "key"}})`)
  })
  if (parts.every((p) => typeof p === 'string')) {
    const fixed = (parts as string[]).join('')
    return () => fixed
  }
  return (name, tags) => {
    let out = ''
    for (const p of parts) out += typeof p === 'string' ? p : 'tag' in p ? (tags[p.tag] ?? '') : name
    return out
  }
}
