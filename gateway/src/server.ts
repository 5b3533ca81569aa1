/**
 * Wires the gateway together: the Asterisk listener, the browser listener behind the HTTP front
 * door, the registry and the router, and swaps a reloaded config in. No protocol logic lives here.
 * @packageDocumentation
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { FEATURES } from '@gag/sdk/protocol';
import { loadConfigFiles } from './access/credentials.js';
import { IpAcl } from './access/ip-acl.js';
import { loadTokenKeys, type TokenKeys } from './access/keys.js';
import { createTokenVerifier } from './access/token.js';
import { AsteriskListener, type AsteriskPolicy } from './asterisk/listener.js';
import { BrowserListener, type BrowserPolicy } from './browser/listener.js';
import { Registry } from './browser/registration.js';
import { Activity } from './calls/activity.js';
import { Router } from './calls/router.js';
import type { ClusterNode } from './cluster/cluster-node.js';
import { registerClusterMetrics } from './cluster/cluster-metrics.js';
import { isLoopback, parseListenAddress } from './config/address.js';
import { checkRecordingDir } from './config/recording-dir.js';
import { NO_GROUPS, type GroupsConfig } from './config/groups.js';
import { RESTART_KEYS, type GatewayConfig } from './config/schema.js';
import { AdminAuth } from './http/admin-auth.js';
import { Assets } from './http/assets.js';
import { FrontDoor } from './http/front-door.js';
import { GatewayMetrics } from './http/metrics.js';
import { Monitor } from './http/monitor.js';
import { Routes, type Readiness } from './http/routes.js';
import { callView } from './http/views.js';
import { drainGateway } from './drain.js';
import { ConfigError } from './errors.js';
import { createLogger, type Logger, type LogLevel } from './log.js';
import { Forks } from './media/forks.js';
import { Recordings } from './media/recordings.js';
import { Dialer } from './originate/dialer.js';
import type { ReconnectPolicy } from './originate/reconnect-policy.js';
import { SupervisorDesk } from './supervise/desk.js';

/**
 * Options of {@link startGateway} beyond the config.
 * @example const gw = await startGateway(config, { configFile: '/usr/local/etc/goastgateway.json', groups: await loadGroupsConfig(groupsFile, { required: false }) });
 */
export interface GatewayOptions {
  /** The config file's name, for error messages. */
  readonly configFile?: string;
  /** Defaults to a pino logger at the config's `log_level` on stdout. */
  readonly log?: Logger;
  /** Shorter heartbeats for tests. */
  readonly heartbeatIntervalMs?: number;
  /** Groups from `gag_groups.json` (default: none). */
  readonly groups?: GroupsConfig;
  /** Time for an upgrade's headers on the Asterisk port (default 5 s; shorter in tests). */
  readonly asteriskHeadersTimeoutMs?: number;
  /** When to reconnect to the AMI after a loss (default: back-off from 0 s to 30 s; quicker in tests). */
  readonly amiReconnectPolicy?: ReconnectPolicy;
}

/**
 * A running gateway.
 * @example
 * const gw = await startGateway(devConfig());
 * console.log(`browsers: ${gw.browserUrl}/phone, Asterisk: ${gw.asteriskUrl}`);
 * process.once('SIGTERM', () => void gw.close());
 */
export interface Gateway {
  /** Where Asterisk connects (`ws://host:port`). */
  readonly asteriskUrl: string;
  /** Where browsers connect (`ws(s)://host:port/phone` minus the path). */
  readonly browserUrl: string;
  /** @internal The online phones (for the HTTP API and tests). */
  readonly registry: Registry;
  /** @internal The calls and their routing (for the HTTP API and tests). */
  readonly router: Router;
  /** Click-to-call: checks, rate limit, originate, call-back matching. */
  readonly dialer: Dialer;
  /** @internal Call, presence and dial events, and the relay counters (for metrics, the monitor feed and tests). */
  readonly activity: Activity;
  /** The config in force (the latest reloaded one). */
  readonly config: GatewayConfig;
  /** The groups in force. */
  readonly groups: GroupsConfig;
  /**
   * Swap in a new config and groups (SIGHUP) without dropping calls or connections: allow-lists,
   * origins, Basic credentials, token keys, ring timeout, caller-ID names and groups apply to the
   * next upgrade and the next call. Listen addresses and TLS need a restart (a warn line says so).
   * Reloads run one at a time, in call order.
   * @throws ConfigError when a key file the new config names cannot be used; the old config stays.
   */
  reload(config: GatewayConfig, groups: GroupsConfig): Promise<void>;
  /**
   * Drain for a rolling upgrade (SIGUSR2; docs/cluster.md#rolling-upgrades): new browsers are
   * refused, idle ones sent away (1001), `/readyz` says `draining`; resolves once every call has
   * ended. Calling it again returns the same promise.
   */
  drain(): Promise<void>;
  /** Hang up every call, close every connection, stop listening. Calling it again returns the same promise. */
  close(): Promise<void>;
}

