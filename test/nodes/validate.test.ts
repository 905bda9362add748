/** validate() of the node types that check their configuration (Kapacitor's validate()). */
import t from 'tap'
import { nodeSpec, NS } from '../../src/nodes/index.js'
import { dur, i, s, star, nodeRef, problems, atStart } from './helpers.js'

t.test('window', async (t) => {
  const w = nodeSpec('window')!
  t.same(problems(w, [], { period: [[dur(10n * NS.s)]], every: [[dur(NS.s)]] }), [])
  t.same(problems(w, []), [])
  t.same(problems(w, [], { period: [[dur(NS.s)]], periodCount: [[i(3)]], everyCount: [[i(1)]] }), ['cannot specify both period and periodCount'])
  t.same(problems(w, [], { periodCount: [[i(3)]], everyCount: [[i(1)]], align: [[]] }), ['can only align windows based off time, not count'])
  t.same(problems(w, [], { periodCount: [[i(3)]] }), ['everyCount must be greater than zero'])
  t.same(problems(w, [], { periodCount: [[i(3)]], everyCount: [[i(1)]] }), [])
})

t.test('join', async (t) => {
  const j = nodeSpec('join')!
  t.same(problems(j, [nodeRef], { as: [[s('a'), s('b')]] }), [])
  t.same(problems(j, [nodeRef]), ['a call to join.as() is required to specify the output stream prefixes.'])
  t.match(problems(j, [nodeRef], { as: [[s('a')]] }), [/must match the number/])
  t.same(problems(j, [nodeRef], { as: [[s('a'), s('a')]] }), ['cannot use the same prefix name see .as() property method'])
  t.match(problems(j, [nodeRef], { as: [[s('a.x'), s('b')]] }), [/delimiter/])
})

t.test('eval', async (t) => {
  const e = nodeSpec('eval')!
  const lam = { type: 'lambda', lambda: {} } as never
  t.same(problems(e, [lam, lam], { as: [[s('x'), s('y')]], tags: [[s('x')]] }), [])
  t.same(problems(e, [lam, lam], { as: [[s('x')]] }), ['must specify same number of expressions and .as() names: got 1 as names, and 2 expressions.'])
  t.same(problems(e, [lam], { as: [[s('x')]], tags: [[s('z')]] }), ['invalid tag name "z", name is not present is .as() names'])
})

t.test('barrier, query, httpPost, groupBy, shift, kapacitorLoopback, log', async (t) => {
  t.same(problems(nodeSpec('barrier')!, []), ['idle must be greater than zero'])
  t.same(problems(nodeSpec('barrier')!, [], { period: [[dur(-1n)]] }), ['period must be greater than zero'])
  t.match(problems(nodeSpec('barrier')!, [], { idle: [[dur(NS.s)]], period: [[dur(NS.s)]] }), [/both/])
  t.same(problems(nodeSpec('barrier')!, [], { idle: [[dur(NS.s)]] }), [])
  t.same(atStart(nodeSpec('query')!, [s('SELECT 1')], { every: [[dur(NS.s)]], cron: [[s('* * * * *')]] }), ["must not set both 'every' and 'cron' properties"])
  t.same(atStart(nodeSpec('query')!, [s('SELECT 1')]), ["must define one of 'every' or 'cron'"])
  t.same(atStart(nodeSpec('query')!, [s('SELECT 1')], { every: [[dur(NS.s)]] }), [])
  t.same(problems(nodeSpec('query')!, [s('SELECT 1')]), [], 'a query without a schedule can be defined')
  t.same(problems(nodeSpec('httpPost')!, [s('http://x')], { endpoint: [[s('e')]] }), ['only one endpoint and url may be specified'])
  t.same(problems(nodeSpec('httpPost')!, []), ['must provide url or endpoint'])
  t.same(problems(nodeSpec('httpPost')!, [s('a'), s('b')]), ['httpPost expects 0 or 1 arguments, got 2'])
  t.same(problems(nodeSpec('httpPost')!, [s('a')], { header: [[s('Authenticate'), s('x')]] }), ["cannot set 'authenticate' header"])
  t.same(problems(nodeSpec('httpPost')!, [], { endpoint: [[s('e')]] }), [])
  t.match(problems(nodeSpec('groupBy')!, [star, s('host')]), [/both \*/])
  t.match(problems(nodeSpec('groupBy')!, [s('host')], { exclude: [[s('x')]] }), [/exclude requires/])
  t.match(problems(nodeSpec('shift')!, [dur(0n)]), [/non zero/])
  t.match(problems(nodeSpec('kapacitorLoopback')!, []), [/database/, /retention/])
  t.same(problems(nodeSpec('log')!, [], { level: [[s('warn')]] }), [])
  t.match(problems(nodeSpec('log')!, [], { level: [[s('loud')]] }), [/invalid log level/])
})
