/** `kapacitor version`: this client's version (no request to the server), in the daemon's wording. */
import { KAPACITOR_COMPAT_VERSION, PRODUCT_VERSION } from '../server/version.js'

export const VERSION_USAGE = `Usage: kapacitor version

	Print version info.
`

export function versionLine(): string {
  return `Kapacitor OSS ${KAPACITOR_COMPAT_VERSION} (kapacitor-ts ${PRODUCT_VERSION})\n`
}
