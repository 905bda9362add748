/** Every built-in lambda function by name (§3 of the semantics reference). */
import type { FunctionSpec } from './function-spec.js'
import { conversionFunctions } from './functions-conversion.js'
import { mathFunctions } from './functions-math.js'
import { miscFunctions } from './functions-misc.js'
import { statefulFunctions } from './functions-stateful.js'
import { stringFunctions } from './functions-string.js'

export const BUILTIN_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(
  [...conversionFunctions, ...mathFunctions, ...stringFunctions, ...miscFunctions, ...statefulFunctions].map((f) => [f.name, f]),
)
