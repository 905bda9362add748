/** References, missing values, var substitution, define-time problems, evalBool. */
import t from 'tap'
import { TickScriptError } from '../../../src/interp/errors.js'
import { parseLambdaExpr } from '../../../src/interp/parse.js'
import { checkLambda, compileLambda } from '../../../src/interp/lambda/compile.js'
import { Duration, Instant, LambdaEvalError, Missing } from '../../../src/interp/lambda/values.js'
import { bin, call, ev, id, int, point, ref } from './helpers.js'

t.test('a reference reads the field first, then the tag', async (t) => {
  t.equal(ev('"host"', point({ value: 1.0 }, { host: 'web01' })), 'web01')
  t.equal(ev('"value"', point({ value: 1.5 }, { host: 'web01' })), 1.5)
  t.equal(ev('"x"', point({ x: 3n }, { x: 'tag' })), 'error: cannot have field and tags with same name "x"')
  t.same(ev('"constructor"', point()), new Missing('constructor'), 'a bare missing reference evaluates to the missing value')
  t.equal(ev('isPresent("constructor")', point()), false, 'Object.prototype names are not fields')
  t.equal(ev('isPresent("toString")', point({ toString: 1n })), true)
  t.same(ev('"time"', point({}, {}, 42n)), new Instant(42n))
  t.equal(ev('unixNano("time")', point({}, {}, 1_600_000_000_123_456_789n)), 1_600_000_000_123_456_789n)
})

t.test('a missing reference: any operator or function but isPresent fails', async (t) => {
  t.equal(ev('"nope" > 1'), 'error: left reference value "nope" is missing value')
  t.equal(ev('1 < "nope"'), 'error: right reference value "nope" is missing value')
  t.equal(ev('"nope" == "nope2"'), 'error: left reference value "nope" is missing value')
  t.equal(ev('-"nope"'), 'error: reference value "nope" is missing value')
  t.equal(ev('abs("nope")', point({ a: 1.0 }, { h: 'x' })), 'error: error calling "abs": cannot pass *ast.Missing to abs, must be float64', 'a call not type-checked first gets the missing value')
  t.equal(ev('abs("nope") > 1.0', point({ a: 1.0 }, { h: 'x' })), 'error: Cannot call function "abs" argument "nope" is missing, values in scope are []')
  t.equal(ev('pow("x", "y") + "a"', point({ a: 1.0 }, { h: 'x' })), 'error: Cannot call function "pow" arguments "x", "y" are missing, values in scope are [a]')
  t.equal(ev('isPresent("nope")'), false)
  t.equal(ev('isPresent("v")', point({ v: 0.0 })), true)
  t.equal(ev('!isPresent("nope") OR "nope" > 1'), true)
  const c = compileLambda(parseLambdaExpr('"nope"'))
  t.throws(() => c.evalBool(point(), c.newState()), new LambdaEvalError('left reference value "nope" is missing value'))
})

t.test('bare identifiers take the var values (substituted at compile time)', async (t) => {
  const scope = new Map<string, never>(Object.entries({ t: 80n, host: 'web', every: new Duration(10n), re: /^web/ }) as never)
  t.equal(ev('"v" > t', point({ v: 81n }), scope), true)
  t.equal(ev('"v" > t', point({ v: 79.5 }), scope), false)
  t.equal(ev('"h" =~ re', point({}, { h: 'web1' }), scope), true)
  t.equal(ev('"h" + host', point({}, { h: 'x' }), scope), 'xweb')
  t.equal(ev('t + 1.0', point(), scope), 'problem: mismatched type to binary operator. got int + float. see bool(), int(), float(), string(), duration()')
  t.equal(ev('nope > 1', point(), scope), 'problem: name "nope" is undefined. Names in scope: t,host,every,re')
  // a var holding an expression (e.g. another lambda) is inlined
  const inl = new Map([['limit', parseLambdaExpr('40 + 2')]])
  t.equal(ev(bin('==', id('limit'), int(42)), point(), inl), true)
})

