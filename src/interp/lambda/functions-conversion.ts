/** Conversion functions: bool, int, float, string, duration (Kapacitor's functions.go). */
import { formatInfluxDuration, parseInfluxDuration } from './durations.js'
import { exactlyMessage, fixed, formatFloatF, funcError, goFloatV, goTypeName, type FunctionSpec } from './function-spec.js'
import { Duration, floatToInt64, typeOf, type Value } from './values.js'

const TRUE_TEXT = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const FALSE_TEXT = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])

function parseBool(s: string): boolean {
  if (TRUE_TEXT.has(s)) return true
  if (FALSE_TEXT.has(s)) return false
  return funcError(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`)
}

function parseInt64(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) return funcError(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`)
  const v = BigInt(s)
  if (v !== BigInt.asIntN(64, v)) return funcError(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`)
  return v
}

function parseFloat64(s: string): number {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity
  if (/^[+-]?nan$/i.test(s)) return NaN
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return funcError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`)
  const v = Number(s)
  if (!Number.isFinite(v)) return funcError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`)
  return v
}

export const conversionFunctions: readonly FunctionSpec[] = [
  {
    name: 'bool', arity: [1], signatures: [['boolean'], ['string'], ['int'], ['float']], arityMessage: exactlyMessage('bool', 1), returns: fixed('boolean'),
    call([a]) {
      switch (typeof a) {
        case 'boolean': return a
        case 'string': return parseBool(a)
        case 'bigint':
          if (a === 0n) return false
          if (a === 1n) return true
          return funcError(`cannot convert ${a} to boolean`)
        case 'number':
          if (a === 0) return false
          if (a === 1) return true
          return funcError(`cannot convert ${goFloatV(a)} to boolean`)
        default: return funcError(`cannot convert ${goTypeName(typeOf(a))} to boolean`)
      }
    },
  },
  {
    name: 'int', arity: [1], signatures: [['boolean'], ['string'], ['int'], ['float']], arityMessage: exactlyMessage('int', 1), returns: fixed('int'),
    call([a]) {
      switch (typeof a) {
        case 'bigint': return a
        case 'number': return floatToInt64(a)
        case 'string': return parseInt64(a)
        case 'boolean': return a ? 1n : 0n
        default:
          if (a instanceof Duration) return a.ns
          return funcError(`cannot convert ${goTypeName(typeOf(a))} to integer`)
      }
    },
  },
  {
    name: 'float', arity: [1], signatures: [['boolean'], ['string'], ['int'], ['float']], arityMessage: exactlyMessage('float', 1), returns: fixed('float'),
    call([a]) {
      switch (typeof a) {
        case 'bigint': return Number(a)
        case 'number': return a
        case 'string': return parseFloat64(a)
        case 'boolean': return a ? 1 : 0
        default: return funcError(`cannot convert ${goTypeName(typeOf(a))} to float`)
      }
    },
  },
  {
    name: 'string', arity: [1], signatures: [['boolean'], ['string'], ['int'], ['float'], ['duration']], arityMessage: exactlyMessage('string', 1), returns: fixed('string'),
    call([a]) {
      switch (typeof a) {
        case 'bigint': return a.toString()
        case 'number': return formatFloatF(a)
        case 'string': return a
        case 'boolean': return a ? 'true' : 'false'
        default:
          if (a instanceof Duration) return formatInfluxDuration(a.ns)
          return funcError(`cannot convert ${goTypeName(typeOf(a))} to string`)
      }
    },
  },
  {
    name: 'duration', arity: [1, 2], signatures: [['duration'], ['int', 'duration'], ['float', 'duration'], ['string', 'duration']],
    arityMessage: 'duration expects one or two arguments duration(value, unit) where unit is optional depending on the type of value.',
    returns: fixed('duration'),
    call(args) {
      const a = args[0] as Value
      const unit = (): bigint => {
        if (args.length !== 2) return funcError('duration expects unit argument for int and float values')
        const u = args[1]
        if (!(u instanceof Duration)) return funcError(`invalid duration unit type: ${goTypeName(typeOf(u as Value))}`)
        return u.ns
      }
      if (a instanceof Duration) return a
      switch (typeof a) {
        case 'bigint': return new Duration(BigInt.asIntN(64, a * unit()))
        case 'number': return new Duration(floatToInt64(a * Number(unit())))
        case 'string': {
          const ns = parseInfluxDuration(a)
          if (ns === undefined) return funcError(`invalid duration string ${JSON.stringify(a)}`)
          return new Duration(ns)
        }
        default: return funcError(`cannot convert ${goTypeName(typeOf(a))} to duration`)
      }
    },
  },
]
