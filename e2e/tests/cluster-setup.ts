/**
 * What the cluster specs share (issue 17): a redis-server of the worker's own on loopback, gateway
 * nodes in processes of their own (`@gag/testkit/gateway-process`) that the fixtures' gateway joins as node B,
 * the same groups on every node, pages whose `<gag-phone>` is given a list of nodes and notes when
 * each of its events came, and the node-to-node link of a node behind a relay a test can cut.
 * @packageDocumentation
 */
import { startGatewayChild, type GatewayChild } from '@gag/testkit/gateway-process';
import { RedisServer, WITH_REDIS } from '@gag/testkit/redis-server';
import { freePort } from '../src/loopback.js';
import { GagAsterisk, NetworkLink, expect, test, type AsteriskCall, type GagEnv, type GagPhone, type GroupsInput, type OpenPhoneOptions } from './fixtures.js';

/** A port for this worker's Redis, fixed before the fixtures' gateway (node B) starts; it joins once Redis is up. */
const REDIS_PORT = 20_000 + (process.pid % 20_000);
const SECRET = 'e2e-cluster-secret-0123456789abcdef';
/** Node TTL: a killed node is dead for the others within it. */
const NODE_TTL_MS = 1_000;

/** The same groups on every node: a ringall and a sequential group with 2001 and 2002. */
export const CLUSTER_GROUPS: GroupsInput = {
  sales: { strategy: 'ringall', members: ['2001', '2002'], timeout: 30 },
  support: { strategy: 'sequential', members: ['2001', '2002'], timeout: 1 },
};

/** The `cluster` key of node `nodeId` of cluster `name`, its link where `link` says. */
const clusterOf = (name: string, nodeId: string, link: { listen: string; advertise?: string } = { listen: '127.0.0.1:0' }) => ({
  redis_url: `redis://127.0.0.1:${REDIS_PORT}`,
  name,
  node_id: nodeId,
  secret: SECRET,
  link_listen: link.listen,
  ...(link.advertise === undefined ? {} : { link_advertise: link.advertise }),
  node_ttl_ms: NODE_TTL_MS,
});

/**
 * Make the spec a cluster spec: the fixtures' gateway is node `gw-b` of cluster `name` (a name of
 * its own per spec: the spec gets a worker, a node B and keys of its own) with
 * {@link CLUSTER_GROUPS}; skipped where there is no redis-server (never on CI, where .ci/run
 * installs it).
 */
export function clusterSpec(name: string): void {
  test.use({ gagGateway: { cluster: clusterOf(name, 'gw-b') }, gagGroups: CLUSTER_GROUPS });
  test.skip(!WITH_REDIS, 'no redis-server here (node e2e/scripts/redis.mjs installs it)');
}

/**
 * The worker's redis-server on {@link REDIS_PORT} (no persistence, so a restart comes back empty),
 * not started yet: a spec starts it before its nodes, kills and starts it again, and closes it.
 */
export const workerRedis = (): RedisServer => new RedisServer({ port: REDIS_PORT });

/** Pass a node's log lines (JSON, `{"level"…`) on to this process's stdout, beside node B's. */
const echoLog = (line: string): void => {
  if (line.startsWith('{"level"')) process.stdout.write(`${line}\n`);
};

/** A node in a process of its own. */
export interface NodeProcess {
  readonly id: string;
  /** Where the fake Asterisk dials it. */
  readonly asteriskUrl: string;
  /** Its browser side (`ws://127.0.0.1:<port>`). */
  readonly browserUrl: string;
  /** Its HTTP API on the browser port. */
  readonly httpUrl: string;
  /** The relay in front of its node-to-node link, when started with `cuttableLink`: `cut()` is a network cut. */
  readonly link: NetworkLink | undefined;
  /** Kill it with SIGKILL (a crash); resolves once it is gone. */
  kill(): Promise<void>;
}

/** Nodes started for a spec or a test, and fake Asterisks dialing them; {@link stopAll} stops them all. */
export class NodeSet {
  readonly #gag: GagEnv;
  readonly #children: GatewayChild[] = [];
  readonly #links: NetworkLink[] = [];
  readonly #callers: GagAsterisk[] = [];

  constructor(gag: GagEnv) {
    this.#gag = gag;
  }

