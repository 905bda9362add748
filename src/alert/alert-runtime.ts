/**
 * The alert node (reference §4.1/§4.2, Kapacitor's alert.go): per group, each message's
 * level is determined from the info/warn/crit lambdas and their resets, pushed into the
 * group's history (src/alert/state.ts), and an event fires when the level is not OK or it
 * just became OK — unless the group is flapping or stateChangesOnly holds it back;
 * noRecoveries drops fired OK events. A fired event is published to the node's topic
 * (`.topic()` or the anonymous `main:<task>:<node>`), queued on each of the node's own
 * handlers (one Delivery each, so a slow endpoint never blocks the task), and the message
 * goes downstream with the level/id/message/duration tags and fields asked for. Nothing
 * else passes.
 *
 * A group first seen after a restart starts at the level its topic last sent, so
 * stateChangesOnly does not repeat an already-sent CRITICAL and a cleared condition gives
 * exactly one OK.
 *
 * Inhibition (src/alert/inhibitors.ts): with `.inhibit(category, tags…)` each group
 * registers an inhibitor, active while the group's level is not OK; an event of a node with
 * `.category(category)` whose tags match an active one is counted (`alerts_inhibited`)
 * and neither published nor handed to a handler. It still passes downstream.
 */
import type { PipelineNode } from '../interp/eval/pipeline-def.js'
import type { CompiledLambda } from '../interp/lambda/compile.js'
import type { LambdaState } from '../interp/lambda/state.js'
import type { Group } from '../model/group.js'
import type { Fields, Tags } from '../model/point.js'
import type { BatchMessage, BatchPoint, DeleteGroupMessage, PointMessage } from '../pipeline/messages.js'
import { lambdaOf, propFlag, propInt, propString, propValue } from '../pipeline/props.js'
import { batchRow, pointRow, type Row } from '../pipeline/result-json.js'
import { BaseRuntime, type Counter, type GroupStates, type NodeContext } from '../pipeline/runtime.js'
import { TaskStartError } from '../pipeline/task-execution.js'
import type { TickValue } from '../nodes/define-node.js'
import { compileAlertTemplates, idData, renderMessageAndDetails, serverInfoData, type AlertTemplates } from './alert-data.js'
import { Delivery } from './delivery.js'
import { handlerByTickName, tickHandlerOptions } from './handlers/index.js'
import { inhibitorFor, type Inhibitor } from './inhibitors.js'
import type { GlobalHandler } from '../pipeline/services.js'
import { AlertState, type StateOptions } from './state.js'
import { LEVELS, levelRank, type AlertEvent, type AlertLevel } from './types.js'

const OK = 0

interface GroupState {
  readonly group: Group
  readonly state: AlertState
  /** per level rank (1..3): the level lambda's and its reset's state */
  readonly levelStates: Array<LambdaState | undefined>
  readonly resetStates: Array<LambdaState | undefined>
  /** the id rendered for (idName, idTags): series share one tags object, so this is a cache hit per point */
  idName: string
  idTags: Tags | undefined
  id: string
  /** this group's `.inhibit()` inhibitors */
  readonly inhibitors: readonly Inhibitor[]
}

/** One `.inhibit(category, equalTags…)` call. */
interface InhibitSpec {
  readonly category: string
  readonly equalTags: readonly string[]
}

interface Augment {
  readonly levelTag: string
  readonly idTag: string
  readonly levelField: string
  readonly idField: string
  readonly messageField: string
  readonly durationField: string
}

export class AlertRuntime extends BaseRuntime {
  private readonly levels: Array<CompiledLambda | undefined> = [undefined, undefined, undefined, undefined]
  private readonly resets: Array<CompiledLambda | undefined> = [undefined, undefined, undefined, undefined]
  private readonly templates: AlertTemplates
  private readonly stateOpts: StateOptions
  private readonly stateChangesOnly: boolean
  private readonly globals: ReadonlyArray<GlobalHandler>
  private readonly noRecoveries: boolean
  private readonly all: boolean
  private readonly topic: string
  private readonly category: string | undefined
  private readonly inhibits: readonly InhibitSpec[]
  /** the inhibitors registered per group id (kept apart from the group states, which a delete-group clears first) */
  private readonly inhibitors = new Map<string, Inhibitor[]>()
  private readonly augment: Augment
  private readonly augments: boolean
  private readonly server: ReturnType<typeof serverInfoData>
  private readonly deliveries: Delivery[] = []
  /** the first lambda failure of the point being evaluated */
  private failure: unknown
  private readonly states: GroupStates<GroupState>
  private readonly stats: {
    alerts: Counter; oks: Counter; infos: Counter; warns: Counter; crits: Counter; inhibited: Counter
  }