/** Everything a reload replaces, swapped as one reference so no upgrade sees half of each. */
interface Live {
  readonly config: GatewayConfig;
  readonly groups: GroupsConfig;
  readonly asterisk: AsteriskPolicy;
  readonly browser: BrowserPolicy;
  readonly admin: AdminAuth;
}

function live(config: GatewayConfig, groups: GroupsConfig, tokenKeys: TokenKeys, metrics: GatewayMetrics): Live {
  const { asterisk_username: user, asterisk_password: password } = config;
  return {
    config,
    groups,
    // The Asterisk listener does not report refusals: these count them.
    asterisk: {
      acl: metrics.countingAcl(config.allowed_asterisk_ips, 'asterisk'),
      basicAuth: user === undefined || password === undefined ? undefined : metrics.countingBasicAuth(user, password),
    },
    admin: new AdminAuth(config.admin_token),
    browser: {
      acl: new IpAcl(config.allowed_browser_ips),
      allowedOrigins: config.allowed_origins,
      verify: createTokenVerifier(config, tokenKeys),
      limits: config,
      packetMs: config.browser_packet_ms,
    },
  };
}

/** Top-level keys whose values differ (names only: values may be secret). */
function changedKeys(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/** What a person should do when a listen address cannot be bound, by the error's code. */
const LISTEN_FIXES: Readonly<Record<string, (addr: string, port: number) => string>> = {
  EADDRINUSE: (addr, port) => `${addr} is already in use: stop what listens there (ss -ltnp 'sport = :${port}') or choose another port`,
  EACCES: (addr) => `${addr} may not be bound by this user: use a port above 1023, or give the service CAP_NET_BIND_SERVICE`,
  EADDRNOTAVAIL: (addr) => `${addr}: no interface of this machine has that address: use one it has, 127.0.0.1, or :port for all`,
};

/**
 * Listen on `addr` (the config key `key` of `file`).
 * @throws ConfigError naming the key and the fix when the address cannot be bound.
 */
async function listen(server: Server, addr: string, key: 'asterisk_addr' | 'browser_addr', file: string, log: Logger): Promise<string> {
  const { host, port } = parseListenAddress(addr)!; // the schema checked it
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const fix = LISTEN_FIXES[err.code ?? ''];
      reject(fix === undefined ? err : new ConfigError({ file, key, fix: fix(addr, port) }, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      // From now on an accept failure (EMFILE under load) is logged, never an unheard 'error'.
      server.on('error', (err) => log.error({ err, addr }, 'listener error'));
      resolve();
    });
  });
  const info = server.address() as AddressInfo;
  return info.family === 'IPv6' ? `[${info.address}]:${info.port}` : `${info.address}:${info.port}`;
}

/** Start the cluster node, if any: its link listener now (a busy port stops start-up), Redis in the background. */
async function startCluster(cluster: ClusterNode | undefined, config: GatewayConfig, file: string): Promise<void> {
  try {
    await cluster?.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const addr = config.cluster?.link_listen ?? '';
    const fix = LISTEN_FIXES[e.code ?? ''];
    throw fix === undefined ? err : new ConfigError({ file, key: 'cluster.link_listen', fix: fix(addr, parseListenAddress(addr)?.port ?? 0) }, { cause: err });
  }
}

