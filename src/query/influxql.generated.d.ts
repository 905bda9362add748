export interface GrammarLocation { source: unknown; start: { offset: number; line: number; column: number }; end: { offset: number; line: number; column: number } }
export type Expectation = { type: 'literal'; text: string; ignoreCase: boolean } | { type: 'class'; parts: unknown[]; inverted: boolean; ignoreCase: boolean } | { type: 'any' } | { type: 'end' } | { type: 'other'; description: string }
export declare class SyntaxError extends Error { expected: Expectation[] | null; found: string | null; location: GrammarLocation }
export declare function parse(input: string, options?: { startRule?: 'Query'; grammarSource?: unknown }): any
