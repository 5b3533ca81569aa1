/**
 * The cluster's shared state in a real redis-server (issue 17): node liveness with a TTL, each
 * node's phones found from any node and gone with a dead node, a Redis that is down at start or
 * restarted mid-way (the link says why, and the node writes its state again by itself).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WITH_REDIS, startRedisServer, type RedisServer } from '@gag/testkit/redis-server';
import { clusterKeys } from '../src/cluster/cluster-keys.js';
import { NodePresence, type PresenceTiming } from '../src/cluster/node-presence.js';
import { PhoneDirectory } from '../src/cluster/phone-directory.js';
import { RedisLink } from '../src/cluster/redis-link.js';
import { createLogger } from '../src/log.js';

/** Short, so a dead node is gone within a test's patience. */
const TIMING: PresenceTiming = { ttlMs: 600, refreshMs: 150 };
const log = createLogger('silent');
let redis: RedisServer;
const links: RedisLink[] = [];

// CI has redis-server (.ci/run installs it); elsewhere these say they were skipped for want of one.
describe.skipIf(!WITH_REDIS)('the cluster’s state in a real redis-server', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const link of links) link.close();
    await redis.close();
  });

  async function link(url = redis.url): Promise<RedisLink> {
    const l = new RedisLink(url, log);
    links.push(l);
    const up = new Promise<void>((resolve) => l.once('up', resolve));
    l.start();
    await up;
    return l;
  }

  /** A node's state objects, as a gateway node holds them. */
  async function node(id: string, keys = clusterKeys(`t${Math.random().toString(36).slice(2, 8)}`), l?: RedisLink) {
    const r = l ?? (await link());
    const presence = new NodePresence(r, keys, { id, address: `127.0.0.1:${id.length}`, startedAt: Date.now() }, TIMING);
    const phones = new PhoneDirectory(r, keys, id, TIMING);
    await presence.beat();
    return { redis: r, keys, presence, phones };
  }

  test('nodes see each other alive; a node that stops beating is gone within its TTL, and its phones with it', async () => {
    const a = await node('gw-a');
    const b = await node('gw-b', a.keys);
    await b.phones.add('2001', { sessionId: 's1', protocol: 'gag.v1', formats: ['slin16', 'ulaw'] });
    await a.phones.add('2001', { sessionId: 's2', protocol: 'legacy', formats: ['slin16'] });
    const live = await a.presence.liveNodes();
    expect(live.map((n) => n.id).sort()).toEqual(['gw-a', 'gw-b']);
    expect((await a.phones.lookup('2001', live)).sort((x, y) => x.sessionId.localeCompare(y.sessionId))).toEqual([
      { node: 'gw-b', sessionId: 's1', protocol: 'gag.v1', formats: ['slin16', 'ulaw'] },
      { node: 'gw-a', sessionId: 's2', protocol: 'legacy', formats: ['slin16'] },
    ]);
    // gw-a keeps beating; gw-b stops (killed): within its TTL only gw-a is alive and only its phone is found.
    const beating = setInterval(() => void a.presence.beat().then(() => a.phones.refresh()), TIMING.refreshMs);
    try {
      await expect.poll(async () => (await a.presence.liveNodes()).map((n) => n.id), { timeout: 3_000 }).toEqual(['gw-a']);
      expect(await a.phones.lookup('2001', await a.presence.liveNodes())).toEqual([{ node: 'gw-a', sessionId: 's2', protocol: 'legacy', formats: ['slin16'] }]);
      // Its phone key expired too: nothing of gw-b is left to ring, even if asked for by name.
      expect(await a.redis.client.exists(a.keys.phones('gw-b', '2001'))).toBe(0);
      expect(await a.redis.client.sIsMember(a.keys.nodes, 'gw-b')).toBe(0);
    } finally {
      clearInterval(beating);
    }
  });

  test('a phone that logs out is no longer found; a node that leaves is gone at once', async () => {
    const a = await node('gw-a');
    await a.phones.add('3001', { sessionId: 's1', protocol: 'gag.v1', formats: ['slin16'] });
    await a.phones.remove('3001', 's1');
    expect(await a.phones.lookup('3001', await a.presence.liveNodes())).toEqual([]);
    expect(a.phones.size).toBe(0);
    await a.presence.leave();
    expect(await a.presence.liveNodes()).toEqual([]);
  });

  test('Redis down at start: the link says down and why, keeps trying, and is up once Redis is', async () => {
    const late = await startRedisServer();
    await late.kill();
    const l = new RedisLink(late.url, log);
    links.push(l);
    const down = new Promise<string>((resolve) => l.once('down', resolve));
    l.start();
    expect(await down).toBe('ECONNREFUSED');
    expect(l.state).toEqual({ up: false, why: 'ECONNREFUSED' });
    const up = new Promise<void>((resolve) => l.once('up', resolve));
    await late.start();
    await up;
    expect(l.state).toEqual({ up: true });
    await late.close();
  });

  test('Redis restarted empty: the link goes down and up, and the node writes its phones again', async () => {
    const own = await startRedisServer();
    try {
      const a = await node('gw-a', clusterKeys('restart'), await link(own.url));
      await a.phones.add('4001', { sessionId: 's1', protocol: 'gag.v1', formats: ['slin16'] });
      a.redis.on('up', () => void a.presence.beat().then(() => a.phones.republish()));
      const down = new Promise<void>((resolve) => a.redis.once('down', () => resolve()));
      await own.kill();
      await down;
      // Written while Redis is away: kept here, published once it is back.
      await a.phones.add('4002', { sessionId: 's2', protocol: 'gag.v1', formats: ['slin16'] });
      await own.start();
      await expect.poll(async () => (a.redis.state.up ? (await a.phones.lookup('4002', await a.presence.liveNodes())).length : -1), { timeout: 5_000 }).toBe(1);
      expect(await a.phones.lookup('4001', await a.presence.liveNodes())).toEqual([{ node: 'gw-a', sessionId: 's1', protocol: 'gag.v1', formats: ['slin16'] }]);
    } finally {
      await own.close();
    }
  });
});
