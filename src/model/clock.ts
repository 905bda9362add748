/** Wall-clock source, injected so that tests can fix "now". Core code never calls Date itself. */
export interface Clock {
  /** Nanoseconds since the Unix epoch. */
  nowNs(): bigint
}

export const systemClock: Clock = {
  nowNs: () => BigInt(Date.now()) * 1_000_000n,
}

export function fixedClock(ns: bigint): Clock {
  return { nowNs: () => ns }
}
