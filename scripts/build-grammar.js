#!/usr/bin/env node
// Compiles grammar.peggy into an ES module (plus its .d.ts) that src/interp imports.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import peggy from 'peggy'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = readFileSync(join(root, 'grammar.peggy'), 'utf8')
const code = peggy.generate(source, {
  output: 'source',
  format: 'es',
  allowedStartRules: ['Program', 'Lambda'],
  grammarSource: 'grammar.peggy',
})
mkdirSync(join(root, 'src/interp'), { recursive: true })
writeFileSync(join(root, 'src/interp/grammar.generated.js'), code)
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
