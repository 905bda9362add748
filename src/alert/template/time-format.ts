/**
 * Go's time.Time.Format for a UTC instant: the reference-time layout
 * (Mon Jan 2 15:04:05 MST 2006) with Go's chunk rules — names, zero-padded and plain
 * numbers, 12-hour clock, zone forms (always UTC here), fractions .000/.999 (or ,000).
 */
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n))

export function formatGoTime(ns: bigint, layout: string): string {
  let sec = ns / 1_000_000_000n
  let nanos = Number(ns - sec * 1_000_000_000n)
  if (nanos < 0) { nanos += 1e9; sec -= 1n }
  const d = new Date(Number(sec) * 1000)
  const year = d.getUTCFullYear(), month = d.getUTCMonth(), day = d.getUTCDate()
  const hour = d.getUTCHours(), min = d.getUTCMinutes(), s = d.getUTCSeconds(), wd = d.getUTCDay()
  const yday = Math.floor((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1
  const h12 = hour % 12 === 0 ? 12 : hour % 12
  let out = ''
  let i = 0
  const at = (s2: string): boolean => layout.startsWith(s2, i)
  while (i < layout.length) {
    const c = layout[i]!
    let chunk: string | undefined
    let len = 0
    switch (c) {
      case 'J':
        if (at('January')) { chunk = MONTHS[month]!; len = 7 } else if (at('Jan')) { chunk = MONTHS[month]!.slice(0, 3); len = 3 }
        break
      case 'M':
        if (at('Monday')) { chunk = DAYS[wd]!; len = 6 } else if (at('Mon')) { chunk = DAYS[wd]!.slice(0, 3); len = 3 } else if (at('MST')) { chunk = 'UTC'; len = 3 }
        break
      case '0':
        if (at('002')) { chunk = String(yday).padStart(3, '0'); len = 3 } else {
          const n = layout[i + 1]
          const v = n === '1' ? p2(month + 1) : n === '2' ? p2(day) : n === '3' ? p2(h12) : n === '4' ? p2(min) : n === '5' ? p2(s) : n === '6' ? p2(year % 100) : undefined
          if (v !== undefined) { chunk = v; len = 2 }
        }
        break
      case '1':
        if (at('15')) { chunk = String(hour); len = 2 } else { chunk = String(month + 1); len = 1 }
        break
      case '2':
        if (at('2006')) { chunk = String(year).padStart(4, '0'); len = 4 } else { chunk = String(day); len = 1 }
        break
      case '_':
        if (at('_2') && !at('_2006')) { chunk = day < 10 ? ` ${day}` : String(day); len = 2 } else if (at('__2')) { chunk = String(yday).padStart(3, ' '); len = 3 }
        break
      case '3': chunk = String(h12); len = 1; break
      case '4': chunk = String(min); len = 1; break
      case '5': chunk = String(s); len = 1; break
      case 'P': if (at('PM')) { chunk = hour >= 12 ? 'PM' : 'AM'; len = 2 } break
      case 'p': if (at('pm')) { chunk = hour >= 12 ? 'pm' : 'am'; len = 2 } break
      case '-':
      case 'Z': {
        for (const z of ['070000', '07:00:00', '0700', '07:00', '07']) {
          if (layout.startsWith(z, i + 1)) {
            chunk = c === 'Z' ? 'Z' : `+${z.replace(/7/g, '0')}` // UTC: offset zero
            len = 1 + z.length
            break
          }
        }
        break
      }
      case '.':
      case ',': {
        const digit = layout[i + 1]
        if (digit === '0' || digit === '9') {
          let j = i + 1
          while (layout[j] === digit) j++
          const next = layout[j]
          if (next === undefined || next < '0' || next > '9') {
            const n = j - i - 1
            const frac = String(nanos).padStart(9, '0').slice(0, n)
            if (digit === '0') chunk = c + frac
            else {
              const trimmed = frac.replace(/0+$/, '')
              chunk = trimmed === '' ? '' : c + trimmed
            }
            len = j - i
          }
        }
        break
      }
    }
    if (chunk === undefined) { out += c; i++ } else { out += chunk; i += len }
  }
  return out
}
