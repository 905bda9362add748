/**
 * The data Kapacitor's alert node gives its templates, built with the Go shapes marked so
 * printing and `{{ json . }}` come out as Kapacitor's: structs with fields in Kapacitor's
 * order (Name, TaskName, Group, Tags, ServerInfo, ID, Fields, Level, Time, Duration,
 * Message — Go flattens the embedded idInfo/messageInfo into one JSON object), Tags a
 * map[string]string, Fields a map[string]interface{}, Time a time.Time, Duration a
 * time.Duration.
 */
import { GoDuration, GoTime, goStringMap, goStruct } from './values.js'

export interface ServerInfo {
  readonly hostname: string
  readonly clusterID: string
  readonly serverID: string
}

export interface IdTemplateInput {
  /** measurement name */
  readonly name: string
  readonly taskName: string
  /** the group id, or "nil" for the nil group (the caller renders it like Kapacitor) */
  readonly group: string
  readonly tags: Readonly<Record<string, string>>
  readonly serverInfo: ServerInfo
}

export interface MessageTemplateInput extends IdTemplateInput {
  readonly id: string
  readonly fields: Readonly<Record<string, unknown>>
  /** OK, INFO, WARNING, CRITICAL */
  readonly level: string
  /** ns */
  readonly time: bigint
  /** ns */
  readonly duration: bigint
}

/** Data of the `.id()` template: .Name .TaskName .Group .Tags .ServerInfo. */
export function idTemplateData(i: IdTemplateInput): object {
  return goStruct({
    Name: i.name,
    TaskName: i.taskName,
    Group: i.group,
    Tags: stringMap(i.tags),
    ServerInfo: serverInfo(i.serverInfo),
  }, 'kapacitor.idInfo')
}

/** Data of the `.message()` template: the id data plus .ID .Fields .Level .Time .Duration. */
export function messageTemplateData(i: MessageTemplateInput): object {
  return goStruct({
    Name: i.name,
    TaskName: i.taskName,
    Group: i.group,
    Tags: stringMap(i.tags),
    ServerInfo: serverInfo(i.serverInfo),
    ID: i.id,
    Fields: { ...i.fields },
    Level: i.level,
    Time: new GoTime(i.time),
    Duration: new GoDuration(i.duration),
  }, 'kapacitor.messageInfo')
}

/** Data of the `.details()` template: the message data plus .Message. */
export function detailsTemplateData(i: MessageTemplateInput, message: string): object {
  return goStruct({ ...messageTemplateData(i), Message: message }, 'kapacitor.detailsInfo')
}

function stringMap(tags: Readonly<Record<string, string>>): Record<string, string> {
  return goStringMap({ ...tags })
}

function serverInfo(s: ServerInfo): object {
  return goStruct({ Hostname: s.hostname, ClusterID: s.clusterID, ServerID: s.serverID }, 'kapacitor.serverInfo')
}
