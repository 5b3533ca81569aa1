#!/usr/bin/env node
/**
 * `gag-gateway -c goastgateway.json -g gag_groups.json`: argv → config → start, SIGHUP reloads,
 * SIGINT/SIGTERM stop. The only reader of argv and the process; everything else gets parsed values.
 * Exit codes: 0 done, 1 runtime failure, 2 config or usage error.
 * @packageDocumentation
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DestinationStream } from 'pino';
import { loadGroupsConfig, type GroupsConfig } from './config/groups.js';
import { loadConfigFiles } from './access/credentials.js';
import { devConfig, loadGatewayConfig } from './config/load.js';
import type { GatewayConfig } from './config/schema.js';
import { ConfigError } from './errors.js';
import { LOG_FORMATS, createLogger, type LogFormat, type Logger, type LogLevel } from './log.js';
import { startGateway, type Gateway } from './server.js';

/** GoAstGateway's default places (its README, 起動). */
export const DEFAULT_CONFIG = '/usr/local/etc/goastgateway.json';
/** GoAstGateway's default groups file (optional unless -g names it). */
export const DEFAULT_GROUPS = '/usr/local/etc/gag_groups.json';
const DEV_DEFAULTS = '(built-in dev defaults)';

const USAGE = `Usage: gag-gateway [-c goastgateway.json] [-g gag_groups.json] [--check-config]

Relays Asterisk chan_websocket calls to browsers logged in by JWT.

  -c, --config FILE   gateway config (default ${DEFAULT_CONFIG}; if that is
                      missing too, loopback-only dev defaults with a random secret)
  -g, --groups FILE   extension groups (default ${DEFAULT_GROUPS}, optional;
                      a file named here must exist)
      --check-config  validate both files and the files they name, then exit
                      (0 valid, 2 invalid)
      --log-format F  json (one JSON object a line, for journald and log shippers)
                      or pretty (readable lines with ISO times); default pretty
                      when stdout is a terminal, json otherwise
  -h, --help          this help
  -v, --version       print the version

Signals: SIGHUP re-reads both files (listen addresses and TLS need a restart),
SIGINT/SIGTERM hang up every call and stop, SIGUSR2 drains: no new browsers,
idle ones sent to another node, stop once every call has ended.
`;

/** Every problem of a config error, a line each: `gag-gateway: file: key: what is wrong — how to fix it`. */
const configErrorLines = (e: ConfigError): string => e.problems.map((p) => `gag-gateway: ${e.file}: ${p.key}: ${p.fix}\n`).join('');

/** Where signals and process-wide failures are heard: `process`, or an EventEmitter in tests. */
export type ProcessEvents = Pick<NodeJS.EventEmitter, 'on' | 'off'>;

