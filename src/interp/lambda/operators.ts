/**
 * Binary and unary operators: Kapacitor's typing table (tick/stateful/evaluation_funcs.go)
 * as data, used both by the static check (types known at define time) and at run time.
 */
import type { BinaryOp, UnaryOp } from '../ast.js'
import { Duration, LambdaEvalError, Missing, floatToInt64, typeOf, wrap64, type Value, type ValueType } from './values.js'

type Key = `${ValueType} ${BinaryOp} ${ValueType}`

const TABLE = new Map<Key, ValueType>()
function allow(op: BinaryOp, l: ValueType, r: ValueType, result: ValueType): void {
  TABLE.set(`${l} ${op} ${r}`, result)
}
for (const op of ['AND', 'OR'] as const) allow(op, 'boolean', 'boolean', 'boolean')
for (const op of ['==', '!='] as const) allow(op, 'boolean', 'boolean', 'boolean')
for (const op of ['==', '!=', '<', '<=', '>', '>='] as const) {
  allow(op, 'int', 'int', 'boolean'); allow(op, 'float', 'float', 'boolean')
  allow(op, 'int', 'float', 'boolean'); allow(op, 'float', 'int', 'boolean')
  allow(op, 'string', 'string', 'boolean'); allow(op, 'duration', 'duration', 'boolean')
}
for (const op of ['=~', '!~'] as const) allow(op, 'string', 'regex', 'boolean')
allow('+', 'string', 'string', 'string')
for (const op of ['+', '-', '*', '/'] as const) {
  allow(op, 'int', 'int', 'int'); allow(op, 'float', 'float', 'float')
}
for (const op of ['+', '-', '*'] as const) allow(op, 'duration', 'duration', 'duration')
allow('*', 'duration', 'int', 'duration'); allow('*', 'int', 'duration', 'duration')
allow('*', 'duration', 'float', 'duration'); allow('*', 'float', 'duration', 'duration')
allow('/', 'duration', 'int', 'duration'); allow('/', 'duration', 'float', 'duration')
allow('/', 'duration', 'duration', 'int')
allow('%', 'int', 'int', 'int')

/** Types that appear on either side of some accepted pair for the operator (Go's typeToBinaryOperators). */
const TYPES_FOR_OP = new Map<BinaryOp, Set<ValueType>>()
for (const key of TABLE.keys()) {
  const [l, op, r] = key.split(' ') as [ValueType, BinaryOp, ValueType]
  let s = TYPES_FOR_OP.get(op)
  if (s === undefined) TYPES_FOR_OP.set(op, (s = new Set()))
  s.add(l); s.add(r)
}

export function binaryResultType(op: BinaryOp, l: ValueType, r: ValueType): ValueType | undefined {
  return TABLE.get(`${l} ${op} ${r}`)
}

function operatorKind(op: BinaryOp): string {
  switch (op) {
    case '+': case '-': case '*': case '/': case '%': return 'math'
    case 'AND': case 'OR': return 'logical'
    default: return 'comparison'
  }
}

/** Kapacitor's determineError wording for a refused pair. */
export function binaryTypeError(op: BinaryOp, l: ValueType, r: ValueType): string {
  if (!(TYPES_FOR_OP.get(op)?.has(l) ?? false)) return `invalid ${operatorKind(op)} operator ${op} for type ${l}`
  return `mismatched type to binary operator. got ${l} ${op} ${r}. see bool(), int(), float(), string(), duration()`
}

export function missingError(side: 'left' | 'right', m: Missing): LambdaEvalError {
  return new LambdaEvalError(`${side} reference value "${m.reference}" is missing value`)
}

function fail(op: BinaryOp, a: Value, b: Value): never {
  if (a instanceof Missing) throw missingError('left', a)
  if (b instanceof Missing) throw missingError('right', b)
  throw new LambdaEvalError(binaryTypeError(op, typeOf(a), typeOf(b)))
}

const DIV_ZERO = 'integer divide by zero'
const HIGH = /[\uD800-\uFFFF]/