  constructor(node: PipelineNode, ctx: NodeContext) {
    super(ctx)
    const names = ['', 'info', 'warn', 'crit'] as const
    for (let l = 1; l <= 3; l++) {
      this.levels[l] = lambdaOf(propValue(node, names[l]!))
      // a reset only matters for a level that can be reached
      if (this.levels[l]) this.resets[l] = lambdaOf(propValue(node, `${names[l]!}Reset`))
    }
    this.templates = compileAlertTemplates(propString(node, 'id'), propString(node, 'message'), propString(node, 'details'))
    const flapCalls = node.props.get('flapping')
    const flap = flapCalls?.[flapCalls.length - 1]?.args
    this.stateOpts = {
      history: Math.max(2, Number(propInt(node, 'history'))),
      ...(flap ? { flapping: [numberArg(flap[0]), numberArg(flap[1])] as const } : {}),
      stateChangesInterval: stateChangesInterval(node),
    }
    // config sections with global = true add their handler to every alert that has none of that kind
    const own = new Set(node.handlers.map((h) => handlerByTickName(h.spec.name)?.kind))
    this.globals = ctx.services.globalHandlers.filter((g) => !own.has(g.kind))
    this.stateChangesOnly = (node.props.get('stateChangesOnly')?.length ?? 0) > 0 || this.globals.some((g) => g.stateChangesOnly)
    this.noRecoveries = propFlag(node, 'noRecoveries')
    this.all = propFlag(node, 'all')
    this.topic = propString(node, 'topic') || `main:${ctx.task}:${node.name}`
    const category = propString(node, 'category')
    this.category = category === '' ? undefined : category
    this.inhibits = (node.props.get('inhibit') ?? []).map((c) => {
      const [cat, ...tags] = c.args.map((a) => (a.type === 'string' ? a.value : ''))
      return { category: cat ?? '', equalTags: tags }
    })
    this.augment = {
      levelTag: propString(node, 'levelTag'), idTag: propString(node, 'idTag'),
      levelField: propString(node, 'levelField'), idField: propString(node, 'idField'),
      messageField: propString(node, 'messageField'), durationField: propString(node, 'durationField'),
    }
    this.augments = Object.values(this.augment).some((v) => v !== '')
    this.server = serverInfoData(ctx.services.serverInfo)
    this.stats = {
      alerts: ctx.counter('alerts_triggered'), oks: ctx.counter('oks_triggered'), infos: ctx.counter('infos_triggered'),
      warns: ctx.counter('warns_triggered'), crits: ctx.counter('crits_triggered'), inhibited: ctx.counter('alerts_inhibited'),
    }
    // the create function fills the group at its first message (its id decides what is restored)
    this.states = ctx.groups(() => { throw new Error('alert group state is created at the first message') })
    this.buildHandlers(node)
  }

  private buildHandlers(node: PipelineNode): void {
    const wanted = [...node.handlers.map((h) => () => tickHandlerOptions(h)), ...this.globals.map((g) => () => ({ kind: g.kind, options: g.options }))]
    for (const get of wanted) {
      try {
        const { kind, options } = get()
        const handler = this.ctx.services.createHandler(kind, options)
        this.deliveries.push(new Delivery(handler, this.ctx.logger.child({ handler: kind })))
      } catch (err) {
        this.closeDeliveries()
        throw new TaskStartError(`${this.ctx.node.name}: ${(err as Error).message}`)
      }
    }
  }

  stop(): void {
    this.closeDeliveries()
    const registry = this.ctx.services.alerts.inhibitors
    for (const list of this.inhibitors.values()) for (const i of list) registry?.remove(i)
    this.inhibitors.clear()
  }

  protected override deleteGroup(msg: DeleteGroupMessage, parent: number): void {
    const list = this.inhibitors.get(msg.group.id)
    if (list) {
      for (const i of list) this.ctx.services.alerts.inhibitors?.remove(i)
      this.inhibitors.delete(msg.group.id)
    }
    super.deleteGroup(msg, parent)
  }

