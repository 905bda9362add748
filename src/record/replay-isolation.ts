/**
 * The isolated pieces of one replay: the stored task's execution built with a copy of the
 * daemon's services that has its own httpOut registry (served with `?replay-id=`), its
 * own alert topics and handlers (src/record/replay-alerts.ts), a kapacitorLoopback into
 * its own stream, a private matcher fed only by the replay, and a data-time clock and
 * scheduler. Nothing of it is registered with the daemon.
 */
import type { Clock } from '../model/clock.js'
import { Matcher } from '../match/matcher.js'
import { HttpOutRegistry } from '../pipeline/http-out-registry.js'
import type { TaskServices } from '../pipeline/services.js'
import type { TaskExecution } from '../pipeline/task-execution.js'
import { BadRequestError, NotFoundError } from '../server/errors.js'
import type { Logger } from '../server/logger.js'
import type { TaskService } from '../server/task-service.js'
import { ReplayAlertPublisher, ReplayHandlers } from './replay-alerts.js'
import { DataTimeScheduler } from './replay-scheduler.js'

export interface Isolated {
  readonly execution: TaskExecution
  readonly scheduler: DataTimeScheduler
  readonly matcher: Matcher
  readonly handlers: ReplayHandlers
  readonly httpOut: HttpOutRegistry
}

export interface IsolateOptions {
  readonly tasks: TaskService
  /** the daemon's services, copied */
  readonly services: TaskServices
  readonly logger: Logger
  /** the replay's start until its data's first time is known */
  readonly clock: Clock
}

/**
 * Builds the replay's execution of `task`. Rejects with NotFoundError (`task load: …`) for
 * a task that is gone and with BadRequestError (`task start: …`) when it cannot start.
 */
export async function isolate(o: IsolateOptions, task: string, replayId: string): Promise<Isolated> {
  const base = o.services
  const httpOut = new HttpOutRegistry()
  const handlers = new ReplayHandlers(base.createHandler, o.logger.child({ replay: replayId }))
  const matcher = new Matcher()
  const scheduler = new DataTimeScheduler(o.clock.nowNs())
  const services: TaskServices = {
    ...base,
    httpOut,
    alerts: new ReplayAlertPublisher(),
    createHandler: handlers.factory,
    // kapacitorLoopback writes into the replay's own stream, after the current write
    loopback: (points) => { queueMicrotask(() => matcher.write(points)) },
  }
  try {
    const execution = await o.tasks.isolatedExecution(task, { services, clock: scheduler, scheduler, queries: 'external' })
    matcher.add(task, execution.inputs())
    return { execution, scheduler, matcher, handlers, httpOut }
  } catch (err) {
    await handlers.close()
    if (err instanceof NotFoundError) throw new NotFoundError(`task load: ${err.message}`)
    // a script that no longer checks, a node that cannot start (Kapacitor: "task start: …")
    throw new BadRequestError(`task start: ${err instanceof Error ? err.message : String(err)}`)
  }
}