/**
 * Tasks and templates: definition (checked with the TICKscript front), persistence
 * (TaskStore), and running (a TaskExecution per enabled task, registered with the
 * matcher). Enabled tasks are started again when the daemon starts; a task that cannot
 * start keeps its status, is not executing and carries the message in `error` — the
 * daemon goes on. Mutations are serialised so that concurrent API calls cannot interleave
 * a stop with a start of the same task.
 */
import { randomUUID } from 'node:crypto'
import type { Clock } from '../model/clock.js'
import { formatRFC3339Nano } from '../model/rfc3339.js'
import { TickScriptError } from '../interp/errors.js'
import { checkAtStart, definePipeline, type Defined } from '../interp/eval/define.js'
import { toDot, type Dbrp, type TaskType } from '../interp/eval/pipeline-def.js'
import type { DeadmanConfig } from '../interp/eval/evaluate.js'
import { formatProgram } from '../interp/format.js'
import { parseTickScript } from '../interp/parse.js'
import type { Matcher } from '../match/matcher.js'
import type { Scheduler } from '../pipeline/scheduler.js'
import type { TaskServices } from '../pipeline/services.js'
import { TaskExecution } from '../pipeline/task-execution.js'
import { BadRequestError, NotFoundError } from './errors.js'
import type { Logger } from './logger.js'
import { GO_ZERO_TIME, type TaskRecord, type TaskStatus, type TaskStore, type TemplateRecord, type VarsJSON } from './task-store.js'

/** Kapacitor's ID rule. */
const ID_PATTERN = /^[-._\p{L}0-9]+$/u

export interface TaskInput {
  readonly id?: string
  readonly templateId?: string
  readonly type?: TaskType
  readonly dbrps?: readonly Dbrp[]
  readonly script?: string
  readonly status?: TaskStatus
  readonly vars?: VarsJSON
  readonly from?: string
  readonly where?: string
  /** design-doc batcher fields */
  readonly query?: string
  readonly period?: string
  readonly cron?: string
  readonly groupBy?: string
}

/** The definition fields of a task record besides Kapacitor's own. */
type DefinitionFields = 'type' | 'dbrps' | 'script' | 'vars' | 'from' | 'where' | BatcherField
type BatcherField = 'query' | 'period' | 'cron' | 'groupBy'
const BATCHER_FIELDS: readonly BatcherField[] = ['query', 'period', 'cron', 'groupBy']

function batcherFields(t: Partial<Record<BatcherField, string>>): Partial<Record<BatcherField, string>> {
  const out: Partial<Record<BatcherField, string>> = {}
  for (const k of BATCHER_FIELDS) if (t[k] !== undefined) out[k] = t[k]
  return out
}

function hasBatcherFields(t: Partial<Record<BatcherField, string>>): boolean {
  return BATCHER_FIELDS.some((k) => t[k] !== undefined)
}

export interface TemplateInput {
  readonly id?: string
  readonly type?: TaskType
  readonly script?: string
}

export interface ViewOptions {
  readonly dotView?: 'attributes' | 'labels'
  readonly scriptFormat?: 'formatted' | 'raw'
  /** the execution to show instead of the live one (`?replay-id=`: the task inside a replay) */
  readonly execution?: TaskExecution
}

export interface TaskServiceOptions {
  readonly store: TaskStore
  readonly matcher: Matcher
  readonly services: TaskServices
  readonly logger: Logger
  readonly clock: Clock
  readonly scheduler?: Scheduler
  readonly deadman?: DeadmanConfig
  /** deletes an alert topic (a deleted task's anonymous topics `main:<task>:<alert node>` go with it) */
  readonly deleteTopic?: (topic: string) => Promise<void>
}

