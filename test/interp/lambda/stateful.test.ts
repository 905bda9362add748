/** Stateful functions: running values per LambdaState (one per group), one slot per call site. */
import t from 'tap'
import { parseLambdaExpr } from '../../../src/interp/parse.js'
import { compileLambda } from '../../../src/interp/lambda/compile.js'
import { LambdaEvalError } from '../../../src/interp/lambda/values.js'
import { ev, point } from './helpers.js'

const lambda = (src: string) => compileLambda(parseLambdaExpr(src))

t.test('count() counts evaluations per state', async (t) => {
  const c = lambda('count()')
  const a = c.newState()
  const b = c.newState()
  t.same([c.eval(point(), a), c.eval(point(), a), c.eval(point(), a)], [1n, 2n, 3n])
  t.same([c.eval(point(), b), c.eval(point(), a)], [1n, 4n], 'groups are independent')
  a.reset()
  t.equal(c.eval(point(), a), 1n, 'reset forgets')
  t.equal(ev('count(1)'), 'problem: error calling "count": count expects exactly zero arguments')
})

t.test('sigma(): |x − running mean| / running stddev, 0 until two samples or zero variance', async (t) => {
  const c = lambda('sigma("v")')
  const s = c.newState()
  const out = [1, 2, 3, 3, 3].map((v) => c.eval(point({ v }), s) as number)
  t.equal(out[0], 0)
  t.ok(Math.abs(out[1] - Math.SQRT1_2) < 1e-15, String(out[1]))
  t.equal(out[2], 1)
  t.ok(out[3] > 0 && out[4] > 0)
  const z = c.newState()
  t.same([c.eval(point({ v: 5 }), z), c.eval(point({ v: 5 }), z)], [0, 0], 'zero variance')
  t.throws(() => c.eval(point({ v: 5n }), z), new LambdaEvalError('error calling "sigma": value is not a float'))
  t.equal(ev('sigma(1)'), 'error: error calling "sigma": value is not a float')
})

t.test('spread(): running max − min', async (t) => {
  const c = lambda('spread("v")')
  const s = c.newState()
  t.same([4, 1, 3, 10].map((v) => c.eval(point({ v }), s)), [0, 3, 3, 9])
  const other = c.newState()
  t.equal(c.eval(point({ v: 100 }), other), 0)
})

t.test('two stateful call sites keep separate state in one expression', async (t) => {
  const c = lambda('count() + count() * 10')
  const s = c.newState()
  t.same([c.eval(point(), s), c.eval(point(), s)], [11n, 22n])
  const w = lambda('sigma("v") > 2.0 AND count() > 1')
  const g = w.newState()
  t.equal(w.evalBool(point({ v: 1 }), g), false)
})

t.test('where-style per-group use: one compiled lambda, one state per group', async (t) => {
  const c = lambda('count() == 3')
  const groups = new Map<string, ReturnType<typeof c.newState>>()
  const fired: string[] = []
  for (const host of ['a', 'b', 'a', 'a', 'b', 'b']) {
    let s = groups.get(host)
    if (s === undefined) groups.set(host, (s = c.newState()))
    if (c.evalBool(point({}, { host }), s)) fired.push(host)
  }
  t.same(fired, ['a', 'b'])
})

t.test('rand([n]) draws from the state source', async (t) => {
  const c = lambda('rand(10)')
  t.equal(c.eval(point(), c.newState({ random: () => 0.55 })), 5n)
  const r = lambda('rand()')
  const v = r.eval(point(), r.newState({ random: () => 0.5 })) as bigint
  t.equal(v, 2n ** 62n)
  t.equal(ev('rand(0)'), 'error: error calling "rand": invalid argument to rand: n must be > 0')
  t.equal(ev('rand(1.0)'), 'error: error calling "rand": rand expects an int argument')
})
