/**
 * Tasks and templates as stored in the daemon's LevelDB (sublevels `tasks` and
 * `templates`, JSON values). Only definitions and status live here; running state
 * (executions, errors of the current run) is the task service's.
 */
import type { Level } from 'level'
import type { Dbrp, TaskType } from '../interp/eval/pipeline-def.js'

/** Kapacitor's vars JSON: `{"name": {"type": "...", "value": ..., "description": "..."}}`. */
export type VarsJSON = Record<string, { type: string; value: unknown; description?: string }>

export type TaskStatus = 'enabled' | 'disabled'

export interface TaskRecord {
  readonly id: string
  readonly templateId: string
  readonly type: TaskType
  readonly dbrps: readonly Dbrp[]
  readonly script: string
  readonly vars: VarsJSON
  readonly status: TaskStatus
  /** RFC3339Nano */
  readonly created: string
  readonly modified: string
  /** RFC3339Nano, Go's zero time when never enabled */
  readonly lastEnabled: string
  /** the last start error ('' when none) */
  readonly error: string
  /** design-doc streamer definition fields */
  readonly from?: string
  readonly where?: string
  /** design-doc batcher definition fields (API `query`, `period`, `cron`, `group-by`) */
  readonly query?: string
  readonly period?: string
  readonly cron?: string
  readonly groupBy?: string
}

export interface TemplateRecord {
  readonly id: string
  readonly type: TaskType
  readonly script: string
  readonly created: string
  readonly modified: string
}

export const GO_ZERO_TIME = '0001-01-01T00:00:00Z'

export class TaskStore {
  private readonly tasks
  private readonly templates

  constructor(db: Level<string, string>) {
    this.tasks = db.sublevel<string, TaskRecord>('tasks', { valueEncoding: 'json' })
    this.templates = db.sublevel<string, TemplateRecord>('templates', { valueEncoding: 'json' })
  }

  async getTask(id: string): Promise<TaskRecord | undefined> {
    return this.tasks.get(id)
  }

  async putTask(t: TaskRecord): Promise<void> {
    await this.tasks.put(t.id, t)
  }

  async deleteTask(id: string): Promise<void> {
    await this.tasks.del(id)
  }

  /** Every task, in id order. */
  async listTasks(): Promise<TaskRecord[]> {
    return this.tasks.values().all()
  }

  async getTemplate(id: string): Promise<TemplateRecord | undefined> {
    return this.templates.get(id)
  }

  async putTemplate(t: TemplateRecord): Promise<void> {
    await this.templates.put(t.id, t)
  }

  async deleteTemplate(id: string): Promise<void> {
    await this.templates.del(id)
  }

  async listTemplates(): Promise<TemplateRecord[]> {
    return this.templates.values().all()
  }
}
