#!/usr/bin/env node
// Compiles grammar.peggy (TICKscript) into an ES module (plus its .d.ts) that src/interp imports,
// and src/query/influxql.peggy (one InfluxQL SELECT) into src/query/influxql.generated.js.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import peggy from 'peggy'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = readFileSync(join(root, 'grammar.peggy'), 'utf8')
/**
 * Packrat memo for a few rules only (peggy's `cache` option memoizes every rule, which costs
 * more than it saves on ordinary scripts). `Expr` is parsed at the same offset twice when a
 * call's arguments fail as pipeline arguments and are retried as a lambda call (PipeExpr's
 * Call, then Primary's LambdaCall), so nested unclosed calls `f(f(f(…` were quadratic.
 * A rule's result depends only on its start offset; replaying it is exactly equivalent for
 * error reporting as long as both calls report failures (peg$silentFails === 0): the
 * expectations it recorded are already in peg$maxFailExpected, or were dropped for a
 * farther failure. Under silent failures the rule runs uncached.
 */
function memoize(source, rules) {
  let out = source
  for (const rule of rules) {
    const decl = `  function peg$parse${rule}() {`
    const count = out.split(decl).length - 1
    if (count !== 1) throw new Error(`build-grammar: expected one ${decl.trim()}, found ${count}`)
    out = out.replace(
      decl,
      [
        `  const peg$memo${rule} = new Map();`,
        `  function peg$parse${rule}() {`,
        '    if (peg$silentFails !== 0) return peg$parse${rule}$uncached();'.replace('${rule}', rule),
        '    const start = peg$currPos;',
        `    const hit = peg$memo${rule}.get(start);`,
        '    if (hit !== undefined) { peg$currPos = hit.end; return hit.result; }',
        `    const result = peg$parse${rule}$uncached();`,
        `    peg$memo${rule}.set(start, { end: peg$currPos, result });`,
        '    return result;',
        '  }',
        '',
        `  function peg$parse${rule}$uncached() {`,
      ].join('\n'),
    )
  }
  return out
}

/**
 * The `_` rule (whitespace and `//` comments between tokens, tried between almost every two
 * tokens) replaced by a loop over char codes: peggy's code builds an array per call and
 * one per comment, pushing every character, which was a good part of the parse's garbage.
 * Its failures are silent (a named rule that cannot fail), its result is never used; the
 * rule's text is checked so that an edit of it in grammar.peggy fails the build here.
 */
const WS_RULES = [
  '_ "whitespace"\n  = (Space / "//" [^\\n]*)*\n',
  'Space = [ \\t\\r\\n\\f\\v\\u00a0\\ufeff]\n',
]
function handWrittenWhitespace(code) {
  for (const r of WS_RULES) {
    if (!source.includes(r)) throw new Error(`build-grammar: grammar.peggy no longer has ${JSON.stringify(r)}; update handWrittenWhitespace()`)
  }
  const start = code.indexOf('  function peg$parse_() {\n')
  const end = code.indexOf('\n  }\n', start)
  if (start < 0 || end < 0 || code.indexOf('  function peg$parse_() {\n', start + 1) >= 0) throw new Error('build-grammar: peg$parse_ not found once')
  const body = [
    '  const peg$wsResult = Object.freeze([]);',
    '  function peg$parse_() {',
    '    for (;;) {',
    '      const c = input.charCodeAt(peg$currPos);',
    '      if (c === 32 || c === 9 || c === 13 || c === 10 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff) {',
    '        peg$currPos++;',
    '      } else if (c === 47 && input.charCodeAt(peg$currPos + 1) === 47) {',
    "        const nl = input.indexOf('\\n', peg$currPos + 2);",
    '        peg$currPos = nl === -1 ? input.length : nl;',
    '      } else {',
    '        return peg$wsResult;',
    '      }',
    '    }',
    '  }',
  ].join('\n')
  return code.slice(0, start) + body + code.slice(end + '\n  }'.length)
}

const code = peggy.generate(source, {
  output: 'source',
  format: 'es',
  allowedStartRules: ['Program', 'Lambda'],
  grammarSource: 'grammar.peggy',
})
mkdirSync(join(root, 'src/interp'), { recursive: true })
writeFileSync(join(root, 'src/interp/grammar.generated.js'), handWrittenWhitespace(memoize(code, ['Expr'])))
writeFileSync(
  join(root, 'src/interp/grammar.generated.d.ts'),
  [
    'export interface GrammarLocation { source: unknown; start: { offset: number; line: number; column: number }; end: { offset: number; line: number; column: number } }',
    "export type Expectation = { type: 'literal'; text: string; ignoreCase: boolean } | { type: 'class'; parts: unknown[]; inverted: boolean; ignoreCase: boolean } | { type: 'any' } | { type: 'end' } | { type: 'other'; description: string }",
    'export declare class SyntaxError extends Error { expected: Expectation[] | null; found: string | null; location: GrammarLocation }',
    "export declare function parse(input: string, options?: { startRule?: 'Program' | 'Lambda'; grammarSource?: unknown }): any",
    '',
  ].join('\n'),
)

/** The .d.ts of a generated parser whose start rules are `startRules`. */
function declarations(startRules) {
  return [
    'export interface GrammarLocation { source: unknown; start: { offset: number; line: number; column: number }; end: { offset: number; line: number; column: number } }',
    "export type Expectation = { type: 'literal'; text: string; ignoreCase: boolean } | { type: 'class'; parts: unknown[]; inverted: boolean; ignoreCase: boolean } | { type: 'any' } | { type: 'end' } | { type: 'other'; description: string }",
    'export declare class SyntaxError extends Error { expected: Expectation[] | null; found: string | null; location: GrammarLocation }',
    `export declare function parse(input: string, options?: { startRule?: ${startRules.map((r) => `'${r}'`).join(' | ')}; grammarSource?: unknown }): any`,
    '',
  ].join('\n')
}

// InfluxQL: plain peggy output (queries are short; no memo or hand-written whitespace needed).
{
  const influxqlSource = readFileSync(join(root, 'src/query/influxql.peggy'), 'utf8')
  const influxqlCode = peggy.generate(influxqlSource, {
    output: 'source',
    format: 'es',
    allowedStartRules: ['Query'],
    grammarSource: 'influxql.peggy',
  })
  writeFileSync(join(root, 'src/query/influxql.generated.js'), influxqlCode)
  writeFileSync(join(root, 'src/query/influxql.generated.d.ts'), declarations(['Query']))
}
