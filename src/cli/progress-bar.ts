/** A cli-progress bar for waiting verbs (`record`, `replay`), drawn on a terminal stream. */
import cliProgress from 'cli-progress'
import type { Progress, ProgressFactory } from './wait.js'

/** Bars written to `stream` (stderr, so that stdout keeps only the ID a script reads). */
export function progressBars(stream: NodeJS.WritableStream): ProgressFactory {
  return (label: string): Progress => {
    const bar = new cliProgress.SingleBar({
      stream,
      format: `${label} [{bar}] {percentage}%`,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    }, cliProgress.Presets.legacy)
    bar.start(100, 0)
    return {
      update: (fraction) => { bar.update(Math.max(0, Math.min(100, Math.round(fraction * 100)))) },
      stop: () => { bar.stop() },
    }
  }
}
