#!/usr/bin/env node
// The kapacitord daemon; everything lives in src/server/main.ts (run `npm run build` first).
import { main } from '../dist/src/server/main.js'

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`kapacitord: ${err && err.stack ? err.stack : err}\n`)
    process.exit(1)
  },
)
