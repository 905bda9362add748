/**
 * A topic handler's `match` expression (Kapacitor's "alert match expressions"): a
 * TICKscript lambda body over the event's tags (`"host" == 's001'`; as in Kapacitor, a
 * reference is a tag of the alert's group — a tag the event lacks fails the match) plus
 * the event's metadata through functions — `level()` (int: OK=0 … CRITICAL=3, with the
 * vars OK, INFO, WARNING, CRITICAL in scope), `changed()` (the level differs from the
 * topic's previous state of that event), `name()` (measurement), `taskName()`,
 * `duration()`. E.g. `level() >= WARNING`, `changed() == TRUE`, `"host" == 's001'`.
 *
 * The lambda compiler knows only the built-in functions, so the metadata calls are
 * rewritten into references to reserved field names (a NUL prefix no real field or tag
 * can have) that the evaluated point carries.
 */
import type { Expr } from '../interp/ast.js'
import { parseLambdaExpr } from '../interp/parse.js'
import { compileLambda } from '../interp/lambda/compile.js'
import type { LambdaState } from '../interp/lambda/state.js'
import { Duration, type PointLike } from '../interp/lambda/values.js'
import { levelRank, type AlertEvent } from './types.js'

/** true when the handler gets the event; `changed`: the level differs from the topic's previous state of the event. */
export type MatchFn = (event: AlertEvent, changed: boolean) => boolean

const META = '\u0000'
const META_FUNCTIONS = new Set(['level', 'changed', 'name', 'taskName', 'duration'])

const SCOPE = new Map<string, bigint>([['OK', 0n], ['INFO', 1n], ['WARNING', 2n], ['CRITICAL', 3n]])

function rewrite(e: Expr): Expr {
  switch (e.kind) {
    case 'Call':
      if (e.args.length === 0 && META_FUNCTIONS.has(e.name.name)) return { kind: 'Reference', name: META + e.name.name, loc: e.loc }
      return { ...e, args: e.args.map(rewrite) }
    case 'Lambda': return { ...e, body: rewrite(e.body) }
    case 'Unary': return { ...e, operand: rewrite(e.operand) }
    case 'Binary': return { ...e, left: rewrite(e.left), right: rewrite(e.right) }
    default: return e
  }
}

/**
 * Compiles `match`; '' (or only blanks) matches every event. Throws TickScriptError (with
 * line/char) for a bad expression or an unknown identifier. The returned function throws
 * LambdaEvalError when the expression fails on an event (a missing tag, a type mismatch):
 * the caller logs it and does not deliver.
 */
export function compileMatch(source: string): MatchFn {
  if (source.trim() === '') return () => true
  const lambda = compileLambda(rewrite(parseLambdaExpr(source)), SCOPE)
  const state: LambdaState = lambda.newState()
  return (event, changed) => {
    const point: PointLike = {
      name: event.name ?? event.data[0]?.name ?? '',
      tags: event.tags,
      fields: {
        [META + 'level']: BigInt(levelRank(event.level)),
        [META + 'changed']: changed,
        [META + 'name']: event.name ?? event.data[0]?.name ?? '',
        [META + 'taskName']: event.taskName,
        [META + 'duration']: new Duration(event.duration),
      } as unknown as PointLike['fields'],
      time: event.time,
    }
    return lambda.evalBool(point, state)
  }
}