/** Evaluates a binary operator on two already-evaluated values (AND/OR short-circuit in compile.ts). */
export function applyBinary(op: BinaryOp, a: Value, b: Value): Value {
  const ta = typeof a
  const tb = typeof b
  switch (op) {
    case 'AND': if (ta === 'boolean' && tb === 'boolean') return (a as boolean) && (b as boolean); break
    case 'OR': if (ta === 'boolean' && tb === 'boolean') return (a as boolean) || (b as boolean); break
    case '==': case '!=': {
      let eq: boolean | undefined
      if (ta === tb && (ta === 'boolean' || ta === 'string' || ta === 'number' || ta === 'bigint')) eq = a === b
      else if (ta === 'bigint' && tb === 'number') eq = Number(a) === b
      else if (ta === 'number' && tb === 'bigint') eq = a === Number(b)
      else if (a instanceof Duration && b instanceof Duration) eq = a.ns === b.ns
      if (eq !== undefined) return op === '==' ? eq : !eq
      break
    }
    case '<': case '<=': case '>': case '>=': {
      let x: number | bigint | string | undefined
      let y: number | bigint | string | undefined
      if (ta === 'string' && tb === 'string' && (HIGH.test(a as string) || HIGH.test(b as string))) {
        // Go compares UTF-8 bytes; UTF-16 order differs only around surrogates
        x = Buffer.compare(Buffer.from(a as string, 'utf8'), Buffer.from(b as string, 'utf8'))
        y = 0
      } else if (ta === tb && (ta === 'string' || ta === 'number' || ta === 'bigint')) { x = a as string; y = b as string }
      else if (ta === 'bigint' && tb === 'number') { x = Number(a); y = b as number }
      else if (ta === 'number' && tb === 'bigint') { x = a as number; y = Number(b) }
      else if (a instanceof Duration && b instanceof Duration) { x = a.ns; y = b.ns }
      if (x !== undefined && y !== undefined) {
        switch (op) {
          case '<': return x < y
          case '<=': return x <= y
          case '>': return x > y
          default: return x >= y
        }
      }
      break
    }
    case '=~': case '!~':
      if (ta === 'string' && b instanceof RegExp) return b.test(a as string) === (op === '=~')
      break
    case '+':
      if (ta === 'bigint' && tb === 'bigint') return wrap64((a as bigint) + (b as bigint))
      if (ta === 'number' && tb === 'number') return (a as number) + (b as number)
      if (ta === 'string' && tb === 'string') return (a as string) + (b as string)
      if (a instanceof Duration && b instanceof Duration) return new Duration(wrap64(a.ns + b.ns))
      break
    case '-':
      if (ta === 'bigint' && tb === 'bigint') return wrap64((a as bigint) - (b as bigint))
      if (ta === 'number' && tb === 'number') return (a as number) - (b as number)
      if (a instanceof Duration && b instanceof Duration) return new Duration(wrap64(a.ns - b.ns))
      break
    case '*':
      if (ta === 'bigint' && tb === 'bigint') return wrap64((a as bigint) * (b as bigint))
      if (ta === 'number' && tb === 'number') return (a as number) * (b as number)
      if (a instanceof Duration) {
        if (b instanceof Duration) return new Duration(wrap64(a.ns * b.ns))
        if (tb === 'bigint') return new Duration(wrap64(a.ns * (b as bigint)))
        if (tb === 'number') return new Duration(floatToInt64(Number(a.ns) * (b as number)))
      } else if (b instanceof Duration) {
        if (ta === 'bigint') return new Duration(wrap64((a as bigint) * b.ns))
        if (ta === 'number') return new Duration(floatToInt64((a as number) * Number(b.ns)))
      }
      break
    case '/':
      if (ta === 'bigint' && tb === 'bigint') {
        if (b === 0n) throw new LambdaEvalError(DIV_ZERO)
        return wrap64((a as bigint) / (b as bigint))
      }
      if (ta === 'number' && tb === 'number') return (a as number) / (b as number)
      if (a instanceof Duration) {
        if (b instanceof Duration) {
          if (b.ns === 0n) throw new LambdaEvalError(DIV_ZERO)
          return wrap64(a.ns / b.ns)
        }
        if (tb === 'bigint') {
          if (b === 0n) throw new LambdaEvalError(DIV_ZERO)
          return new Duration(wrap64(a.ns / (b as bigint)))
        }
        if (tb === 'number') return new Duration(floatToInt64(Number(a.ns) / (b as number)))
      }
      break
    case '%':
      if (ta === 'bigint' && tb === 'bigint') {
        if (b === 0n) throw new LambdaEvalError(DIV_ZERO)
        return (a as bigint) % (b as bigint)
      }
      break
  }
  return fail(op, a, b)
}

export function unaryResultType(op: UnaryOp, t: ValueType): ValueType | undefined {
  if (op === '!') return t === 'boolean' ? 'boolean' : undefined
  return t === 'int' || t === 'float' || t === 'duration' ? t : undefined
}

export function unaryTypeError(op: UnaryOp, t: ValueType): string {
  return `invalid unary operator ${op} for type ${t}`
}

export function applyUnary(op: UnaryOp, a: Value): Value {
  if (op === '!') {
    if (typeof a === 'boolean') return !a
  } else {
    if (typeof a === 'bigint') return wrap64(-a)
    if (typeof a === 'number') return -a
    if (a instanceof Duration) return new Duration(wrap64(-a.ns))
  }
  if (a instanceof Missing) throw new LambdaEvalError(`reference value "${a.reference}" is missing value`)
  throw new LambdaEvalError(unaryTypeError(op, typeOf(a)))
}
