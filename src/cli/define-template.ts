/**
 * `kapacitor define-template <template ID> [-tick path] [-type stream|batch]`: creates
 * the template or patches it with the options given (the server updates its tasks).
 */
import { ApiError } from './client.js'
import type { CliContext } from './context.js'
import { taskType } from './define.js'
import { readTextFile } from './files.js'
import { renderApiError } from './tick-error.js'

export const DEFINE_TEMPLATE_USAGE = `Usage: kapacitor define-template <template ID> [options]

	Create or update a template.

	A template is defined via a TICKscript that defines the data processing pipeline of the template.

	If an option is absent it will be left unmodified.

	NOTE: Updating a template will reload all associated tasks.

For example:

	You must define a template for the first time with all the flags.

		$ kapacitor define-template my_template -tick path/to/TICKscript -type stream

	Later you can change a single property of the template by referencing its name
	and only providing the single option you wish to modify.

		$ kapacitor define-template my_template -tick path/to/TICKscript

	or

		$ kapacitor define-template my_template -type batch

Options:

  -tick        Path to the TICKscript.
  -type        The template type (stream|batch).
`

export interface DefineTemplateFlags {
  tick?: string
  type?: string
}

export async function defineTemplate(ctx: CliContext, id: string, flags: DefineTemplateFlags): Promise<void> {
  const { client } = ctx
  const script = flags.tick !== undefined && flags.tick !== '' ? readTextFile(flags.tick) : undefined
  const type = taskType(flags.type)
  const opts = { ...(type !== undefined ? { type } : {}), ...(script !== undefined ? { script } : {}) }
  const existing = await client.findTemplate(id)
  try {
    if (existing === null) await client.createTemplate({ id, ...opts })
    else await client.updateTemplate(existing.link?.href ?? client.templatePath(id), opts)
  } catch (err) {
    if (err instanceof ApiError) throw new Error(renderApiError(err.message, script))
    throw err
  }
}
