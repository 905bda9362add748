/**
 * Go's fmt as templates use it (printf verbs, flags, widths, precision, bad-verb and
 * missing/extra argument texts) and time.Time.Format layouts. Expected strings are Go's
 * output for the same calls.
 */
import t from 'tap'
import { compileGoTemplate, GoTime, goStruct, sprintf } from '../../../src/alert/template/index.js'

t.test('printf verbs and flags', async (t) => {
  const cases: [string, unknown[], string][] = [
    ['%0.2f', [97.5], '97.50'],
    ['%.2f', [0.125], '0.12'], // exact tie: round half to even, like strconv
    ['%.0f', [2.5], '2'],
    ['%.0f', [3.5], '4'],
    ['%.1f', [0.05], '0.1'], // 0.05 is a bit above the tie in binary
    ['%.2f', [1.005], '1.00'], // and 1.005 a bit below
    ['%f', [3], '3.000000'],
    ['%08.3f', [-3.14159], '-003.142'],
    ['%8.2f|%-8.2f|', [1.5, 1.5], '    1.50|1.50    |'],
    ['%+.1f % .1f', [2.25, 2.25], '+2.2  2.2'],
    ['%.2f', [1e21], '1000000000000000000000.00'],
    ['%e', [123456.789], '1.234568e+05'],
    ['%e', [0], '0.000000e+00'],
    ['%.0e', [15], '2e+01'],
    ['%E', [1e-10], '1.000000E-10'],
    ['%g', [100000], '100000'],
    ['%g', [1e6], '1e+06'],
    ['%g', [1e-5], '1e-05'],
    ['%.3g', [1234.5678], '1.23e+03'],
    ['%.3g', [0.0001234], '0.000123'],
    ['%.10g', [1 / 3], '0.3333333333'],
    ['%G', [1e-10], '1E-10'],
    ['%v', [0.1 + 0.2], '0.30000000000000004'],
    ['%v %v %v', [NaN, Infinity, -Infinity], 'NaN +Inf -Inf'],
    ['%5.1f|', [Infinity], ' +Inf|'],
    ['%d %+d %5d|%-5d|%05d', [42n, 5n, -42n, 7n, -42n], '42 +5   -42|7    |-0042'],
    ['%x %X %#x %o %#o %b', [255n, 255n, 255n, 8n, 8n, 5n], 'ff FF 0xff 10 010 101'],
    ['%x', [-255n], '-ff'],
    ['%c %q %U', [65n, 65n, 0x1F600n], "A 'A' U+1F600"],
    ['%s|%5s|%-5s|%.3s', ['ab', 'ab', 'ab', 'abcdef'], 'ab|   ab|ab   |abc'],
    ['%q', ['a"b\\c\u0001é\n'], '"a\\"b\\\\c\\x01é\\n"'],
    ['%x %X', ['hi', 'hi'], '6869 6869'],
    ['%t %v', [true, false], 'true false'],
    ['%v', [[1n, 'a', 2.5, null]], '[1 a 2.5 <nil>]'],
    ['%v', [{ b: 1n, a: [true] }], 'map[a:[true] b:1]'],
    ['%d', [[1n, 2n]], '[1 2]'],
    ['%T %T %T %T', [1.5, 1n, 's', true], 'float64 int64 string bool'],
    ['%6.2f%%', [99.5], ' 99.50%'],
    ['%[2]d %[1]d', [1n, 2n], '2 1'],
    ['%*d|%-*d|', [4n, 7n, 4n, 7n], '   7|7   |'],
    ['%v', [new GoTime(31536010000000000n)], '1971-01-01 00:00:10 +0000 UTC'],
    ['%v|%+v|%+d', [goStruct({ A: 1n, B: 'x' }), goStruct({ A: 1n, B: { c: 2.5 } }), 1n], '{1 x}|{A:1 B:map[c:2.5]}|+1'],
    // Go's texts for mistakes
    ['%d', [97.5], '%!d(float64=97.5)'],
    ['%s', [5n], '%!s(int64=5)'],
    ['%t', ['x'], '%!t(string=x)'],
    ['%s', [null], '%!s(<nil>)'],
    ['%d %d', [1n], '1 %!d(MISSING)'],
    ['%d', [1n, 2n, 'x'], '1%!(EXTRA int64=2, string=x)'],
    ['%z', [1n], '%!z(int64=1)'],
    ['100%', [], '100%!(NOVERB)'],
  ]
  for (const [format, args, want] of cases) t.equal(sprintf(format, args), want, `${format} ${args.map(String).join(',')}`)
})

t.test('printf through a template: literals are int64 or float64 as Go types them', async (t) => {
  const r = (s: string): string => compileGoTemplate(s).execute({ v: 97.5, n: 3n })
  t.equal(r('{{ printf "%d|%v|%.1f|%s" 3 3.0 .v "x" }}'), '3|3|97.5|x')
  t.equal(r('{{ printf "%d" 3.0 }}'), '%!d(float64=3)')
  t.equal(r('{{ printf "%05.1f" .v }} {{ printf "%03d" .n }}'), '097.5 003')
  t.equal(r('{{ printf "%s=%v" "a" .missing }}'), 'a=<nil>')
})

t.test('time.Time.Format layouts (UTC)', async (t) => {
  const tm = new GoTime(1526050686390633447n) // 2018-05-11T14:58:06.390633447Z, a Friday
  const cases: [string, string][] = [
    ['2006-01-02T15:04:05Z07:00', '2018-05-11T14:58:06Z'],
    ['2006-01-02T15:04:05.999999999Z07:00', '2018-05-11T14:58:06.390633447Z'],
    ['2006-01-02 15:04:05.000 -0700 MST', '2018-05-11 14:58:06.390 +0000 UTC'],
    ['Mon Jan _2 15:04:05 2006', 'Fri May 11 14:58:06 2018'],
    ['Monday, 02-Jan-06 3:04PM', 'Friday, 11-May-18 2:58PM'],
    ['January 2, 2006 at 03:04:05 pm', 'May 11, 2018 at 02:58:06 pm'],
    ['.999 ,000 .9', '.39 ,390 .3'],
    ['002 1/2/06 -07:00', '131 5/11/18 +00:00'],
  ]
  for (const [layout, want] of cases) t.equal(tm.Format(layout), want, layout)
  t.equal(compileGoTemplate('{{ .Time.Format "15:04" }}').execute({ Time: tm }), '14:58')
  t.equal(new GoTime(31536000000000000n).Format('.999|.000'), '|.000')
})
