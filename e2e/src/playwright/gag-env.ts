/**
 * What the fixtures run once per worker: a gateway on free loopback ports (with click-to-call
 * through a fake AMI), the network link pages reach it through, and the page server. Tests change
 * the gateway's config or groups with {@link GagEnv.configure}; the fixtures put them back after
 * the test.
 * @packageDocumentation
 */
import { ConfigError, createLogger, devConfig, mintToken, parseGroupsConfig, startGateway, type Gateway, type GatewayConfig, type GatewayConfigInput, type GroupsConfig } from '@gag/gateway';
import { FakeAmi } from '../fake-ami/server.js';
import { FakeAsterisk } from '../fake-asterisk/client.js';
import { NetworkLink } from './network-link.js';
import { PageServer, TOKEN_PATH } from './page-server.js';

/** How long minted tokens last: longer than any test. */
const TOKEN_TTL_S = 600;
/** The fake AMI's login (loopback only). */
const AMI = { ami_username: 'gag', ami_secret: 'e2e-ami-secret' } as const;

/**
 * Groups as written in `gag_groups.json`: `timeout` (seconds each member or the group rings) defaults to 30.
 * @example test.use({ gagGroups: { sales: { strategy: 'sequential', members: ['2001', '2002'], timeout: 10 } } satisfies GroupsInput });
 */
export type GroupsInput = Readonly<
  Record<
    string,
    {
      /** `ringall`: every member rings at once; `sequential`: one after the other, in order. */
      readonly strategy: 'ringall' | 'sequential';
      /** The extensions of the group, e.g. `['2001', '2002']`. */
      readonly members: readonly string[];
      /** Seconds each member (sequential) or the group (ringall) rings; default 30. */
      readonly timeout?: number;
    }
  >
>;

/**
 * Check `groups` as the gateway checks `gag_groups.json` (defaults filled in); a mistake is
 * reported against `where`, the option it came from.
 */
const groupsFrom = (where: string, groups: GroupsInput): GroupsConfig => parseGroupsConfig(where, groups);

/** `devConfig(config)`, a mistake reported against `where` (the option it came from) instead of the dev defaults. */
function configFrom(where: string, config: Partial<GatewayConfigInput>): GatewayConfig & { readonly jwt_secret: string } {
  try {
    return devConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError({ file: where, key: e.key, fix: e.fix });
    throw e;
  }
}