/** What {@link main} talks to instead of the real process. */
export interface CliIo {
  /** Help, version and `--check-config` results. */
  readonly stdout: (text: string) => void;
  /** One-line config and usage errors (no stack). */
  readonly stderr: (text: string) => void;
  /** SIGHUP, SIGINT, SIGTERM, SIGUSR2, uncaughtException and unhandledRejection come from here. */
  readonly process: ProcessEvents;
  /** Log lines (default stdout). */
  readonly logDestination?: DestinationStream;
  /** Whether stdout is a terminal: then logs are readable lines unless `--log-format json`. */
  readonly stdoutIsTTY?: boolean;
  /** Called once the gateway listens. */
  readonly onStarted?: (gateway: Gateway) => void;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

interface Files {
  readonly config: string | undefined;
  readonly groups: string;
  readonly groupsRequired: boolean;
}

async function loadBoth(files: Files): Promise<{ config: GatewayConfig; groups: GroupsConfig }> {
  const config = files.config === undefined ? devConfig() : await loadGatewayConfig(files.config);
  const groups = await loadGroupsConfig(files.groups, { required: files.groupsRequired });
  return { config, groups };
}

/** SIGHUP: a valid new pair replaces the old one; anything wrong is logged and the old one stays. */
async function reloadFromFiles(gateway: Gateway, files: Files, log: Logger): Promise<void> {
  if (files.config === undefined) return void log.warn('no config file to reload: running on the built-in dev defaults');
  try {
    const { config, groups } = await loadBoth(files);
    await gateway.reload(config, groups);
  } catch (e) {
    if (!(e instanceof ConfigError)) return void log.error({ err: e }, 'config reload failed');
    log.error({ file: e.file, key: e.key, fix: e.fix, problems: e.problems }, 'config reload refused; the old config stays');
  }
}

/**
 * Run the CLI with `argv` (without `node` and the script). Resolves with the exit code: at once
 * for help, version, `--check-config` and config errors; after SIGINT/SIGTERM (0) or a fatal
 * error (1) once the gateway runs.
 * @example
 * const code = await main(['-c', 'goastgateway.json', '--check-config'], { stdout, stderr, process });
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        groups: { type: 'string', short: 'g' },
        'check-config': { type: 'boolean' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    io.stderr(`gag-gateway: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help === true) return io.stdout(USAGE), 0;
  const logFormat = args['log-format'] ?? (io.stdoutIsTTY === true ? 'pretty' : 'json');
  if (!(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    io.stderr(`gag-gateway: --log-format must be json or pretty, got "${logFormat}"\n`);
    return 2;
  }
  if (args.version === true) return io.stdout(`${version()}\n`), 0;

  const files: Files = {
    config: args.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined),
    groups: args.groups ?? DEFAULT_GROUPS,
    groupsRequired: args.groups !== undefined,
  };
  let loaded;
  try {
    loaded = await loadBoth(files);
    if (args['check-config'] === true) {
      await loadConfigFiles(loaded.config, files.config ?? DEV_DEFAULTS);
      const count = loaded.groups.size;
      io.stdout(`${files.config ?? DEV_DEFAULTS}: ok\n${files.groups}: ${count === 0 && !existsSync(files.groups) ? 'absent, no groups' : `ok, ${count} group(s)`}\n`);
      return 0;
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr(configErrorLines(e));
    return 2;
  }
  return run(loaded.config, loaded.groups, files, io, logFormat as LogFormat);
}

async function run(config: GatewayConfig, groups: GroupsConfig, files: Files, io: CliIo, format: LogFormat): Promise<number> {
  const log = createLogger(config.log_level as LogLevel, io.logDestination, { format, colorize: io.stdoutIsTTY === true && io.logDestination === undefined });
  if (files.config === undefined) log.warn('no config file: loopback-only dev defaults with a random secret (pass -c goastgateway.json)');
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const onException = (err: unknown): void => (log.fatal({ err }, 'uncaught exception'), exit(1));
  const onRejection = (err: unknown): void => (log.fatal({ err }, 'unhandled rejection'), exit(1));
  io.process.on('uncaughtException', onException);
  io.process.on('unhandledRejection', onRejection);
  const detach: Array<() => void> = [
    () => io.process.off('uncaughtException', onException),
    () => io.process.off('unhandledRejection', onRejection),
  ];
  try {
    let gateway: Gateway;
    try {
      gateway = await startGateway(config, { log, groups, ...(files.config === undefined ? {} : { configFile: files.config }) });
    } catch (e) {
      if (e instanceof ConfigError) return io.stderr(configErrorLines(e)), 2;
      log.fatal({ err: e }, 'start failed');
      return 1;
    }
    let reloads = Promise.resolve();
    const onHup = (): void => void (reloads = reloads.then(() => reloadFromFiles(gateway, files, log)));
    let stopping = false;
    const onStop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      gateway.close().then(
        () => exit(0),
        (err: unknown) => (log.fatal({ err }, 'stop failed'), exit(1)),
      );
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const handler = (): void => onStop(signal);
      io.process.on(signal, handler);
      detach.push(() => io.process.off(signal, handler));
    }
    io.process.on('SIGHUP', onHup);
    detach.push(() => io.process.off('SIGHUP', onHup));
    // SIGUSR2: drain for a rolling upgrade, then stop as SIGTERM would (with no call left to hang up).
    const onDrain = (): void => {
      if (stopping) return;
      log.info({ signal: 'SIGUSR2' }, 'draining');
      void gateway.drain().then(() => onStop('SIGUSR2'));
    };
    io.process.on('SIGUSR2', onDrain);
    detach.push(() => io.process.off('SIGUSR2', onDrain));
    io.onStarted?.(gateway);
    return await exited;
  } finally {
    for (const off of detach) off();
  }
}

/** Whether this module is the script node was asked to run (also through npm's bin symlink). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/**
 * Run the CLI on this process's argv, stdout and signals, and set its exit code: what the
 * `gag-gateway` command does (bin/gag-gateway.js, or `node dist/cli.js`).
 */
export async function runFromProcess(): Promise<void> {
  const code = await main(process.argv.slice(2), {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    process,
    stdoutIsTTY: process.stdout.isTTY === true,
  });
  // After a fatal error the process state is unknown: leave now. Otherwise let stdout drain.
  if (code === 1) process.exit(1);
  process.exitCode = code;
}

if (isEntryPoint()) await runFromProcess();
