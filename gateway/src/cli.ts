#!/usr/bin/env node
/**
 * `gag-gateway`: argv → config → start. The only reader of argv and the environment.
 * Exit codes: 0 done, 1 runtime failure, 2 config or usage error.
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { devConfig, loadGatewayConfig } from './config/load.js';
import type { GatewayConfig } from './config/schema.js';
import { ConfigError } from './errors.js';
import { createLogger, type LogLevel } from './log.js';
import { startGateway } from './server.js';

const DEFAULT_CONFIG = '/usr/local/etc/goastgateway.json';

const USAGE = `Usage: gag-gateway [-c goastgateway.json] [--check-config]

Relays Asterisk chan_websocket calls to browsers logged in by JWT.

  -c, --config FILE   gateway config (default ${DEFAULT_CONFIG}; without it,
                      loopback-only dev defaults with a random secret)
      --check-config  validate the config and exit (0 valid, 2 invalid)
  -h, --help          this help
  -v, --version       print the version
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        'check-config': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`gag-gateway: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) return void process.stdout.write(USAGE), 0;
  if (args.version) return void process.stdout.write(`${version()}\n`), 0;

  const file = args.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  let config: GatewayConfig;
  try {
    config = file === undefined ? devConfig() : await loadGatewayConfig(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`gag-gateway: ${e.message}\n`);
    return 2;
  }
  if (args['check-config']) {
    process.stdout.write(`${file ?? '(built-in dev defaults)'}: ok\n`);
    return 0;
  }
  const log = createLogger(config.log_level as LogLevel);
  if (file === undefined) log.warn('no config file: loopback-only dev defaults with a random secret (pass -c goastgateway.json)');
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  let gateway;
  try {
    gateway = await startGateway(config, { log, ...(file === undefined ? {} : { configFile: file }) });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`gag-gateway: ${e.message}\n`);
      return 2;
    }
    log.fatal({ err: e }, 'start failed');
    return 1;
  }
  const stop = (): void => void gateway.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1; // keep running
}

const code = await main();
if (code >= 0) process.exitCode = code;
