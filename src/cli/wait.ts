/**
 * Waiting for a recording or replay the server runs in the background: polls its object
 * (Kapacitor's CLI: every 500 ms while `status` is running) and reports `progress`
 * (0..1) to a progress display when there is one.
 */

/** What a verb shows while it waits; the CLI gives one only when stdout is a terminal. */
export interface Progress {
  update(fraction: number): void
  stop(): void
}

export type ProgressFactory = (label: string) => Progress

export interface Running {
  status?: string
  progress?: number
}

export interface PollOptions {
  /** Milliseconds between status requests while the server says running (Kapacitor: 500). */
  readonly pollMs?: number
  /** Wall clock in milliseconds, for `-duration` and `-past` (tests pin it). */
  readonly nowMs?: () => number
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `fetch` until the object is no longer running; the last answer. */
export async function waitWhileRunning<T extends Running>(first: T, fetch: () => Promise<T>, label: string, progress: ProgressFactory | undefined, opts: PollOptions = {}): Promise<T> {
  let current = first
  if (current.status !== 'running') return current
  const bar = progress?.(label)
  try {
    while (current.status === 'running') {
      bar?.update(current.progress ?? 0)
      await sleep(opts.pollMs ?? 500)
      current = await fetch()
    }
    if (current.status === 'finished') bar?.update(1)
  } finally {
    bar?.stop()
  }
  return current
}
