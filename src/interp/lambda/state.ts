/**
 * Per-group lambda state: the caller (a node's per-group runtime) keeps one LambdaState per
 * group and passes it to every evaluation; stateful functions (sigma, count, spread) keep
 * their running values in its slots, one slot per call site in the compiled expression.
 */
import { systemClock, type Clock } from '../../model/clock.js'
import type { CallContext } from './function-spec.js'

export interface LambdaStateOptions {
  /** now() reads it; defaults to the system clock. */
  readonly clock?: Clock
  /** rand() draws from it (uniform in [0, 1)); defaults to Math.random. */
  readonly random?: () => number
}

export class LambdaState implements CallContext {
  /** Stateful call-site states, created on first use. */
  readonly slots: unknown[] = []
  readonly clock: Clock
  readonly random: () => number
  constructor(options: LambdaStateOptions = {}) {
    this.clock = options.clock ?? systemClock
    this.random = options.random ?? Math.random
  }

  /** Forgets every running value (Kapacitor's Reset, e.g. when a group is deleted and re-created). */
  reset(): void {
    this.slots.length = 0
  }
}