  /** Records the level determined at `t`; the group's inhibitors are active while it is not OK. */
  private record(g: GroupState, t: bigint, level: number): void {
    g.state.add(t, level)
    for (const i of g.inhibitors) i.active = level !== OK
  }

  private closeDeliveries(): void {
    for (const d of this.deliveries.splice(0)) {
      d.close().catch((err: unknown) => this.ctx.logger.error({ err }, 'closing an alert handler failed'))
    }
  }

  protected override point(p: PointMessage): void {
    const g = this.group(p.group, p.name, p.tags, p.time)
    const l = this.determineLevel(g, p, g.state.level)
    this.record(g, p.time, l)
    const s = g.state
    if ((this.stateOpts.flapping && s.flapping) || (this.stateChangesOnly && !s.changed && !s.expired)) return
    if (l === OK && !s.changed) return
    s.triggered(p.time)
    if (this.noRecoveries && l === OK) return
    const e = this.fire(g, p.name, p.group, p.tags, p.fields, l, p.time, [pointRow(p)])
    if (!this.augments) return this.ctx.emit(p)
    this.ctx.emit({ ...p, tags: this.augmentTags(p.tags, e), fields: this.augmentFields(p.fields, e) })
  }

  protected override batch(b: BatchMessage): void {
    const g = this.group(b.group, b.name, b.tags, b.tmax)
    if (b.points.length === 0) return
    const current = g.state.level
    let lowest = 3, highest = OK
    let highestPoint: BatchPoint | undefined
    for (const p of b.points) {
      const l = this.determineLevel(g, p, current)
      if (l < lowest) lowest = l
      if (l > highest || highestPoint === undefined) {
        highest = l
        highestPoint = p
      }
    }
    const l = this.all ? lowest : highest
    const t = this.all || l === OK ? b.tmax : highestPoint!.time
    this.record(g, t, l)
    const s = g.state
    // a batch recovery fires even while flapping (Kapacitor's batch condition)
    const fires = (s.changed && l === OK) ||
      (l !== OK && !((this.stateOpts.flapping && s.flapping) || (this.stateChangesOnly && !s.changed && !s.expired)))
    if (!fires) return
    s.triggered(t)
    if (this.noRecoveries && l === OK) return
    const e = this.fire(g, b.name, b.group, b.tags, highestPoint!.fields, l, t, [batchRow(b)])
    if (!this.augments) return this.ctx.emit(b)
    const points = b.points.map((p) => ({ ...p, tags: this.augmentTags(p.tags, e), fields: this.augmentFields(p.fields, e) }))
    this.ctx.emit({ ...b, tags: this.augmentTags(b.tags, e), points })
  }

  /** The group's state, created (and restored from the topic) at its first message; the id is re-rendered when the series changes. */
  private group(group: Group, name: string, tags: Tags, time: bigint): GroupState {
    let g = this.states.peek(group)
    if (g === undefined) {
      const id = this.renderId(name, group, tags)
      g = {
        group,
        state: new AlertState(this.stateOpts),
        levelStates: this.levels.map((lm) => lm?.newState({ clock: this.ctx.clock })),
        resetStates: this.resets.map((lm) => lm?.newState({ clock: this.ctx.clock })),
        idName: name, idTags: tags, id,
        inhibitors: this.groupInhibitors(group, tags),
      }
      const restored = this.ctx.services.alerts.lastState(this.topic, id)
      if (restored && restored.level !== 'OK') {
        this.record(g, time, levelRank(restored.level))
        g.state.triggered(restored.time)
        // the episode started `duration` before the last event sent
        g.state.firstTriggered = restored.time - restored.duration
      }
      this.states.set(group, g)
    } else if (g.idTags !== tags || g.idName !== name) {
      g.id = this.renderId(name, group, tags)
      g.idName = name
      g.idTags = tags
    }
    return g
  }

  /** Registers the group's inhibitors (from the tags of its first message, as Kapacitor). */
  private groupInhibitors(group: Group, tags: Tags): Inhibitor[] {
    const registry = this.ctx.services.alerts.inhibitors
    if (this.inhibits.length === 0 || registry === undefined) return []
    const old = this.inhibitors.get(group.id)
    if (old) for (const i of old) registry.remove(i)
    const list = this.inhibits.map((s) => inhibitorFor(s.category, s.equalTags, tags))
    for (const i of list) registry.add(i)
    this.inhibitors.set(group.id, list)
    return list
  }

  private renderId(name: string, group: Group, tags: Tags): string {
    return this.templates.id.execute(idData(name, this.ctx.task, group.id, tags, this.server))
  }

