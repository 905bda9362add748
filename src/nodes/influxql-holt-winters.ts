/**
 * Holt-Winters forecasting as InfluxDB's query engine does it (Kapacitor's holtWinters
 * node wraps that reducer): the points are bucketed onto `interval` (rounded, gaps become
 * NaN, later points of a bucket dropped), the damped additive-trend / multiplicative-season
 * model is fitted by Nelder-Mead from a 2×2×2×2 grid of starting guesses minimising the
 * squared error, and `h` values are forecast after the last point (with the fit: every
 * fitted value from the first point on). Reproducing the engine's numbers exactly means
 * keeping its quirks: the objective constrains and updates the parameter vector it is given
 * (the seasonal ring lives inside that vector), and forecast times are spaced from the
 * original, unrounded first/last point times.
 */

export interface HoltWintersOptions {
  readonly h: number
  readonly m: number
  readonly interval: bigint
  readonly includeFitData: boolean
}

export interface ForecastPoint {
  readonly time: bigint
  readonly value: number
}

const WEIGHT = 0.5
const EPSILON = 1.0e-4
const GUESS_LOWER = 0.3
const GUESS_UPPER = 1.0
const GUESS_STEP = 0.4

export function holtWinters(times: readonly bigint[], values: readonly number[], o: HoltWintersOptions): ForecastPoint[] {
  const seasonal = o.m >= 2
  const l = times.length
  if (l < 2 || (seasonal && l < o.m) || o.h <= 0 || o.interval <= 0n) return []
  const interval = o.interval
  const half = interval / 2n
  const round = (t: bigint): bigint => {
    // Go's `%` and `/` truncate toward zero, as bigint's do
    const rem = t % interval
    return rem > half ? (t / interval + 1n) * interval : (t / interval) * interval
  }
  const start = round(times[0]!)
  const stop = round(times[l - 1]!)
  if ((stop - start) / interval <= 0n) return []

  const y: number[] = [values[0]!]
  let t = start
  for (let i = 1; i < l; i++) {
    const rounded = round(times[i]!)
    if (rounded <= t) continue
    t += interval
    while (rounded !== t) {
      y.push(NaN)
      t += interval
    }
    y.push(values[i]!)
  }

  const m = o.m
  let l0 = 0
  if (seasonal) {
    for (let i = 0; i < m; i++) if (!Number.isNaN(y[i]!)) l0 += (1 / m) * y[i]!
  } else l0 += WEIGHT * y[0]!
  let b0 = 0
  if (seasonal) {
    for (let i = 0; i < m && m + i < y.length; i++) {
      if (!Number.isNaN(y[i]!) && !Number.isNaN(y[m + i]!)) b0 += (1 / (m * m)) * (y[m + i]! - y[i]!)
    }
  } else if (!Number.isNaN(y[1]!)) b0 = WEIGHT * (y[1]! - y[0]!)
  const s: number[] = []
  if (seasonal) for (let i = 0; i < m; i++) s.push(Number.isNaN(y[i]!) ? 0 : y[i]! / l0)

  const params = new Array<number>(6 + s.length).fill(0)
  params[4] = l0
  params[5] = b0
  for (let i = 0; i < s.length; i++) params[6 + i] = s[i]!

  const model = new Model(y, seasonal)
  const sse = (p: number[]): number => model.sse(p)
  let minSSE = Infinity
  let best: number[] | undefined
  for (let alpha = GUESS_LOWER; alpha < GUESS_UPPER; alpha += GUESS_STEP) {
    for (let beta = GUESS_LOWER; beta < GUESS_UPPER; beta += GUESS_STEP) {
      for (let gamma = GUESS_LOWER; gamma < GUESS_UPPER; gamma += GUESS_STEP) {
        for (let phi = GUESS_LOWER; phi < GUESS_UPPER; phi += GUESS_STEP) {
          params[0] = alpha
          params[1] = beta
          params[2] = gamma
          params[3] = phi
          const [v, p] = nelderMead(sse, params, EPSILON, 1)
          if (v < minSSE || best === undefined) {
            minSSE = v
            best = p
          }
        }
      }
    }
  }

  const forecast = model.forecast(o.h, best!)
  const out: ForecastPoint[] = []
  if (o.includeFitData) {
    const first = times[0]!
    forecast.forEach((v, i) => {
      if (!Number.isNaN(v)) out.push({ time: first + interval * BigInt(i), value: v })
    })
  } else {
    const last = times[l - 1]!
    for (let i = y.length; i < forecast.length; i++) {
      const v = forecast[i]!
      if (!Number.isNaN(v)) out.push({ time: last + interval * BigInt(i - y.length + 1), value: v })
    }
  }
  return out
}

class Model {
  constructor(private readonly y: readonly number[], private readonly seasonal: boolean) {}

  /** Forecasts the series and `h` values past it; constrains and updates `params` in place. */
  forecast(h: number, params: number[]): number[] {
    for (let i = 0; i < 4; i++) params[i] = Math.min(1, Math.max(0, params[i]!))
    let yT = this.y[0]!
    const phi = params[3]!
    let phiH = phi
    let lT = params[4]!
    let bT = params[5]!
    let m = 0
    let so = 0
    if (this.seasonal) {
      m = params.length - 6
      if (m === 1) params[6] = 1
      so = m - 1
    }
    const l = this.y.length
    const out = new Array<number>(l + h)
    out[0] = yT
    let stm = 1
    let stmh = 1
    for (let t = 1; t < l + h; t++) {
      if (this.seasonal) {
        stm = params[6 + ((t - m + so) % m)]!
        stmh = params[6 + ((t - m + (t % m) + so) % m)]!
      }
      const alpha = params[0]!
      const beta = params[1]!
      const gamma = params[2]!
      const lTp = lT
      const bTp = bT
      lT = alpha * (yT / stm) + (1 - alpha) * (lTp + phi * bTp)
      bT = beta * (lT - lTp) + (1 - beta) * phi * bTp
      const sT = gamma * (yT / (lTp + phi * bTp)) + (1 - gamma) * stm
      yT = (lT + phiH * bT) * stmh
      phiH += powInt(phi, t)
      if (this.seasonal) {
        params[6 + ((t + so) % m)] = sT
        so++
      }
      out[t] = yT
    }
    return out
  }