/** Options of {@link startGagEnv} (the fixtures' worker options). */
export interface GagEnvOptions {
  /** Gateway config on top of the test defaults (e.g. `{ ring_timeout_ms: 20_000 }`). */
  readonly config: Partial<GatewayConfigInput>;
  readonly groups: GroupsInput;
  /** A folder the page server serves at `/`. */
  readonly staticDir: string | undefined;
  /** Origins besides the page server's that may open phones (your own dev server). */
  readonly allowedOrigins: readonly string[];
  /** Gateway log lines at this level and above on stderr (default `warn`). */
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * A change of config or groups for one test ({@link GagEnv.configure}).
 * @example await gag.configure({ config: { ring_timeout_ms: 5_000 } } satisfies GatewayChanges);
 */
export interface GatewayChanges {
  /** Config keys to set on top of the worker's config, e.g. `{ ring_timeout_ms: 5_000 }`. */
  readonly config?: Partial<GatewayConfigInput>;
  /** Groups to use instead of the worker's. */
  readonly groups?: GroupsInput;
}

/**
 * The shared world of one worker.
 * @example
 * await gag.configure({ groups: { '600': { strategy: 'ringall', members: ['2001', '2002'], timeout: 30 } } });
 * gag.network.cut();
 */
export interface GagEnv {
  /** The gateway now (a new object after {@link restart}). */
  readonly gateway: Gateway;
  /** The gateway URL pages are given (`ws://localhost:<port>`, through {@link network}). */
  readonly gatewayUrl: string;
  /** The network between browsers and the gateway: `cut()` and `restore()`. */
  readonly network: NetworkLink;
  /** The fake AMI the gateway originates click-to-calls through; their call backs ring through a fake Asterisk. */
  readonly ami: FakeAmi;
  /** Origin of the page server, e.g. `http://localhost:41234`. */
  readonly pageOrigin: string;
  /**
   * The page server's token endpoint for `extension`: GET answers a fresh JWT as text, valid
   * `ttlSeconds` when given (short tokens, to watch them being refreshed), else 10 minutes.
   */
  tokenUrl(extension: string, options?: { readonly ttlSeconds?: number }): string;
  /** A fresh token for `extension`, signed with the gateway's secret, valid `ttlSeconds` (default 10 minutes). */
  mintToken(extension: string, ttlSeconds?: number): Promise<string>;
  /** Serve `body` at `path` from the page origin (a page or script a test builds). */
  serve(path: string, contentType: string, body: string | Buffer): void;
  /** Let phones on pages from `origin` in (`allowed_origins`), for the rest of the worker. */
  allowOrigin(origin: string): Promise<void>;
  /** Reload the gateway with these changes (SIGHUP-style: no call or connection dropped); undone after the test. */
  configure(changes: GatewayChanges): Promise<void>;
  /** Stop the gateway and start it again on the same ports with the same secret, as a service restart would. */
  restart(): Promise<void>;
}

/** The env and what only the fixtures call. */
export interface GagEnvControl extends GagEnv {
  /** After each test: the fake AMI afresh, and config and groups back as the worker started (a reload only when changed). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Start a worker's gateway, network link, fake AMI and page server. */
export async function startGagEnv(options: GagEnvOptions): Promise<GagEnvControl> {
  // The test's own settings first: a mistake there starts nothing.
  configFrom('gagGateway', options.config);
  const startGroups = groupsFrom('gagGroups', options.groups);
  const log = createLogger(options.logLevel);
  const ami = await FakeAmi.start({ secret: AMI.ami_secret });
  let gateway: Gateway | undefined;
  let network: NetworkLink | undefined;
  const gatewayUrl = (): string => `ws://localhost:${network?.port ?? 0}`;
  let secret = '';
  const mint = (extension: string, ttlSeconds = TOKEN_TTL_S): Promise<string> => mintToken({ secret, extension, ttlSeconds });
  const pages = await PageServer.start({ staticDir: options.staticDir, mintToken: mint, gatewayUrl });
  const origins = [pages.origin, pages.origin.replace('localhost', '127.0.0.1'), ...options.allowedOrigins];

  const first = configFrom('gagGateway', {
    log_level: options.logLevel,
    // Click-to-call through the fake AMI, unless the test points `originate` at a real Asterisk.
    originate: 'ami',
    ami_port: ami.port,
    ...AMI,
    ...options.config,
    asterisk_addr: '127.0.0.1:0',
    browser_addr: '127.0.0.1:0',
    allowed_origins: origins,
  });
  secret = first.jwt_secret;
  try {
    gateway = await startGateway(first, { log, groups: startGroups });
    network = await NetworkLink.start(Number(new URL(gateway.browserUrl).port));
  } catch (e) {
    await gateway?.close();
    await Promise.all([ami.close(), pages.close()]);
    throw e;
  }
  const callBacks = new FakeAsterisk({ url: gateway.asteriskUrl });
  ami.asterisk = callBacks;
  // The config tests start from; restart() keeps the ports the first start picked.
  const base: Partial<GatewayConfigInput> = { ...first };
  const ports = {
    asterisk_addr: `127.0.0.1:${new URL(gateway.asteriskUrl).port}`,
    browser_addr: `127.0.0.1:${new URL(gateway.browserUrl).port}`,
  };
  let changed = false;
  const current = (): Gateway => gateway!;
  /** Reload with `config`, its listen addresses as they are now (a change there needs a restart, and says so). */
  const reload = (config: Partial<GatewayConfigInput>, groups: GroupsConfig): Promise<void> => {
    const { asterisk_addr, browser_addr } = current().config;
    return current().reload(configFrom('gag.configure({ config })', { ...config, asterisk_addr, browser_addr }), groups);
  };

  const env: GagEnvControl = {
    get gateway() {
      return current();
    },
    get gatewayUrl() {
      return gatewayUrl();
    },
    network,
    ami,
    pageOrigin: pages.origin,
    tokenUrl: (extension, options = {}) =>
      `${pages.origin}${TOKEN_PATH}?ext=${encodeURIComponent(extension)}${options.ttlSeconds === undefined ? '' : `&ttl=${options.ttlSeconds}`}`,
    mintToken: mint,
    serve: (path, contentType, body) => pages.serve(path, contentType, body),
    async allowOrigin(origin) {
      if ((base.allowed_origins ?? []).includes(origin)) return;
      base.allowed_origins = [...(base.allowed_origins ?? []), origin];
      const config = current().config;
      await reload({ ...config, allowed_origins: [...config.allowed_origins, origin] }, current().groups);
    },
    async configure(changes) {
      changed = true;
      const groups = changes.groups === undefined ? current().groups : groupsFrom('gag.configure({ groups })', changes.groups);
      await reload({ ...current().config, ...changes.config }, groups);
    },
    async restart() {
      const config = configFrom('gag.restart()', { ...current().config, ...ports });
      const groups = current().groups;
      await current().close();
      gateway = await startGateway(config, { log, groups });
    },
    async reset() {
      ami.reset();
      if (!changed) return;
      changed = false;
      await reload(base, startGroups);
    },
    async close() {
      await callBacks.close();
      await current().close();
      await network?.close();
      await ami.close();
      await pages.close();
    },
  };
  return env;
}
