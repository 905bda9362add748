/**
 * The daemon's logger: pino, one JSON object per line, to standard output by default or
 * to `[logging] file` (`STDOUT`, `STDERR` or a path, appended to). Level from
 * `[logging] level` (Kapacitor's names: DEBUG, INFO, WARN, ERROR, OFF).
 *
 * Components take a child logger bound to what they are (`{service: 'http'}`,
 * `{service: 'udp', bind: ':8089'}`); nothing logs through a global.
 */
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino'
import type { LoggingConfig, LogLevel } from './config.js'

export type Logger = PinoLogger

const PINO_LEVELS: Readonly<Record<LogLevel, string>> = {
  DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', OFF: 'silent',
}

export function pinoLevel(level: LogLevel): string {
  return PINO_LEVELS[level]
}

export interface CreateLoggerOptions {
  /** Write here instead of what `logging.file` says (tests). */
  destination?: DestinationStream
}

export function createLogger(config: LoggingConfig, opts: CreateLoggerOptions = {}): Logger {
  const dest = opts.destination ?? destinationFor(config.file)
  return pino({
    level: pinoLevel(config.level),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, dest)
}

function destinationFor(file: string): DestinationStream {
  const upper = file.toUpperCase()
  if (file === '' || upper === 'STDOUT') return pino.destination({ dest: 1, sync: true })
  if (upper === 'STDERR') return pino.destination({ dest: 2, sync: true })
  return pino.destination({ dest: file, sync: false, mkdir: true, append: true })
}

/** A logger that drops everything (tests, embedding). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
