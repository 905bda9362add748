/**
 * The `kapacitord` command line, with Kapacitor's single-dash flags:
 *
 *   kapacitord [run] [-config kapacitor.conf] [-data-dir d] [-hostname h]
 *                    [-log-level debug|info|warn|error|off] [-log-file f] [-pidfile f]
 *   kapacitord config [-config kapacitor.conf]   print the (default or loaded) config as TOML
 *   kapacitord version
 *
 * `-config` falls back to env `KAPACITOR_CONFIG_PATH`; without either, the embedded
 * defaults apply (HTTP :9092, data in ./data). Double-dash forms work too.
 *
 * Exit status: 0 after a graceful stop (SIGTERM or SIGINT: stop accepting, finish
 * in-flight requests up to `[http] shutdown-timeout`, close UDP and the store); 1 when
 * the config is invalid, the data directory is held by another kapacitord, a port cannot
 * be bound, or a second signal arrives during the stop.
 */
import { writeFileSync, rmSync } from 'node:fs'
import yargs from 'yargs'
import { ConfigError, configToToml, loadConfig, type Config, type ConfigOverrides } from './config.js'
import { startDaemon, type Daemon } from './daemon.js'
import { parseCidrList } from '../net/egress.js'
import { influxdbClustersFromSections, influxdbClustersToToml } from '../query/influxdb-config.js'
import { createLogger, type Logger } from './logger.js'
import { DataDirInUseError } from './store.js'
import { KAPACITOR_COMPAT_VERSION, PRODUCT_VERSION } from './version.js'

interface Flags {
  config?: string
  'data-dir'?: string
  hostname?: string
  'log-level'?: string
  'log-file'?: string
  pidfile?: string
  'blacklist-cidrs'?: string
  'disable-handlers'?: string
}

function fail(message: string): number {
  process.stderr.write(`kapacitord: ${message}\n`)
  return 1
}

function readConfig(flags: Flags, env: NodeJS.ProcessEnv): Config {
  const path = flags.config ?? (env['KAPACITOR_CONFIG_PATH'] || undefined)
  const overrides: ConfigOverrides = {}
  if (flags['data-dir'] !== undefined) overrides.dataDir = flags['data-dir']
  if (flags.hostname !== undefined) overrides.hostname = flags.hostname
  if (flags['log-level'] !== undefined) overrides.logLevel = flags['log-level']
  if (flags['log-file'] !== undefined) overrides.logFile = flags['log-file']
  return loadConfig({ ...(path !== undefined ? { path } : {}), env, overrides })
}

async function run(flags: Flags, env: NodeJS.ProcessEnv): Promise<number> {
  let config: Config
  try {
    config = readConfig(flags, env)
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message)
    throw err
  }
  let blacklistCidrs: string[]
  try {
    blacklistCidrs = parseCidrList(flags['blacklist-cidrs'] ?? '')
  } catch (err) {
    return fail(`-blacklist-cidrs: ${(err as Error).message}`)
  }
  const disabledHandlers = (flags['disable-handlers'] ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '')
  const rootLogger = createLogger(config.logging)
  const logger = rootLogger.child({ service: 'kapacitord' })
  let daemon: Daemon
  try {
    daemon = await startDaemon({ config, logger: rootLogger, blacklistCidrs, disabledHandlers })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    logger.error({ err }, err instanceof DataDirInUseError ? message : `cannot start: ${message}`)
    flush(logger)
    return fail(message)
  }
  if (flags.pidfile !== undefined) writeFileSync(flags.pidfile, `${process.pid}\n`)

  return new Promise<number>((resolve) => {
    let signals = 0
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++
      if (signals > 1) {
        logger.warn({ signal }, 'second signal during shutdown: exiting now')
        flush(logger)
        resolve(1)
        return
      }
      logger.info({ signal }, 'signal received, shutting down')
      daemon.stop().then(() => 0, (err: unknown) => {
        logger.error({ err }, 'error while stopping')
        return 1
      }).then((code) => {
        if (flags.pidfile !== undefined) rmSync(flags.pidfile, { force: true })
        flush(logger)
        resolve(code)
      })
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
}

function flush(logger: Logger): void {
  try {
    logger.flush()
  } catch {
    // a sync destination has nothing to flush
  }
}

/** Runs the command line; resolves to the exit status. */
export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let code = 0
  // yargs calls .fail() for an unknown flag but may still run the command's handler.
  let failed = false
  const common = {
    config: { type: 'string', describe: 'Kapacitor TOML config file (env KAPACITOR_CONFIG_PATH)' },
  } as const
  await yargs([...argv])
    .scriptName('kapacitord')
    .parserConfiguration({ 'short-option-groups': false, 'camel-case-expansion': false })
    .command(['run', '$0'], 'Run the daemon (the default command)', (y) => y.options({
      ...common,
      'data-dir': { type: 'string', describe: 'Data directory (config data_dir)' },
      hostname: { type: 'string', describe: 'Hostname (config hostname)' },
      'log-level': { type: 'string', describe: 'DEBUG, INFO, WARN, ERROR or OFF (config [logging] level)' },
      'log-file': { type: 'string', describe: 'Log destination: STDOUT, STDERR or a file (config [logging] file)' },
      pidfile: { type: 'string', describe: 'Write the process id to this file' },
      'blacklist-cidrs': { type: 'string', describe: 'Comma-separated CIDRs the post alert handler and the httpPost node may not connect to' },
      'disable-handlers': { type: 'string', describe: 'Comma-separated alert handlers to refuse (e.g. exec,log)' },
    }), async (args) => {
      if (failed) return
      code = await run(args as Flags, env)
    })
    .command('config', 'Print the configuration as TOML (the defaults, or -config with the environment applied)', (y) => y.options(common), (args) => {
      if (failed) return
      try {
        const config = readConfig(args as Flags, env)
        process.stdout.write(configToToml(config) + influxdbClustersToToml(influxdbClustersFromSections(config.sections, config.env ?? {})))
      } catch (err) {
        if (err instanceof ConfigError) code = fail(err.message)
        else throw err
      }
    })
    .command('version', 'Print the version', {}, () => {
      process.stdout.write(`Kapacitor OSS ${KAPACITOR_COMPAT_VERSION} (kapacitor-ts ${PRODUCT_VERSION})\n`)
    })
    .strict()
    .version(false)
    .help()
    .fail((msg, err) => {
      if (err) throw err
      failed = true
      code = fail(`${msg} (see kapacitord --help)`)
    })
    .parseAsync()
  return code
}
