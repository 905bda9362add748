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
  allowedStartRules: ['Program'],
  grammarSource: 'grammar.peggy',
})
mkdirSync(join(root, 'src/interp'), { recursive: true })
writeFileSync(join(root, 'src/interp/grammar.generated.js'), code)
writeFileSync(
  join(root, 'src/interp/grammar.generated.d.ts'),
  [
    'export interface GrammarLocation { source: unknown; start: { offset: number; line: number; column: number }; end: { offset: number; line: number; column: number } }',
    'export declare class SyntaxError extends Error { expected: unknown; found: string | null; location: GrammarLocation }',
    'export declare function parse(input: string, options?: { startRule?: string; grammarSource?: unknown }): any',
    '',
  ].join('\n'),
)