  sse(params: number[]): number {
    let sum = 0
    const f = this.forecast(0, params)
    for (let i = 0; i < f.length; i++) {
      if (Number.isNaN(this.y[i]!)) continue
      if (Number.isNaN(f[i]!)) return Infinity
      const d = f[i]! - this.y[i]!
      sum += d * d
    }
    return sum
  }
}

/** The Nelder-Mead simplex minimiser InfluxDB uses (reflection 1, contraction 0.5, expansion 2, 1000 iterations). */
export function nelderMead(f: (x: number[]) => number, start: readonly number[], epsilon: number, scale: number): [number, number[]] {
  const n = start.length
  const v: number[][] = []
  for (let i = 0; i <= n; i++) v.push(new Array<number>(n).fill(0))
  const fv = new Array<number>(n + 1).fill(0)
  const vr = new Array<number>(n).fill(0)
  const ve = new Array<number>(n).fill(0)
  const vc = new Array<number>(n).fill(0)
  const vm = new Array<number>(n).fill(0)
  const pn = (scale * (Math.sqrt(n + 1) - 1 + n)) / (n * Math.SQRT2)
  const qn = (scale * (Math.sqrt(n + 1) - 1)) / (n * Math.SQRT2)
  for (let i = 0; i < n; i++) v[0]![i] = start[i]!
  for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) v[i]![j] = (i - 1 === j ? pn : qn) + start[j]!
  for (let j = 0; j <= n; j++) fv[j] = f(v[j]!)

  for (let itr = 1; itr <= 1000; itr++) {
    let vg = 0
    let vs = 0
    for (let i = 0; i <= n; i++) {
      if (fv[i]! > fv[vg]!) vg = i
      if (fv[i]! < fv[vs]!) vs = i
    }
    let vh = vs
    for (let i = 0; i <= n; i++) if (fv[i]! > fv[vh]! && fv[i]! < fv[vg]!) vh = i
    for (let i = 0; i < n; i++) {
      let cent = 0
      for (let k = 0; k <= n; k++) if (k !== vg) cent += v[k]![i]!
      vm[i] = cent / n
    }
    for (let i = 0; i < n; i++) vr[i] = vm[i]! + 1.0 * (vm[i]! - v[vg]![i]!)
    const fr = f(vr)
    if (fr < fv[vh]! && fr >= fv[vs]!) {
      for (let i = 0; i < n; i++) v[vg]![i] = vr[i]!
      fv[vg] = fr
    }
    if (fr < fv[vs]!) {
      for (let i = 0; i < n; i++) ve[i] = vm[i]! + 2.0 * (vr[i]! - vm[i]!)
      const fe = f(ve)
      const src = fe < fr ? ve : vr
      for (let i = 0; i < n; i++) v[vg]![i] = src[i]!
      fv[vg] = fe < fr ? fe : fr
    }
    if (fr >= fv[vh]!) {
      if (fr < fv[vg]! && fr >= fv[vh]!) for (let i = 0; i < n; i++) vc[i] = vm[i]! + 0.5 * (vr[i]! - vm[i]!)
      else for (let i = 0; i < n; i++) vc[i] = vm[i]! - 0.5 * (vm[i]! - v[vg]![i]!)
      const fc = f(vc)
      if (fc < fv[vg]!) {
        for (let i = 0; i < n; i++) v[vg]![i] = vc[i]!
        fv[vg] = fc
      } else {
        for (let row = 0; row <= n; row++) {
          if (row === vs) continue
          for (let i = 0; i < n; i++) v[row]![i] = v[vs]![i]! + (v[row]![i]! - v[vs]![i]!) / 2.0
        }
        fv[vg] = f(v[vg]!)
        fv[vh] = f(v[vh]!)
      }
    }
    let fsum = 0
    for (let i = 0; i <= n; i++) fsum += fv[i]!
    const favg = fsum / (n + 1)
    let s = 0
    for (let i = 0; i <= n; i++) s += ((fv[i]! - favg) * (fv[i]! - favg)) / n
    if (Math.sqrt(s) < epsilon) break
  }
  let vs = 0
  for (let i = 0; i <= n; i++) if (fv[i]! < fv[vs]!) vs = i
  const best = v[vs]!.slice()
  return [f(v[vs]!), best]
}

/**
 * Go's math.Pow for a positive integer exponent: repeated squaring, so the rounding matches
 * Go's bit for bit (JavaScript's Math.pow may differ in the last place).
 */
export function powInt(x: number, n: number): number {
  if (n === 0 || x === 1) return 1
  if (n === 1) return x
  if (Number.isNaN(x)) return NaN
  let a = 1
  let sq = x
  for (let i = n; i !== 0; i = Math.floor(i / 2)) {
    if (i % 2 === 1) a *= sq
    sq *= sq
  }
  return a
}
