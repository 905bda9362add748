/**
 * The per-group level history: change detection, Kapacitor's weighted flap percentage and
 * its hysteresis, stateChangesOnly expiry, episode durations.
 */
import t from 'tap'
import { AlertState } from '../../src/alert/state.js'

t.test('changed compares with the previous level; a fresh group starts at OK', async (t) => {
  const s = new AlertState({ history: 3, stateChangesInterval: 0n })
  s.add(0n, 0)
  t.equal(s.changed, false)
  s.add(1n, 3)
  t.equal(s.changed, true)
  t.equal(s.level, 3)
  s.add(2n, 3)
  t.equal(s.changed, false)
})

t.test('flap percentage: weights grow from 0.8 to 1.2 over the ring, as Kapacitor walks it', async (t) => {
  const s = new AlertState({ history: 5, stateChangesInterval: 0n })
  t.equal(s.percentChange(), 0)
  // ring after [OK, CRIT]: idx 1; pairs walked: (1,0) w .8 changed, (2,1) w .9 changed, (3,2) w 1.0, (4,3) w 1.1
  s.add(0n, 3)
  t.ok(Math.abs(s.percentChange() - (0.8 + 0.9) / 4) < 1e-12)
  // [OK, INFO, OK, INFO] newest last: the walk counts newest→previous, oldest→newest (wrap) and the next pair; the last pair is skipped
  const alt = new AlertState({ history: 4, stateChangesInterval: 0n })
  alt.add(0n, 1); alt.add(1n, 0); alt.add(2n, 1)
  t.ok(Math.abs(alt.percentChange() - (0.8 + (0.8 + 0.4 / 3) + (0.8 + 0.8 / 3)) / 3) < 1e-12)
})

t.test('flapping starts above high and ends only below low', async (t) => {
  const s = new AlertState({ history: 5, flapping: [0.2, 0.5], stateChangesInterval: 0n })
  const seen: boolean[] = []
  for (const l of [3, 0, 3, 0, 0, 0, 0, 0, 0]) {
    s.add(0n, l)
    seen.push(s.flapping)
  }
  t.same(seen, [false, false, true, true, true, true, true, false, false])
})

t.test('stateChangesOnly(d): an unchanged level expires d after the last event', async (t) => {
  const s = new AlertState({ history: 2, stateChangesInterval: 2n })
  s.add(1n, 3)
  t.equal(s.expired, false, 'a change is not an expiry')
  s.triggered(1n)
  s.add(2n, 3)
  t.equal(s.expired, false)
  s.add(3n, 3)
  t.equal(s.expired, true)
})

t.test('duration: from the first event after OK to the last event', async (t) => {
  const s = new AlertState({ history: 4, stateChangesInterval: 0n })
  s.add(10n, 2); s.triggered(10n)
  s.add(12n, 3); s.triggered(12n)
  t.equal(s.duration, 2n)
  s.add(15n, 0); s.triggered(15n)
  t.equal(s.duration, 5n)
  s.add(20n, 1); s.triggered(20n)
  t.equal(s.duration, 0n, 'a new episode')
})