/**
 * Start a gateway with a parsed config.
 * @throws ConfigError when a file the config names cannot be read or used.
 * @example
 * const gw = await startGateway(devConfig({ allowed_origins: ['http://localhost:8080'] }));
 * await gw.reload(await loadGatewayConfig(file), groups); // on SIGHUP
 */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.log ?? createLogger(config.log_level as LogLevel);
  const file = options.configFile ?? '(config)';
  const { tls, tokenKeys } = await loadConfigFiles(config, file);
  const registry = new Registry();
  const activity = new Activity();
  // The AMI and ARI clients load only with click-to-call on (`originate` is a restart key).
  const originator = config.originate === 'none' ? undefined : (await import('./originate/backend.js')).createOriginator(config, file, log, options.amiReconnectPolicy);
  const dialer: Dialer = new Dialer({
    config: () => current.config,
    originator,
    onDial: (dial) => activity.emit('dial', dial),
    log,
    // In a cluster the call back may reach another node: they hear of each dial and of its end.
    onPending: (dial, ttlMs) => cluster?.shareDial(dial, ttlMs),
    onSettled: (dialId) => cluster?.settleDial(dialId),
    sharedRate: (extension, limit) => cluster?.takeDialRate(extension, limit) ?? Promise.resolve(undefined),
  });
  const metrics = new GatewayMetrics({
    calls: () => router.calls,
    registry,
    activity,
    originateReady: originator === undefined ? undefined : () => dialer.isReady(),
    supervisions: () => supervisors.counts(),
  });
  let current = live(config, options.groups ?? NO_GROUPS, tokenKeys, metrics);
  const supervisors: SupervisorDesk = new SupervisorDesk({
    config: () => current.config,
    groups: () => current.groups,
    registry,
    activity,
    calls: () => router.calls,
    call: (id) => router.call(id),
    talking: (phone) => router.callOf(phone) !== undefined,
    stopRinging: (phone) => router.stopRinging(phone),
    log,
  });
  // A node of a cluster (issue 17) when the config says so: other nodes' phones ring here, ours take their calls.
  // Loaded only then: the Redis client and the cluster code are about 8 MiB of a single gateway's idle RSS.
  const clustering = config.cluster === undefined ? undefined : await import('./cluster/join-cluster.js');
  const cluster: ClusterNode | undefined =
    config.cluster === undefined || clustering === undefined
      ? undefined
      : clustering.joinCluster(config.cluster, {
          registry,
          router: () => router,
          dialer,
          log,
          onRemotePhone: (phone) => {
            registry.add(phone);
            activity.emit('presence', phone, true);
            router.addPhone(phone);
            phone.once('closed', () => activity.emit('presence', phone, false));
          },
        });
  if (cluster !== undefined) registerClusterMetrics(metrics.prom, cluster);
  const router: Router = new Router({
    registry,
    config: () => current.config,
    groups: () => current.groups,
    log,
    activity,
    dialer,
    dtmf: originator?.dtmf,
    supervisors,
    busyElsewhere: cluster === undefined ? undefined : (phone) => cluster.busyElsewhere(phone),
  });
  const recordings = new Recordings({ config: () => current.config, log, prom: metrics.prom });
  const forks = new Forks({ config: () => current.config, log, prom: metrics.prom, onChange: (fork) => activity.emit('fork', fork) });
  activity.on('call', (call, previous) => {
    recordings.onCall(call, previous);
    forks.onCall(call, previous);
    cluster?.callChanged(callView(call), previous);
  });
  activity.on('dial', (dial) => cluster?.shareActivity('dial', dial));
  activity.on('fork', (fork) => cluster?.shareActivity('fork', fork));
  const monitor = new Monitor({
    activity,
    calls: () => router.calls,
    registry,
    callOf: (phone) => router.callOf(phone),
    forks: () => forks.all,
    auth: () => current.admin,
    log: log.child({ side: 'api' }),
    onRefused: (reason) => metrics.authFailure('api', reason),
    ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
    cluster: cluster === undefined ? undefined : clustering?.monitorCluster(cluster),
  });
  /** Set by drain() (SIGUSR2): read by /readyz from the first request on. */
  let draining: Promise<void> | undefined;
  const readiness = async (): Promise<Readiness> => ({
    asteriskListener: asterisk.server.listening,
    browserListener: frontDoor.server.listening,
    originate: originator === undefined ? 'off' : (await originator.isReady()) ? 'ready' : 'not_ready',
    cluster: cluster === undefined ? 'off' : cluster.redis.up ? 'ready' : `redis ${cluster.redis.why}`,
    draining: draining !== undefined,
  });
  const routes = new Routes({ router, registry, dialer, metrics, auth: () => current.admin, policy: () => current.browser, readiness, log: log.child({ side: 'api' }), recordings, forks, cluster });

  const asterisk = new AsteriskListener({
    policy: () => current.asterisk,
    log,
    onLeg: (leg) => {
      activity.relay.addLeg(leg);
      router.addLeg(leg);
    },
    ...(options.asteriskHeadersTimeoutMs === undefined ? {} : { headersTimeoutMs: options.asteriskHeadersTimeoutMs }),
  });
  const browser = new BrowserListener({
    policy: () => current.browser,
    log,
    registry,
    onRefused: (reason) => metrics.authFailure('browser', reason),
    onLimit: (limit) => metrics.connectionRefused(limit),
    features: (login) => [
      FEATURES.PING,
      FEATURES.TOKEN_REFRESH,
      ...(dialer.enabled ? [FEATURES.DIAL] : []),
      ...(originator?.dtmf === undefined ? [] : [FEATURES.DTMF]),
      ...(supervisors.isSupervisor(login.extension, login.claims) ? [FEATURES.SUPERVISE] : []),
    ],
    ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
    onPhone: (phone) =>
      phone.once('ready', () => {
        registry.add(phone);
        activity.relay.addPhone(phone);
        // Online before any call rings it (Router.addPhone offers ringing calls): watchers know the phone first.
        activity.emit('presence', phone, true);
        router.addPhone(phone);
        cluster?.localPhone(phone);
        phone.once('closed', () => activity.emit('presence', phone, false));
      }),
  });
  const frontDoor = new FrontDoor({ tls, assets: new Assets(), phones: browser, routes, monitor });

  const asteriskAddr = await listen(asterisk.server, config.asterisk_addr, 'asterisk_addr', file, log);
  let browserAddr: string;
  try {
    browserAddr = await listen(frontDoor.server, config.browser_addr, 'browser_addr', file, log);
    await startCluster(cluster, config, file);
  } catch (e) {
    await asterisk.close();
    await frontDoor.close();
    throw e;
  }
  if (config.allowed_origins.length === 0) log.warn('allowed_origins is empty: every browser will be refused');
  if (config.asterisk_username === undefined && !isLoopback(parseListenAddress(config.asterisk_addr)!)) {
    log.warn({ asterisk: asteriskAddr }, 'asterisk port open beyond loopback without asterisk_username: only allowed_asterisk_ips protects it');
  }
  log.info({ asterisk: asteriskAddr, browser: browserAddr, tls: tls !== undefined, originate: config.originate, adminToken: config.admin_token !== undefined }, 'gateway listening');
  originator?.start();

  let reloading = Promise.resolve();
  let closing: Promise<void> | undefined;
  const reload = async (next: GatewayConfig, groups: GroupsConfig): Promise<void> => {
    const keys = await loadTokenKeys(next, file); // may throw: nothing has changed yet
    await checkRecordingDir(next, file); // a new recording_dir is created now, or the reload is refused
    const restart = RESTART_KEYS.filter((k) => next[k] !== config[k]);
    if (restart.length > 0) log.warn({ keys: restart }, 'config change needs a restart to apply');
    const changed = changedKeys(current.config, next);
    const groupsChanged = JSON.stringify([...current.groups]) !== JSON.stringify([...groups]);
    // Only a changed log_level moves the level (a logger passed in options keeps its own).
    // Loggers already bound to a call or connection keep theirs: pino children copy the level.
    if (next.log_level !== current.config.log_level) log.level = next.log_level;
    current = live(next, groups, keys, metrics);
    log.info({ changed, groupsChanged }, 'config reloaded');
    supervisors.reload(); // a supervision the new scope does not allow ends (not_allowed)
    // Every session's token against the new keys and checks: one refused ends as if it expired.
    const verify = current.browser.verify;
    await Promise.all(registry.all().map((phone) => phone.recheckToken(verify).catch((err: unknown) => phone.log.error({ err }, 'token recheck crashed'))));
  };

  return {
    asteriskUrl: `ws://${asteriskAddr}`,
    browserUrl: `${tls === undefined ? 'ws' : 'wss'}://${browserAddr}`,
    registry,
    router,
    dialer,
    activity,
    get config() {
      return current.config;
    },
    get groups() {
      return current.groups;
    },
    reload(next, groups) {
      const done = reloading.then(() => reload(next, groups));
      reloading = done.catch(() => undefined);
      return done;
    },
    drain() {
      draining ??= drainGateway({ registry, router, activity, browser, log });
      return draining;
    },
    close() {
      closing ??= (async () => {
        router.hangupAll();
        dialer.close();
        await recordings.close(); // the calls have ended: their recordings finish their files
        await Promise.all([asterisk.close(), browser.close().then(() => frontDoor.close()), monitor.close()]);
        await originator?.close();
        supervisors.close();
        await cluster?.close();
        metrics.close();
        log.info('gateway stopped');
      })();
      return closing;
    },
  };
}
