/**
 * Time, formatting, presence and conditional functions.
 *
 * Time zone: Kapacitor converts "time" to the server's local zone before minute()/hour()/
 * weekday()/day()/month()/year(). We pin UTC (deterministic across hosts and replays; the
 * usual server setting). A deployment relying on a non-UTC server zone would see other hours.
 */
import { exactlyMessage, fixed, funcError, goFloatV, goTypeName, type FunctionSpec } from './function-spec.js'
import { Instant, Missing, typeOf, type Value, type ValueType } from './values.js'

const NS_PER_DAY = 86_400_000_000_000n

interface Civil { year: number; month: number; day: number; hour: number; minute: number; weekday: number }

/** UTC civil fields of an instant (Howard Hinnant's days-from-civil inverse), exact for any int64 ns. */
export function civilUTC(ns: bigint): Civil {
  let days = ns / NS_PER_DAY
  let rem = ns % NS_PER_DAY
  if (rem < 0n) { rem += NS_PER_DAY; days -= 1n }
  const secOfDay = Number(rem / 1_000_000_000n)
  const z = Number(days) + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  const weekday = (((Number(days) + 4) % 7) + 7) % 7 // 1970-01-01 was a Thursday
  return { year, month, day, hour: Math.floor(secOfDay / 3600), minute: Math.floor((secOfDay % 3600) / 60), weekday }
}

const timeFn = (name: string, get: (c: Civil) => number): FunctionSpec => ({
  name, arity: [1], arityMessage: exactlyMessage(name, 1), returns: fixed('int'), signatures: [['time']],
  call: ([a]) => a instanceof Instant ? BigInt(get(civilUTC(a.ns))) : funcError(`cannot convert ${goTypeName(typeOf(a as Value))} to time.Time`),
})

/** go-humanize Bytes: SI units (base 1000), one decimal below 10. */
export function humanBytes(s: bigint): string {
  if (s < 10n) return `${s} B`
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB']
  const f = Number(s)
  const e = Math.floor(Math.log(f) / Math.log(1000))
  const suffix = sizes[e]
  const val = Math.floor((f / Math.pow(1000, e)) * 10 + 0.5) / 10
  return val < 10 ? `${val.toFixed(1)} ${suffix}` : `${val.toFixed(0)} ${suffix}`
}

/** Go's uint64(float64) for the values humanBytes sees (amd64: negative and huge values wrap/saturate). */
function toUint64(v: number): bigint {
  if (!Number.isFinite(v)) return 9223372036854775808n
  return BigInt.asUintN(64, BigInt(Math.trunc(v)))
}

function sameType(a: ValueType | undefined, b: ValueType | undefined): ValueType | undefined {
  return a !== undefined && a === b ? a : undefined
}

export const miscFunctions: readonly FunctionSpec[] = [
  timeFn('minute', (c) => c.minute),
  timeFn('hour', (c) => c.hour),
  timeFn('weekday', (c) => c.weekday),
  timeFn('day', (c) => c.day),
  timeFn('month', (c) => c.month),
  timeFn('year', (c) => c.year),
  {
    name: 'unixNano', arity: [1], arityMessage: exactlyMessage('unixNano', 1), returns: fixed('int'), signatures: [['time']],
    call: ([a]) => a instanceof Instant ? a.ns : funcError(`cannot convert ${goTypeName(typeOf(a as Value))} to time.Time`),
  },
  {
    name: 'now', arity: [0], arityMessage: 'now expects exactly zero argument', returns: fixed('time'), signatures: [[]],
    call: (_args, _s, ctx) => new Instant(ctx.clock.nowNs()),
  },
  {
    name: 'humanBytes', arity: [1], arityMessage: exactlyMessage('humanBytes', 1), returns: fixed('string'), signatures: [['float'], ['int']],
    call: ([a]) => {
      if (typeof a === 'bigint') return humanBytes(BigInt.asUintN(64, a))
      if (typeof a === 'number') return humanBytes(toUint64(a))
      return funcError(`cannot convert ${goTypeName(typeOf(a as Value))} to humanBytes`)
    },
  },
  {
    name: 'isPresent', arity: [1], arityMessage: 'isMissing expects exactly one argument' /* sic, Kapacitor's text */, returns: fixed('boolean'),
    signatures: [['missing'], ['boolean'], ['string'], ['int'], ['float']],
    call: ([a]) => !(a instanceof Missing),
  },
  {
    name: 'if', arity: [3], arityMessage: 'if expects exactly three arguments',
    signatures: (['float', 'int', 'string', 'boolean', 'regex', 'time', 'duration'] as const).map((t) => ['boolean', t, t]),
    returns: (types) => sameType(types[1], types[2]),
    call: ([c, a, b]) => {
      if (typeof c !== 'boolean') return funcError(`first argument to if must be a condition with type of bool - got ${goTypeName(typeOf(c as Value))}`)
      const ta = typeOf(a as Value)
      const tb = typeOf(b as Value)
      if (ta !== tb) return funcError(`Different return types are not supported - second argument is ${goTypeName(ta)} and third argument is ${goTypeName(tb)}`)
      return (c ? a : b) as Value
    },
  },
]

export { goFloatV }
