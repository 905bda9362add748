/**
 * The special functions Go's math package has and JavaScript's Math lacks: erf, erfc,
 * gamma, logb and the Bessel functions. Computed numerically (series, continued fraction,
 * Lanczos, periodic trapezoid rule), close to double precision but NOT bit-identical to Go's
 * fdlibm/Cephes ports (relative differences of a few ulps, up to ~1e-10 for Yn near zeros).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x === Infinity) return 1
  if (x === -Infinity) return -1
  if (x === 0) return x
  const a = Math.abs(x)
  if (a < 2.5) {
    // Taylor series: 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = a
    let sum = a
    const x2 = a * a
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n
      const add = term / (2 * n + 1)
      sum += add
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break
    }
    const r = TWO_OVER_SQRT_PI * sum
    return x < 0 ? -r : r
  }
  const r = 1 - erfcLarge(a)
  return x < 0 ? -r : r
}

/**
 * erfc(a) for a > 0 by the Lentz continued fraction
 * erfc(a) = exp(-a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …)))); it converges fast for
 * large a and slowly (hence `maxTerms`) for moderate a.
 */
function erfcLarge(a: number, maxTerms = 500): number {
  if (a > 27) return 0
  const tiny = 1e-300
  let f = a
  let c = a
  let d = 0
  for (let n = 1; n < maxTerms; n++) {
    const an = n / 2
    d = a + an * d
    d = d === 0 ? tiny : d
    c = a + an / c
    c = c === 0 ? tiny : c
    d = 1 / d
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / f
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x === Infinity) return 0
  if (x === -Infinity) return 2
  if (x < 0.5) return 1 - erf(x)
  if (x < 2.5) {
    // 1 - erf loses digits here; the continued fraction converges slowly but fine with many terms
    return erfcLarge(x, 5000)
  }
  return erfcLarge(x)
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
]

export function gamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN
  if (x === Infinity) return Infinity
  if (x === 0) return Object.is(x, -0) ? -Infinity : Infinity
  if (x < 0 && Number.isInteger(x)) return NaN
  if (Number.isInteger(x) && x <= 171) {
    let r = 1
    for (let i = 2; i < x; i++) r *= i
    return r
  }
  if (x > 171.61447887182298) return Infinity
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x))
  const z = x - 1
  let a = LANCZOS[0]
  const t = z + 7.5
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i)
  // split the power to avoid overflow for large x
  const p = Math.pow(t, (z + 0.5) / 2)
  return Math.sqrt(2 * Math.PI) * p * (p * Math.exp(-t)) * a
}

/** Go's math.Logb: the binary exponent of x. */
export function logb(x: number): number {
  if (x === 0) return -Infinity
  if (!Number.isFinite(x)) return Number.isNaN(x) ? NaN : Infinity
  const a = Math.abs(x)
  let e = Math.floor(Math.log2(a))
  if (2 ** e > a) e--
  else if (2 ** (e + 1) <= a) e++
  return e
}

/** Jn(x) = 1/π ∫₀^π cos(nτ − x sin τ) dτ; the trapezoid rule is spectrally exact on this periodic integrand. */
export function jn(n: number, x: number): number {
  if (Number.isNaN(x)) return NaN
  if (!Number.isFinite(x)) return 0
  if (x === 0) return n === 0 ? 1 : 0
  const N = Math.max(64, Math.ceil(2 * (Math.abs(x) + Math.abs(n))) + 64)
  let sum = 0
  const h = Math.PI / N
  for (let k = 0; k <= N; k++) {
    const t = k * h
    const v = Math.cos(n * t - x * Math.sin(t))
    sum += k === 0 || k === N ? v / 2 : v
  }
  return (sum * h) / Math.PI
}

/**
 * Yn(x) = 1/π ∫₀^π sin(x sin τ − nτ) dτ − 1/π ∫₀^∞ (e^{nt} + (−1)^n e^{−nt}) e^{−x sinh t} dt (x > 0).
 */
export function yn(n: number, x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN
  if (x === 0) return -Infinity
  if (x === Infinity) return 0
  if (n < 0) return (n % 2 === 0 ? 1 : -1) * yn(-n, x)
  // not periodic: composite Simpson, fine enough for the oscillation
  let N = Math.max(4000, Math.ceil(40 * (x + n)))
  if (N % 2 === 1) N++
  const h = Math.PI / N
  let s1 = 0
  for (let k = 0; k <= N; k++) {
    const t = k * h
    const v = Math.sin(x * Math.sin(t) - n * t)
    s1 += (k === 0 || k === N ? 1 : k % 2 === 1 ? 4 : 2) * v
  }
  s1 *= h / 3
  // second integral: integrand decays like exp(nt − x e^t / 2); find the cut-off
  let T = 1
  while ((n + 1) * T - x * Math.sinh(T) > -745 && T < 50) T += 0.5
  const M = 20000
  const g = T / M
  const sign = n % 2 === 0 ? 1 : -1
  let s2 = 0
  for (let k = 0; k <= M; k++) {
    const t = k * g
    const e = Math.exp(-x * Math.sinh(t))
    const v = (Math.exp(n * t) + sign * Math.exp(-n * t)) * e
    s2 += (k === 0 || k === M ? 1 : k % 2 === 1 ? 4 : 2) * v
  }
  s2 *= g / 3
  return (s1 - s2) / Math.PI
}

/** Go's math.Pow special cases JavaScript's ** does not share. */
export function goPow(x: number, y: number): number {
  if (x === 1) return 1
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1
  return x ** y
}

export function pow10(n: number): number {
  if (n < -323) return 0
  if (n > 308) return Infinity
  return Number(`1e${n}`)
}