export class TaskService {
  private readonly executions = new Map<string, TaskExecution>()
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly opts: TaskServiceOptions) {}

  /** what the daemon's tasks run with (replays copy it with their own httpOut and topics) */
  get services(): TaskServices {
    return this.opts.services
  }

  /** Runs mutations one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }

  private now(): string {
    return formatRFC3339Nano(this.opts.clock.nowNs())
  }

  // -------------------------------------------------------------------------------
  // Running

  private define(t: Pick<TaskRecord, DefinitionFields>): Defined {
    const streamer = t.from !== undefined || t.where !== undefined ? { ...(t.from !== undefined ? { from: t.from } : {}), ...(t.where !== undefined ? { where: t.where } : {}) } : undefined
    const batcher = hasBatcherFields(t)
      ? {
        query: t.query ?? '',
        ...(t.period !== undefined ? { period: t.period } : {}), ...(t.cron !== undefined ? { cron: t.cron } : {}),
        ...(t.groupBy !== undefined ? { groupBy: t.groupBy } : {}),
      }
      : undefined
    return definePipeline(t.script, {
      type: t.type ?? (batcher ? 'batch' : undefined), dbrps: t.dbrps, vars: t.vars,
      ...(this.opts.deadman ? { deadman: this.opts.deadman } : {}),
      ...(streamer ? { streamer } : {}),
      ...(batcher ? { batcher } : {}),
    })
  }

  /** Starts a task; throws with Kapacitor's message when it cannot start. */
  private start(t: TaskRecord): void {
    this.stop(t.id)
    const defined = this.define(t)
    const problems = checkAtStart(defined.pipeline)
    if (problems.length > 0) throw new TickScriptError(problems)
    const execution = new TaskExecution({
      id: t.id, type: defined.type, dbrps: defined.dbrps, pipeline: defined.pipeline,
      logger: this.opts.logger, clock: this.opts.clock, services: this.opts.services,
      ...(this.opts.scheduler ? { scheduler: this.opts.scheduler } : {}),
    })
    this.executions.set(t.id, execution)
    this.opts.matcher.add(t.id, execution.inputs())
  }

  private stop(id: string): void {
    const e = this.executions.get(id)
    if (!e) return
    this.opts.matcher.remove(id)
    this.executions.delete(id)
    e.stop()
  }

  /** Starts every enabled task (daemon start); failures are logged and kept in the task's error. */
  async startEnabled(): Promise<void> {
    for (const t of await this.opts.store.listTasks()) {
      if (t.status !== 'enabled') continue
      const error = this.tryStart(t)
      if (error !== t.error) await this.opts.store.putTask({ ...t, error })
    }
  }

  private tryStart(t: TaskRecord): string {
    try {
      this.start(t)
      return ''
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      this.opts.logger.error({ task: t.id, err: message }, 'failed to start task')
      return message
    }
  }

  /**
   * A private execution of a stored task (replays): its own services, clock and timers,
   * never registered with the matcher. Rejects with NotFoundError for an unknown task and
   * with the task's start error when it cannot start.
   */
  async isolatedExecution(id: string, opts: { services: TaskServices; clock: Clock; scheduler?: Scheduler; queries?: 'scheduled' | 'external' }): Promise<TaskExecution> {
    const t = await this.get(id)
    const defined = this.define(t)
    const problems = checkAtStart(defined.pipeline)
    if (problems.length > 0) throw new TickScriptError(problems)
    return new TaskExecution({
      id: t.id, type: defined.type, dbrps: defined.dbrps, pipeline: defined.pipeline,
      logger: this.opts.logger, clock: opts.clock, services: opts.services,
      ...(opts.scheduler ? { scheduler: opts.scheduler } : {}),
      ...(opts.queries ? { queries: opts.queries } : {}),
    })
  }

  stopAll(): void {
    for (const id of [...this.executions.keys()]) this.stop(id)
  }

  execution(id: string): TaskExecution | undefined {
    return this.executions.get(id)
  }

  get enabledCount(): number {
    return this.executions.size
  }

  // -------------------------------------------------------------------------------
  // Tasks

  async get(id: string): Promise<TaskRecord> {
    const t = await this.opts.store.getTask(id)
    if (!t) throw new NotFoundError(`no task exists with ID ${id}`)
    return t
  }

  list(): Promise<TaskRecord[]> {
    return this.opts.store.listTasks()
  }

  create(input: TaskInput): Promise<TaskRecord> {
    return this.serial(async () => {
      const id = input.id ?? randomUUID()
      checkId(id)
      if (await this.opts.store.getTask(id)) throw new BadRequestError(`task ${id} already exists`)
      let script = input.script ?? ''
      let type = input.type
      const templateId = input.templateId ?? ''
      if (templateId !== '') {
        if (input.script) throw new BadRequestError('cannot specify both template-id and script')
        const tpl = await this.opts.store.getTemplate(templateId)
        if (!tpl) throw new BadRequestError(`unknown template ${templateId}`)
        script = tpl.script
        type = tpl.type
      }
      if (script.trim() === '') throw new BadRequestError('must provide TICKscript')
      if ((input.from !== undefined || input.where !== undefined) && type === 'batch') throw new BadRequestError('from and where are only for stream tasks (streamers)')
      const batcher = hasBatcherFields(input)
      if (batcher && type === 'stream') throw new BadRequestError('query, period, cron and group-by are only for batch tasks (batchers)')
      if (batcher && (input.from !== undefined || input.where !== undefined)) throw new BadRequestError('a task is a streamer (from, where) or a batcher (query, period, cron, group-by), not both')
      if (batcher && (input.query ?? '').trim() === '') throw new BadRequestError('a batcher needs a query')
      if (batcher) type ??= 'batch'
      const now = this.now()
      const draft: TaskRecord = {
        id, templateId, type: type ?? 'stream', dbrps: input.dbrps ?? [], script, vars: input.vars ?? {},
        status: 'disabled', created: now, modified: now, lastEnabled: GO_ZERO_TIME, error: '',
        ...(input.from !== undefined ? { from: input.from } : {}), ...(input.where !== undefined ? { where: input.where } : {}),
        ...batcherFields(input),
      }
      const defined = this.defineOrBadRequest({ ...draft, type: type as TaskType })
      let rec: TaskRecord = { ...draft, type: defined.type, dbrps: defined.dbrps }
      if (input.status === 'enabled') rec = this.enable(rec)
      await this.opts.store.putTask(rec)
      return rec
    })
  }

  /** Starts a record being enabled: status enabled, last-enabled now, error ('' or why it cannot run). */
  private enable(rec: TaskRecord): TaskRecord {
    const error = this.tryStart(rec)
    return { ...rec, status: 'enabled', lastEnabled: this.now(), error }
  }

  private defineOrBadRequest(t: Pick<TaskRecord, DefinitionFields> & { type?: TaskType }): Defined {
    try {
      return this.define(t as TaskRecord)
    } catch (err) {
      if (err instanceof TickScriptError) throw new BadRequestError(err.message)
      throw err
    }
  }

  update(id: string, patch: TaskInput): Promise<TaskRecord> {
    return this.serial(async () => {
      const old = await this.get(id)
      const newId = patch.id !== undefined && patch.id !== '' ? patch.id : id
      if (newId !== id) {
        checkId(newId)
        if (await this.opts.store.getTask(newId)) throw new BadRequestError(`cannot rename task, task ${newId} already exists`)
      }
      let script = patch.script !== undefined && patch.script !== '' ? patch.script : old.script
      let type = patch.type ?? old.type
      let templateId = old.templateId
      if (patch.templateId !== undefined && patch.templateId !== '') {
        const tpl = await this.opts.store.getTemplate(patch.templateId)
        if (!tpl) throw new BadRequestError(`unknown template ${patch.templateId}`)
        templateId = tpl.id
        script = tpl.script
        type = tpl.type
      }
      const definitionChanged = script !== old.script || type !== old.type || templateId !== old.templateId ||
        (patch.dbrps !== undefined && patch.dbrps.length > 0) || patch.vars !== undefined || patch.from !== undefined || patch.where !== undefined ||
        hasBatcherFields(patch)
      let rec: TaskRecord = {
        ...old, id: newId, templateId, type, script,
        dbrps: patch.dbrps !== undefined && patch.dbrps.length > 0 ? patch.dbrps : (script !== old.script && patch.dbrps === undefined ? [] : old.dbrps),
        vars: patch.vars ?? old.vars,
        ...(patch.from !== undefined ? { from: patch.from } : {}), ...(patch.where !== undefined ? { where: patch.where } : {}),
        ...batcherFields(patch),
        modified: this.now(),
      }
      if (definitionChanged) {
        // a script with its own dbrp statements replaces the dbrps; else the old ones stay
        let defined: Defined
        try {
          defined = this.define(rec)
        } catch (err) {
          if (!(err instanceof TickScriptError) || rec.dbrps.length > 0 || old.dbrps.length === 0) {
            if (err instanceof TickScriptError) throw new BadRequestError(err.message)
            throw err
          }
          rec = { ...rec, dbrps: old.dbrps }
          defined = this.defineOrBadRequest(rec)
        }
        rec = { ...rec, type: defined.type, dbrps: defined.dbrps }
      }
      const status = patch.status ?? old.status
      const wasRunning = this.executions.has(id)
      if (newId !== id || status === 'disabled' || (definitionChanged && wasRunning)) this.stop(id)
      if (status === 'enabled' && (old.status !== 'enabled' || definitionChanged || newId !== id || !wasRunning)) {
        rec = old.status === 'enabled' ? { ...rec, status: 'enabled', error: this.tryStart(rec) } : this.enable(rec)
      } else if (status === 'disabled') {
        rec = { ...rec, status: 'disabled', error: '' }
      }
      if (newId !== id) await this.opts.store.deleteTask(id)
      await this.opts.store.putTask(rec)
      return rec
    })
  }

  delete(id: string): Promise<void> {
    return this.serial(async () => {
      this.stop(id)
      const t = await this.opts.store.getTask(id)
      await this.opts.store.deleteTask(id)
      if (t && this.opts.deleteTopic) for (const topic of anonymousTopics(this.defineQuietly(t), id)) await this.opts.deleteTopic(topic)
    })
  }

  private defineQuietly(t: TaskRecord): Defined | undefined {
    try { return this.define(t) } catch { return undefined }
  }

  /** Kapacitor's task object. */
  view(t: TaskRecord, opts: ViewOptions = {}): Record<string, unknown> {
    const e = opts.execution ?? this.executions.get(t.id)
    let dot = ''
    if (e) dot = e.dot(opts.dotView === 'labels')
    else {
      try { dot = toDot(this.define(t).pipeline, t.id) } catch { dot = '' }
    }
    return {
      link: { rel: 'self', href: `/kapacitor/v1/tasks/${t.id}` },
      id: t.id,
      'template-id': t.templateId,
      type: t.type,
      dbrps: t.dbrps.map((d) => ({ db: d.db, rp: d.rp })),
      script: opts.scriptFormat === 'raw' ? t.script : formatScript(t.script),
      vars: t.vars,
      dot,
      status: t.status,
      executing: e !== undefined,
      error: t.error,
      stats: e ? e.stats() : {},
      created: t.created,
      modified: t.modified,
      'last-enabled': t.lastEnabled,
      ...(t.from !== undefined ? { from: t.from } : {}),
      ...(t.where !== undefined ? { where: t.where } : {}),
      ...(t.query !== undefined ? { query: t.query } : {}),
      ...(t.period !== undefined ? { period: t.period } : {}),
      ...(t.cron !== undefined ? { cron: t.cron } : {}),
      ...(t.groupBy !== undefined ? { 'group-by': t.groupBy } : {}),
    }
  }

  // -------------------------------------------------------------------------------
  // Templates

  async getTemplate(id: string): Promise<TemplateRecord> {
    const t = await this.opts.store.getTemplate(id)
    if (!t) throw new NotFoundError(`no template exists with ID ${id}`)
    return t
  }

  listTemplates(): Promise<TemplateRecord[]> {
    return this.opts.store.listTemplates()
  }

  private defineTemplate(t: Pick<TemplateRecord, 'type' | 'script'>): Defined {
    try {
      return definePipeline(t.script, { type: t.type, template: true, ...(this.opts.deadman ? { deadman: this.opts.deadman } : {}) })
    } catch (err) {
      if (err instanceof TickScriptError) throw new BadRequestError(err.message)
      throw err
    }
  }

  createTemplate(input: TemplateInput): Promise<TemplateRecord> {
    return this.serial(async () => {
      const id = input.id ?? randomUUID()
      checkId(id)
      if (await this.opts.store.getTemplate(id)) throw new BadRequestError(`template ${id} already exists`)
      if (!input.script || input.script.trim() === '') throw new BadRequestError('must provide TICKscript')
      const defined = this.defineTemplate({ type: input.type ?? 'stream', script: input.script })
      const now = this.now()
      const rec: TemplateRecord = { id, type: input.type ?? defined.type, script: input.script, created: now, modified: now }
      await this.opts.store.putTemplate(rec)
      return rec
    })
  }

  /** Changing a template re-defines every task made from it and reloads the enabled ones. */
  updateTemplate(id: string, patch: TemplateInput): Promise<TemplateRecord> {
    return this.serial(async () => {
      const old = await this.getTemplate(id)
      const newId = patch.id !== undefined && patch.id !== '' ? patch.id : id
      if (newId !== id) {
        checkId(newId)
        if (await this.opts.store.getTemplate(newId)) throw new BadRequestError(`template ${newId} already exists`)
      }
      const rec: TemplateRecord = { ...old, id: newId, type: patch.type ?? old.type, script: patch.script || old.script, modified: this.now() }
      this.defineTemplate(rec)
      const tasks = (await this.opts.store.listTasks()).filter((t) => t.templateId === id)
      const updated: TaskRecord[] = []
      for (const t of tasks) {
        const next: TaskRecord = { ...t, templateId: newId, script: rec.script, type: rec.type, modified: rec.modified }
        try {
          this.define(next)
        } catch (err) {
          throw new BadRequestError(`error reloading associated task ${t.id}: ${err instanceof Error ? err.message : String(err)}`)
        }
        updated.push(next)
      }
      for (let t of updated) {
        if (t.status === 'enabled') t = { ...t, error: this.tryStart(t) }
        await this.opts.store.putTask(t)
      }
      if (newId !== id) await this.opts.store.deleteTemplate(id)
      await this.opts.store.putTemplate(rec)
      return rec
    })
  }

  deleteTemplate(id: string): Promise<void> {
    return this.serial(async () => {
      await this.opts.store.deleteTemplate(id)
    })
  }

  templateView(t: TemplateRecord, opts: ViewOptions = {}): Record<string, unknown> {
    let vars: Record<string, unknown> = {}
    let dot = ''
    let error = ''
    try {
      const d = definePipeline(t.script, { type: t.type, template: true })
      vars = Object.fromEntries(Object.entries(d.vars).map(([k, v]) => [k, { type: v.type, value: v.value, description: v.description }]))
      dot = toDot(d.pipeline, t.id)
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
    }
    return {
      link: { rel: 'self', href: `/kapacitor/v1/templates/${t.id}` },
      id: t.id, type: t.type,
      script: opts.scriptFormat === 'raw' ? t.script : formatScript(t.script),
      vars, dot, error, created: t.created, modified: t.modified,
    }
  }
}

/** Kapacitor's anonymous topic of each alert node without `.topic()`: `main:<task>:<node>`. */
function anonymousTopics(d: Defined | undefined, id: string): string[] {
  if (!d) return []
  return d.pipeline.nodes.filter((n) => n.type === 'alert' && !(n.props.get('topic')?.length)).map((n) => `main:${id}:${n.name}`)
}

function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new BadRequestError(`task ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(id)}`)
}

/** Kapacitor returns scripts formatted by default; a script that does not format is returned as stored. */
function formatScript(script: string): string {
  try {
    return formatProgram(parseTickScript(script))
  } catch {
    return script
  }
}
