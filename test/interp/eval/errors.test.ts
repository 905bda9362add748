/**
 * The error table: bad scripts and the exact `line N char M: message` lines definePipeline
 * refuses them with (unknown node/property with a suggestion, wrong operator, argument
 * count and types, mismatched edges, vars, template vars, dbrp rules, task type, lambda
 * typing, node validation). Every problem is collected, in source order.
 */
import t from 'tap'
import { definePipeline, type DefineOptions } from '../../../src/interp/eval/define.js'
import { TickScriptError } from '../../../src/interp/errors.js'

type Row = [name: string, source: string, opts: DefineOptions, expected: string[] | null]

const ROWS: Row[] = [
  ["unknown chain", "stream\n    |from()\n    |windw()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 6: no method or property \"windw\" on *pipeline.FromNode, did you mean \"window\"?"]],
  ["unknown property", "stream\n    |from()\n    |window()\n        .perod(10s)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 10: no method or property \"perod\" on *pipeline.WindowNode, did you mean \"period\"?"]],
  ["property via pipe", "stream\n    |from()\n    |window()\n    |period(10s)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 6: no chaining method \"period\" on *pipeline.WindowNode, but property does exist. Use '.' operator instead: 'node.period(..)'."]],
  ["udf via @ on property", "stream\n    |from()\n        @measurement('cpu')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 10: no dynamic method \"measurement\" on *pipeline.FromNode, but property does exist. Use '.' operator instead: 'node.measurement(..)'."]],
  ["unknown udf", "stream\n    |from()\n    @myUDF()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 6: no method or property \"myUDF\" on *pipeline.FromNode"]],
  ["from on batch", "batch\n    |from()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 2 char 6: no method or property \"from\" on *pipeline.BatchNode"]],
  ["query on stream", "stream\n    |query('SELECT 1')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 2 char 6: no method or property \"query\" on *pipeline.StreamNode"]],
  ["window on stream root", "stream\n    |window()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 2 char 6: no method or property \"window\" on *pipeline.StreamNode"]],
  ["arg type", "stream\n    |from()\n    |window()\n        .period('10s')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 10: error calling func \"period\" on obj *pipeline.WindowNode: argument 1 (value): want duration, got string"]],
  ["arg count", "stream\n    |from()\n    |window()\n        .period(10s, 5s)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 10: error calling func \"period\" on obj *pipeline.WindowNode: want 1 argument, got 2"]],
  ["chain arg type", "stream\n    |from()\n    |shift('5m')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 6: error calling func \"shift\" on obj *pipeline.FromNode: argument 1 (value): want duration, got string"]],
  ["double quotes", "stream\n    |from()\n        .measurement(\"cpu\")", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 10: cannot assign *ast.ReferenceNode to type string, did you use double quotes instead of single quotes?"]],
  ["flag with arg", "stream\n    |from()\n    |window()\n        .align(TRUE)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 10: error calling func \"align\" on obj *pipeline.WindowNode: want 0 arguments, got 1"]],
  ["edge mismatch", "stream\n    |from()\n    |window()\n    |window()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 6: cannot add child mismatched edges: window2:batch -> window3:stream"]],
  ["edge mismatch trickle", "stream\n    |from()\n    |trickle()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 6: cannot add child mismatched edges: from1:stream -> trickle2:batch"]],
  ["undefined var", "var data = stream\n    |from()\ndta\n    |window()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 1: name \"dta\" is undefined. Names in scope: data,stream,time; did you mean \"data\"?"]],
  ["undefined var in arg", "stream\n    |from()\n    |window()\n        .period(perod)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 17: name \"perod\" is undefined. Names in scope: stream,time"]],
  ["redefined var", "var x = 5\nvar x = 6\nstream\n    |from()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 2 char 5: attempted to redefine x, vars are immutable"]],
  ["redefine stream", "var stream = 5\nstream\n    |from()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 1 char 5: attempted to redefine stream, vars are immutable"]],
  ["missing template var", "var w duration\nstream\n    |from()\n    |window()\n        .period(w)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 1 char 5: missing value for var \"w\"."]],
  ["template var type", "var w duration\nstream\n    |from()\n    |window()\n        .period(w)", {dbrps: [{db: "db",rp: "rp"}],vars: {w: {type: "int",value: 5}}}, ["line 1 char 5: invalid type supplied for w, got int exp duration"]],
  ["override type", "var w = 5m\nstream\n    |from()\n    |window()\n        .period(w)", {dbrps: [{db: "db",rp: "rp"}],vars: {w: {type: "string",value: "5m"}}}, ["line 1 char 5: invalid type supplied for w, got string exp duration"]],
  ["must specify dbrp", "stream\n    |from()", {}, ["line 1 char 1: must specify dbrp"]],
  ["dbrp both", "dbrp \"db\".\"rp\"\nstream\n    |from()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 1 char 1: cannot specify dbrp in both implicitly and explicitly"]],
  ["invalid task type", "stream\n    |from()\nbatch\n    |query('SELECT 1')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 1: invalid task type"]],
  ["task type given", "stream\n    |from()", {dbrps: [{db: "db",rp: "rp"}],type: "batch"}, ["line 1 char 1: invalid task type"]],
  ["lambda mixed arith", "stream\n    |from()\n        .where(lambda: 1 + 2.0 > 0)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 24: mismatched type to binary operator. got int + float. see bool(), int(), float(), string(), duration()"]],
  ["lambda unknown func", "stream\n    |from()\n        .where(lambda: foo(\"x\") > 0)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 24: undefined function: \"foo\""]],
  ["lambda undefined ident", "stream\n    |from()\n        .where(lambda: \"x\" > limit)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 30: name \"limit\" is undefined. Names in scope: stream,time"]],
  ["lambda var type", "var t = 'high'\nstream\n    |from()\n        .where(lambda: \"x\" > 1 AND t)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 24: mismatched type to binary operator. got boolean AND string. see bool(), int(), float(), string(), duration()"]],
  ["lambda arity", "stream\n    |from()\n    |eval(lambda: abs(1, 2))\n        .as('a')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 19: error calling \"abs\": abs expects exactly one argument"]],
  ["validate window", "stream\n    |from()\n    |window()\n        .period(10s)\n        .periodCount(5)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 6: cannot specify both period and periodCount","line 3 char 6: everyCount must be greater than zero"]],
  ["validate eval", "stream\n    |from()\n    |eval(lambda: 1, lambda: 2)\n        .as('a')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 6: must specify same number of expressions and .as() names: got 1 as names, and 2 expressions."]],
  ["validate join", "var a = stream|from()\nvar b = stream|from()\na\n    |join(b)\n        .as('a')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 6: number of prefixes specified by join.as() must match the number of joined streams"]],
  ["validate alert history", "stream\n    |from()\n    |alert()\n        .history(1)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 6: alert history count must be >= 2"]],
  ["global function", "stream\n    |from()\n    |window()\n        .period(foo(10s))", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 17: no global function \"foo\" defined"]],
  ["time wrong arg", "batch\n    |query('SELECT 1')\n        .groupBy(time('1m'))", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 18: error calling func \"time\": want time(duration[, offset duration])"]],
  ["chain on int", "var x = 5\nx\n    |window()\nstream|from()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 6: no method or property \"window\" on int64"]],
  ["handler prop unknown", "stream\n    |from()\n    |alert()\n        .slack()\n        .chanel('#a')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 5 char 10: no method or property \"chanel\" on *pipeline.AlertNode, did you mean \"channel\"?"]],
  ["several", "stream\n    |from()\n        .measuremnt('cpu')\n    |window()\n        .period('x')\n    |mean(\"value\")", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 10: no method or property \"measuremnt\" on *pipeline.FromNode, did you mean \"measurement\"?","line 5 char 10: error calling func \"period\" on obj *pipeline.WindowNode: argument 1 (value): want duration, got string","line 6 char 6: cannot assign *ast.ReferenceNode to type string, did you use double quotes instead of single quotes?"]],
  ["design map unknown", "stream.window().period(1m).map(meen, \"value\")", {dbrps: [{db: "db",rp: "rp"}]}, ["line 1 char 28: map wants (function, \"field\") with function one of the InfluxQL functions, got \"meen\", did you mean \"mean\"?"]],
  ["design filter bad", "stream.window().period(1m).map(mean, \"value\").filter(30)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 1 char 47: filter wants (operator, value), e.g. filter(<, 30)"]],
  ["no chaining on influxdbout", "stream\n    |from()\n    |influxDBOut()\n    |httpOut('x')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 6: no method or property \"httpOut\" on *pipeline.InfluxDBOutNode"]],
  ["lambda regex bad", "stream\n    |from()\n        .where(lambda: \"h\" =~ /a(/)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 31: error parsing regexp: Invalid regular expression: /a(/: Unterminated group"]],
  ["stats interval", "stream\n    |from()\n    |stats(0s)", {dbrps: [{db: "db",rp: "rp"}]}, ["line 3 char 6: stats interval must be greater than zero"]],
  ["join of stream and batch", "var s = stream\n    |from()\nvar b = stream\n    |from()\n    |window()\ns\n    |join(b)\n        .as('s', 'b')", {dbrps: [{db: "db",rp: "rp"}]}, ["line 7 char 6: cannot add child mismatched edges: window3:batch -> join4:stream"]],
  ["design-doc unknown on stream", "stream.windw()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 1 char 8: no method or property \"windw\" on *pipeline.StreamNode, did you mean \"window\"?"]],
  ["http go name", "stream\n    |from()\n    |httpOut('x')\n        .foo()", {dbrps: [{db: "db",rp: "rp"}]}, ["line 4 char 10: no method or property \"foo\" on *pipeline.HTTPOutNode"]],
]


t.test('error table', async (t) => {
  t.ok(ROWS.length >= 25, `${ROWS.length} rows`)
  for (const [name, source, opts, expected] of ROWS) {
    let got: string[] | null = null
    try {
      definePipeline(source, opts)
    } catch (e) {
      if (!(e instanceof TickScriptError)) throw e
      got = e.problems.map((p) => `line ${p.line} char ${p.column}: ${p.message}`)
      t.equal(e.message, got.join('\n'), `${name}: message is the problems joined`)
    }
    t.same(got, expected, name)
  }
})
