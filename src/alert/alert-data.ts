/**
 * What an alert node's templates see (Kapacitor's idInfo / messageInfo / detailsInfo) and
 * how they are rendered: `.id()` and `.message()` are text templates, `.details()` an
 * HTML template. The data objects keep Kapacitor's field order, so `{{ json . }}` in
 * details writes the same JSON object Kapacitor writes (they are marked Go structs; Tags a
 * map[string]string, so a missing tag indexes as ""). The nil group renders as `nil`.
 */
import type { Fields, Tags } from '../model/point.js'
import { TaskStartError } from '../pipeline/task-execution.js'
import { compileGoTemplate, type GoTemplate } from './template/index.js'
import { GoDuration, GoTime, goStringMap, goStruct } from './template/values.js'
import type { AlertLevel } from './types.js'

export interface ServerInfo {
  readonly hostname: string
  readonly clusterId: string
  readonly serverId: string
}

export interface AlertTemplates {
  readonly id: GoTemplate
  readonly message: GoTemplate
  readonly details: GoTemplate
}

/** Compiles the three templates; a bad one stops the task from starting, with the parser's message. */
export function compileAlertTemplates(id: string, message: string, details: string): AlertTemplates {
  const compile = (name: string, text: string, html: boolean): GoTemplate => {
    try {
      return compileGoTemplate(text, { html, name })
    } catch (err) {
      throw new TaskStartError((err as Error).message)
    }
  }
  return { id: compile('id', id, false), message: compile('message', message, false), details: compile('details', details, true) }
}

/** Kapacitor's `.Group`: the group id, or `nil` for the nil group. */
export function groupString(groupId: string): string {
  return groupId === '' ? 'nil' : groupId
}

/** `.ServerInfo` as Go names its fields. */
export function serverInfoData(s: ServerInfo): { Hostname: string; ClusterID: string; ServerID: string } {
  return goStruct({ Hostname: s.hostname, ClusterID: s.clusterId, ServerID: s.serverId })
}

export interface IdData {
  readonly Name: string
  readonly TaskName: string
  readonly Group: string
  readonly Tags: Tags
  readonly ServerInfo: ReturnType<typeof serverInfoData>
}

export function idData(name: string, taskName: string, groupId: string, tags: Tags, server: ReturnType<typeof serverInfoData>): IdData {
  return goStruct({ Name: name, TaskName: taskName, Group: groupString(groupId), Tags: goStringMap(tags), ServerInfo: server })
}

export interface RenderedEvent {
  readonly message: string
  readonly details: string
}

/** Renders message then details (details see `.Message`), in Kapacitor's data shapes. */
export function renderMessageAndDetails(
  t: AlertTemplates, base: IdData, id: string, fields: Fields, level: AlertLevel, time: bigint, duration: bigint,
): RenderedEvent {
  const goTime = new GoTime(time)
  const goDuration = new GoDuration(duration)
  const message = t.message.execute(goStruct({
    Name: base.Name, TaskName: base.TaskName, Group: base.Group, Tags: base.Tags, ServerInfo: base.ServerInfo,
    ID: id, Fields: fields, Level: level, Time: goTime, Duration: goDuration,
  }))
  const details = t.details.execute(goStruct({
    Name: base.Name, TaskName: base.TaskName, Group: base.Group, Tags: base.Tags, ServerInfo: base.ServerInfo,
    ID: id, Fields: fields, Level: level, Time: goTime, Duration: goDuration, Message: message,
  }))
  return { message, details }
}
