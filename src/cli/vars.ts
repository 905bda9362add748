/** `kapacitor vars`: the server's debug vars JSON, as it was sent. */
import type { CliContext } from './context.js'

export const VARS_USAGE = `Usage: kapacitor vars

	Print debug vars in JSON format.
`

export async function vars(ctx: CliContext): Promise<void> {
  ctx.io.out(await ctx.client.debugVarsText())
}