  /**
   * §4.2: the first true level from CRITICAL down to the current one; else, while the
   * current level's reset is false, stay; else the first true level from the current one
   * down to INFO; else OK. A lambda that fails does not match; the point counts one error.
   */
  private determineLevel(g: GroupState, p: BatchPoint, current: number): number {
    const l = this.levelOf(g, p, current)
    if (this.failure !== undefined) {
      // one error per point, however many of its lambdas failed
      const err = this.failure
      this.failure = undefined
      this.ctx.error(err, { group: g.group })
    }
    return l
  }

  private levelOf(g: GroupState, p: BatchPoint, current: number): number {
    const higher = this.firstMatch(g, p, 3, current)
    if (higher > OK) return higher
    const reset = this.resets[current]
    if (reset !== undefined) {
      try {
        if (!reset.evalBool(p, g.resetStates[current]!)) return current
      } catch (err) {
        this.failure ??= err
      }
    }
    return current > OK ? this.firstMatch(g, p, current, 1) : OK
  }

  private firstMatch(g: GroupState, p: BatchPoint, from: number, to: number): number {
    for (let l = from; l >= Math.max(to, 1); l--) {
      const lambda = this.levels[l]
      if (lambda === undefined) continue
      try {
        if (lambda.evalBool(p, g.levelStates[l]!)) return l
      } catch (err) {
        this.failure ??= err
      }
    }
    return OK
  }

  private fire(
    g: GroupState, name: string, group: Group, tags: Tags, fields: Fields, rank: number, time: bigint, data: readonly Row[],
  ): AlertEvent {
    const level = LEVELS[rank]!
    const duration = g.state.duration
    const base = idData(name, this.ctx.task, group.id, tags, this.server)
    const { message, details } = renderMessageAndDetails(this.templates, base, g.id, fields, level, time, duration)
    // as Kapacitor's topic does: the level last published for this id in this topic
    const previousLevel = this.ctx.services.alerts.lastState(this.topic, g.id)?.level ?? 'OK'
    const event: AlertEvent = {
      topic: this.topic, id: g.id, message, details, time, duration, level, previousLevel,
      recoverable: !this.noRecoveries, data, taskName: this.ctx.task, tags,
      name, group: base.Group, fields,
      ...(this.category !== undefined ? { category: this.category } : {}),
    }
    this.ctx.logger.debug({ level, id: event.id, msg: event.message }, 'alert triggered')
    this.stats.alerts.add()
    switch (rank) {
      case 0: this.stats.oks.add(); break
      case 1: this.stats.infos.add(); break
      case 2: this.stats.warns.add(); break
      default: this.stats.crits.add()
    }
    if (this.category !== undefined && this.ctx.services.alerts.inhibitors?.isInhibited(this.category, tags)) {
      this.stats.inhibited.add()
      return event
    }
    // the node's own handlers deliver only once the topic state is durable (no duplicate after a crash)
    const durable = this.ctx.services.alerts.publish(event)
    for (const d of this.deliveries) d.enqueue(event, durable)
    return event
  }

  private augmentTags(tags: Tags, e: AlertEvent): Tags {
    const a = this.augment
    if (a.levelTag === '' && a.idTag === '') return tags
    const out: Record<string, string> = { ...tags }
    if (a.levelTag !== '') out[a.levelTag] = e.level
    if (a.idTag !== '') out[a.idTag] = e.id
    return out
  }

  private augmentFields(fields: Fields, e: AlertEvent): Fields {
    const a = this.augment
    if (a.levelField === '' && a.idField === '' && a.messageField === '' && a.durationField === '') return fields
    const out: Record<string, Fields[string]> = { ...fields }
    if (a.levelField !== '') out[a.levelField] = e.level
    if (a.messageField !== '') out[a.messageField] = e.message
    if (a.idField !== '') out[a.idField] = e.id
    if (a.durationField !== '') out[a.durationField] = e.duration
    return out
  }
}

function numberArg(v: TickValue | undefined): number {
  if (v?.type === 'float') return v.value
  if (v?.type === 'int') return Number(v.value)
  return 0
}

/** `.stateChangesOnly(d)`: d in ns; 0 without an argument. */
function stateChangesInterval(node: PipelineNode): bigint {
  const v = propValue(node, 'stateChangesOnly')
  return v?.type === 'duration' ? v.ns : 0n
}