t.test('define-time problems are located and collected', async (t) => {
  const probs = checkLambda(parseLambdaExpr('"a" > 1 AND\n  foo("x") OR\n  abs() OR\n  (1 + 1.0) > 2'))
  t.same(probs.map((p) => [p.line, p.column, p.message]), [
    [2, 3, 'undefined function: "foo"'],
    [3, 3, 'error calling "abs": abs expects exactly one argument'],
    [4, 4, 'mismatched type to binary operator. got int + float. see bool(), int(), float(), string(), duration()'],
  ])
  t.same(checkLambda(parseLambdaExpr('abs(1) > 1.0 OR strLength("s") + 1.0 > 1.0')), [], 'function calls are dynamic: argument and result types are checked per point, as Kapacitor does')
  t.same(checkLambda(parseLambdaExpr('("x" > 1) + 1')).map((p) => p.message), ['invalid math operator + for type boolean'], 'a comparison has a constant type')
  t.equal(ev('FALSE AND abs(1) > 0.0'), false, 'never evaluated, so never refused')
  t.same(checkLambda(parseLambdaExpr('strLength()')).map((p) => p.message), ['error calling "strLength": strLength expects exactly one argument'])
  t.same(checkLambda(parseLambdaExpr('"x" =~ /(?<=a)b[/')).length, 1, 'a bad regex')
  t.throws(() => compileLambda(call('nope')), TickScriptError)
  t.same(checkLambda(parseLambdaExpr('abs("v") + sigma("v")')), [], 'dynamic arguments: checked per point')
})

t.test('static result types', async (t) => {
  t.equal(compileLambda(parseLambdaExpr('"v" > 1')).type, 'boolean')
  t.equal(compileLambda(parseLambdaExpr('strLength("s")')).type, 'int')
  t.equal(compileLambda(parseLambdaExpr('"v" + 1')).type, undefined)
  t.equal(compileLambda(parseLambdaExpr('if(TRUE, 1, 2)')).type, 'int')
  t.same(compileLambda(parseLambdaExpr('"a" > 1 AND "b" =~ /x/ AND hour("time") > 1')).references, ['a', 'b'])
})

t.test('evalBool refuses a non-boolean result', async (t) => {
  const c = compileLambda(parseLambdaExpr('"v" + 1'))
  t.throws(() => c.evalBool(point({ v: 1n }), c.newState()), new LambdaEvalError('expression returned unexpected type int'))
  const w = compileLambda(parseLambdaExpr('"value" > 80 AND "host" =~ /^web/'))
  const s = w.newState()
  t.equal(w.evalBool(point({ value: 81.0 }, { host: 'web1' }), s), true)
  t.equal(w.evalBool(point({ value: 81n }, { host: 'db1' }), s), false)
  t.equal(w.evalBool(point({ value: 80.0 }, { host: 'web1' }), s), false)
})

t.test('the same compiled lambda follows a field changing type between points', async (t) => {
  const c = compileLambda(parseLambdaExpr('"v" * 2'))
  const s = c.newState()
  t.equal(c.eval(point({ v: 2n }), s), 4n)
  t.throws(() => c.eval(point({ v: 2.5 }), s), new LambdaEvalError('mismatched type to binary operator. got float * int. see bool(), int(), float(), string(), duration()'))
  t.equal(c.eval(point({ v: 3n }), s), 6n)
  t.equal(ev(ref('v'), point({ v: true })), true)
})

t.test('a call whose type is asked first (operand, argument) is checked against its signatures', async (t) => {
  const p = point({ i: 1n, f: 2.0, s: 'x' }, { host: 'h' })
  t.equal(ev('abs("i") > 1.0', p), 'error: Cannot call function "abs" with args ("i": int), available signatures are [(float)].')
  t.equal(ev('abs("i")', p), 'error: error calling "abs": cannot pass int64 to abs, must be float64', 'at the root: the function\'s own check')
  t.equal(ev('strContains("s", "i") AND TRUE', p), 'error: Cannot call function "strContains" with args ("s": string,"i": int), available signatures are [(string,string)].')
  t.equal(ev('int(5s)', p), 5_000_000_000n, 'int(duration) works where the call is not type-checked')
  t.equal(ev('int(5s) > 0', p), 'error: Cannot call function "int" with args (5s: duration), available signatures are [(boolean),(string),(int),(float)].'.replace('),(', '), (').replace('),(', '), (').replace('),(', '), ('))
  t.same(ev("duration('1m')", p), new Duration(60_000_000_000n))
  t.match(String(ev("duration('1m') > 0s", p)), /^error: Cannot call function "duration" with args \('1m': string\)/)
  t.equal(ev('abs(float("nope"))', p), 'error: Failed to handle 1 argument: Cannot call function "float" argument "nope" is missing, values in scope are []')
  t.equal(ev('sigma(float("i") + "f") > 0.0', p, undefined), false)
  t.equal(ev('isPresent("nope") OR isPresent("s")', p), true)
  t.equal(ev('if("f" > 1.0, "s", \'y\') == \'x\'', p), true)
})
