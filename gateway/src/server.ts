/**
 * Wires the gateway together: the Asterisk listener, the browser listener, the registry and the
 * router. No protocol logic lives here.
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { IpAcl } from './access/ip-acl.js';
import { AsteriskListener } from './asterisk/listener.js';
import { BrowserListener } from './browser/listener.js';
import { Registry } from './browser/registration.js';
import { Router } from './calls/router.js';
import { parseListenAddress } from './config/address.js';
import { NO_GROUPS, type GroupsConfig } from './config/groups.js';
import type { GatewayConfig } from './config/schema.js';
import { ConfigError } from './errors.js';
import { Assets } from './http/assets.js';
import { createLogger, type Logger, type LogLevel } from './log.js';

export interface GatewayOptions {
  /** The config file's name, for error messages. */
  readonly configFile?: string;
  /** Defaults to a pino logger at the config's `log_level` on stdout. */
  readonly log?: Logger;
  /** Shorter heartbeats for tests. */
  readonly heartbeatIntervalMs?: number;
  /** Groups from `gag_groups.json` (default: none). */
  readonly groups?: GroupsConfig;
}

/** A running gateway. */
export interface Gateway {
  /** Where Asterisk connects (`ws://host:port`). */
  readonly asteriskUrl: string;
  /** Where browsers connect (`ws(s)://host:port/phone` minus the path). */
  readonly browserUrl: string;
  readonly registry: Registry;
  readonly router: Router;
  /** Hang up every call, close every connection, stop listening. */
  close(): Promise<void>;
}

async function readTls(config: GatewayConfig, file: string): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (config.cert_file === undefined || config.key_file === undefined) return undefined;
  const read = async (key: 'cert_file' | 'key_file', path: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (cause) {
      throw new ConfigError({ file, key, fix: `cannot read ${path} (${(cause as NodeJS.ErrnoException).code}) — check the path and that the gateway's user may read it` });
    }
  };
  return { cert: await read('cert_file', config.cert_file), key: await read('key_file', config.key_file) };
}

async function listen(server: Server, addr: string): Promise<string> {
  const { host, port } = parseListenAddress(addr)!; // the schema checked it
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const info = server.address() as AddressInfo;
  return info.family === 'IPv6' ? `[${info.address}]:${info.port}` : `${info.address}:${info.port}`;
}

/**
 * Start a gateway with a parsed config.
 * @throws ConfigError when a file the config names cannot be read.
 * @example
 * const gw = await startGateway(devConfig({ allowed_origins: ['http://localhost:8080'] }));
 */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.log ?? createLogger(config.log_level as LogLevel);
  const tls = await readTls(config, options.configFile ?? '(config)');
  const registry = new Registry();
  const groups = options.groups ?? NO_GROUPS;
  const router = new Router({ registry, config: () => config, groups: () => groups, log });
  const asteriskAcl = new IpAcl(config.allowed_asterisk_ips);
  const browserAcl = new IpAcl(config.allowed_browser_ips);

  const asterisk = new AsteriskListener({ acl: () => asteriskAcl, log, onLeg: (leg) => router.addLeg(leg) });
  const browser = new BrowserListener({
    policy: () => ({ acl: browserAcl, allowedOrigins: config.allowed_origins, secret: config.jwt_secret }),
    tls,
    assets: new Assets(),
    log,
    ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
    onSession: (session) =>
      session.once('ready', () => {
        registry.add(session);
        router.addSession(session);
      }),
  });

  const asteriskAddr = await listen(asterisk.server, config.asterisk_addr);
  let browserAddr: string;
  try {
    browserAddr = await listen(browser.server, config.browser_addr);
  } catch (e) {
    await asterisk.close();
    throw e;
  }
  if (config.allowed_origins.length === 0) log.warn('allowed_origins is empty: every browser will be refused');
  log.info({ asterisk: asteriskAddr, browser: browserAddr, tls: tls !== undefined }, 'gateway listening');

  return {
    asteriskUrl: `ws://${asteriskAddr}`,
    browserUrl: `${tls === undefined ? 'ws' : 'wss'}://${browserAddr}`,
    registry,
    router,
    async close() {
      router.hangupAll();
      await Promise.all([asterisk.close(), browser.close()]);
      log.info('gateway stopped');
    },
  };
}
