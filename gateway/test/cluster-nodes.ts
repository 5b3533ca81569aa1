/**
 * Nodes of a test cluster on a real redis-server (issue 17): in this process (a test gateway) or
 * in a process of their own, to kill with a signal and start again. Everything started here is
 * stopped after each test of the file that imports it.
 */
import { afterEach, vi } from 'vitest';
import { TEST_SECRET, startTestGateway, type TestGateway } from '@gag/testkit/gateway';
import { startGatewayChild, type GatewayChild } from '@gag/testkit/gateway-process';
import { TEST_ORIGIN } from '@gag/testkit/phone';
import { startRedisServer, type RedisServer } from '@gag/testkit/redis-server';

const CLUSTER_SECRET = 'cluster-secret-for-tests-0123456789';
/** The nodes' liveness TTL (`node_ttl_ms`). */
export const TTL_MS = 1_000;

/** Steps run after each test, last first. */
export const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  vi.unstubAllGlobals();
});

const clusterOf = (redis: RedisServer, id: string, ttlMs = TTL_MS) => ({ redis_url: redis.url, node_id: id, secret: CLUSTER_SECRET, link_listen: '127.0.0.1:0', node_ttl_ms: ttlMs });

/** A redis-server of this test's own. */
export async function redisServer(): Promise<RedisServer> {
  const server = await startRedisServer();
  cleanup.push(() => server.close());
  return server;
}

/** Node `id` in this process (liveness TTL `ttlMs`). */
export async function node(redis: RedisServer, id: string, ttlMs = TTL_MS): Promise<TestGateway> {
  const gw = await startTestGateway({ cluster: clusterOf(redis, id, ttlMs) });
  cleanup.push(() => gw.stop());
  return gw;
}

/** A node in a process of its own: its URLs, the process to signal, and `stop(signal)`. */
export type ChildNode = GatewayChild;

/** Node `id` in a child process (liveness TTL `ttlMs`), once its gateway listens; killed (SIGKILL) after the test. */
export async function childNode(redis: RedisServer, id: string, ttlMs = TTL_MS): Promise<ChildNode> {
  const node = await startGatewayChild({ config: { allowed_origins: [TEST_ORIGIN], jwt_secret: TEST_SECRET, cluster: clusterOf(redis, id, ttlMs) } });
  cleanup.push(() => node.stop('SIGKILL'));
  return node;
}

/** Phones of other nodes mirrored on `gw` (of node `of`, or of any). */
export const remotePhones = (gw: TestGateway, of?: string): number => gw.gw.registry.all().filter((p) => p.node !== undefined && (of === undefined || p.node === of)).length;
