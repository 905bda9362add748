#!/usr/bin/env node
// The kapacitor CLI (a client of kapacitord's HTTP API); everything lives in src/cli/main.ts (run `npm run build` first).
import { main } from '../dist/src/cli/main.js'

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`kapacitor: ${err && err.stack ? err.stack : err}\n`)
    process.exit(1)
  },
)