  /**
   * Start node `id` with {@link CLUSTER_GROUPS}, the fixtures' token secret and page origin.
   * `cuttableLink`: the other nodes reach its link through a relay (its `link_advertise`).
   */
  async start(id: string, options: { cuttableLink?: boolean } = {}): Promise<NodeProcess> {
    const name = this.#gag.gateway.config.cluster?.name ?? 'gag'; // node B's cluster
    let link: NetworkLink | undefined;
    let cluster = clusterOf(name, id);
    if (options.cuttableLink === true) {
      const port = await freePort();
      link = await NetworkLink.start(port);
      this.#links.push(link);
      cluster = clusterOf(name, id, { listen: `127.0.0.1:${port}`, advertise: `127.0.0.1:${link.port}` });
    }
    const config = { allowed_origins: [this.#gag.pageOrigin], jwt_secret: this.#gag.gateway.config.jwt_secret, cluster };
    const node = await startGatewayChild({ config, groups: CLUSTER_GROUPS, onLine: echoLog });
    this.#children.push(node);
    const { asteriskUrl, browserUrl } = node;
    return { id, asteriskUrl, browserUrl, httpUrl: browserUrl.replace(/^ws/, 'http'), link, kill: () => node.stop('SIGKILL') };
  }

  /** A fake Asterisk dialing `node`; hung up by {@link hangUpAll}. */
  caller(node: NodeProcess): GagAsterisk {
    const asterisk = new GagAsterisk(node.asteriskUrl);
    this.#callers.push(asterisk);
    return asterisk;
  }

  /** Hang up every call of every {@link caller}. */
  async hangUpAll(): Promise<void> {
    await Promise.all(this.#callers.splice(0).map((caller) => caller.close()));
  }

  /** Hang up, then stop every node still running, then the relays. */
  async stopAll(): Promise<void> {
    await this.hangUpAll();
    await Promise.all(this.#children.splice(0).map((node) => node.stop()));
    await Promise.all(this.#links.splice(0).map((link) => link.close()));
  }
}

/** The phones a node can ring: its own and the other nodes' (`/api/sessions`, loopback). */
export async function sessionsOn(node: { httpUrl: string }): Promise<Array<{ extension: string; node?: string }>> {
  const res = await fetch(`${node.httpUrl}/api/sessions`, { signal: AbortSignal.timeout(3_000) });
  return ((await res.json()) as { sessions: Array<{ extension: string; node?: string }> }).sessions;
}

/** Wait until `node` can ring a phone of `extension` logged in on node `on` (a bus message, or a resync from Redis). */
export async function expectRingable(node: { httpUrl: string }, extension: string, on: string): Promise<void> {
  await expect
    .poll(async () => (await sessionsOn(node)).filter((s) => s.extension === extension && s.node === on).length, {
      timeout: 10_000,
      message: `${extension} on ${on} seen from ${node.httpUrl}`,
    })
    .toBeGreaterThan(0);
}

/** `/readyz` of a node: its status and why. */
export async function readiness(node: { httpUrl: string }): Promise<{ status: number; cluster: unknown }> {
  const res = await fetch(`${node.httpUrl}/readyz`, { signal: AbortSignal.timeout(3_000) });
  const body = (await res.json()) as { checks?: { cluster?: unknown } };
  return { status: res.status, cluster: body.checks?.cluster };
}

/**
 * Open a page whose `<gag-phone server="…">` lists `servers` (tried in turn: the first is its node)
 * as `extension`, and wait until it is online. The page notes when each `gag-*` event last came
 * (`window.gagAt`, ms since the epoch) so a test can time what happens against a kill.
 */
export async function phoneOn(gag: GagEnv, openPhone: (options?: OpenPhoneOptions) => Promise<GagPhone>, extension: string, servers: readonly string[]): Promise<GagPhone> {
  const path = `/cluster-${extension}-${servers.map((s) => new URL(s).port).join('-')}.html`;
  const script = `${servers[0]!.replace(/^ws/, 'http')}/gag-phone.js`;
  gag.serve(
    path,
    'text/html; charset=utf-8',
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${extension} on ${servers.join(' ')}</title>
<script src="${script}"></script></head>
<body><gag-phone server="${servers.join(' ')}" token-url="${gag.tokenUrl(extension)}"></gag-phone>
<script>
const at = (window.gagAt = {});
for (const type of ['gag-incoming', 'gag-answered', 'gag-ended']) document.querySelector('gag-phone').addEventListener(type, () => (at[type] = Date.now()));
</script></body></html>`,
  );
  const phone = await openPhone({ extension, url: path, waitOnline: false });
  await phone.expectOnline();
  return phone;
}

/** When the page's last `type` event came (ms since the epoch; the page and the test share the clock). */
export async function lastEventAt(phone: GagPhone, type: 'gag-incoming' | 'gag-answered' | 'gag-ended'): Promise<number> {
  return phone.page.evaluate((t) => (window as unknown as { gagAt: Record<string, number> }).gagAt[t] ?? Number.NaN, type);
}

/** A call from `caller` to `extension`, its caller playing 440 Hz from `from`, rung and answered on `page`: talking when it resolves. */
export async function talkingOn(caller: GagAsterisk, extension: string, page: GagPhone, from: string): Promise<AsteriskCall> {
  const call = await caller.call(extension, { from, play: 440 });
  await page.expectRinging({ from });
  await page.answer();
  await call.expectAnswered();
  await page.expectTalking();
  return call;
}
