/**
 * The subset of yargs 18's API this project uses. yargs ships no TypeScript types and
 * `@types/yargs` is not a dependency; replace this file with it if it is ever added.
 */
declare module 'yargs' {
  export interface OptionSpec {
    type?: 'string' | 'boolean' | 'number' | 'array' | 'count'
    describe?: string
    default?: unknown
    alias?: string | readonly string[]
    choices?: readonly unknown[]
    demandOption?: boolean | string
    hidden?: boolean
  }

  export type Arguments = { [key: string]: unknown; _: (string | number)[]; $0: string }

  export interface Argv {
    scriptName(name: string): Argv
    usage(message: string): Argv
    parserConfiguration(config: Record<string, boolean>): Argv
    command(
      command: string | readonly string[],
      description: string,
      builder: ((y: Argv) => Argv) | Record<string, OptionSpec>,
      handler: (args: Arguments) => void | Promise<void>,
    ): Argv
    option(name: string, spec: OptionSpec): Argv
    options(specs: Record<string, OptionSpec>): Argv
    positional(name: string, spec: OptionSpec): Argv
    demandCommand(min?: number, message?: string): Argv
    strict(enabled?: boolean): Argv
    version(version: false | string): Argv
    help(enabled?: boolean | string): Argv
    fail(handler: ((message: string, err: Error | undefined, y: Argv) => void) | boolean): Argv
    exitProcess(enabled: boolean): Argv
    wrap(columns: number | null): Argv
    parseAsync(): Promise<Arguments>
    parse(): Arguments
  }

  export default function yargs(args?: readonly string[]): Argv
}
