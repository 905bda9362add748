/** What every verb gets: the API client and where to print. */
import type { KapacitorClient } from './client.js'
import type { ProgressFactory } from './wait.js'

export interface Io {
  out(text: string): void
  err(text: string): void
  /** Progress bars while waiting; set only when stdout is a terminal. */
  readonly progress?: ProgressFactory
}

export interface CliContext {
  readonly client: KapacitorClient
  readonly io: Io
}

/** Wrong arguments: the verb's usage is printed and the exit status is 2. */
export class UsageError extends Error {
  constructor(message: string, readonly verb?: string) {
    super(message)
    this.name = 'UsageError'
  }
}

