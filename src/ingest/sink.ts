import type { Point } from '../model/point.js'

/**
 * Where every accepted point goes. Until the matcher lands (src/match) the daemon's
 * sink only counts; a sink may return a promise when a write must not be acknowledged
 * before the points are durable (live recordings).
 */
export interface PointSink {
  write(points: readonly Point[]): void | Promise<void>
}

/** Counts what it receives; the daemon's sink until tasks exist. */
export class CountingSink implements PointSink {
  points = 0
  writes = 0
  write(points: readonly Point[]): void {
    this.points += points.length
    this.writes++
  }
}
