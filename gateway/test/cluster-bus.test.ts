/**
 * Signalling between nodes over a real redis-server's pub/sub (issue 17): a message reaches the
 * one node it is for, a broadcast every other node, a message from a broken or hostile node is
 * dropped and counted, and after Redis restarts the nodes hear each other again by themselves.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { WITH_REDIS, startRedisServer, type RedisServer } from '@gag/testkit/redis-server';
import { clusterKeys } from '../src/cluster/cluster-keys.js';
import { NodeBus, type BusMessage } from '../src/cluster/node-bus.js';
import { RedisLink } from '../src/cluster/redis-link.js';
import { createLogger } from '../src/log.js';

const log = createLogger('silent');
const cleanup: (() => unknown)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function redisServer(): Promise<RedisServer> {
  const server = await startRedisServer();
  cleanup.push(() => server.close());
  return server;
}

/** A node's bus, listening. */
async function node(server: RedisServer, id: string): Promise<{ bus: NodeBus; pub: RedisLink; got: [string, BusMessage][] }> {
  const pub = new RedisLink(server.url, log);
  const bus = new NodeBus(pub, server.url, clusterKeys('bus'), id, log);
  cleanup.push(() => pub.close(), () => bus.close());
  const got: [string, BusMessage][] = [];
  bus.on('message', (from, message) => got.push([from, message]));
  const up = new Promise<void>((resolve) => pub.once('up', resolve));
  pub.start();
  bus.start();
  await up;
  await expect.poll(() => bus.listening).toBe(true);
  return { bus, pub, got };
}

const ONLINE: BusMessage = { kind: 'phone_online', extension: '2001', phone: { sessionId: 's1', protocol: 'gag.v1', formats: ['slin16'] } };

describe.skipIf(!WITH_REDIS)('the cluster bus on a real redis-server', () => {
  test('a message reaches the node it is for and no other; a broadcast reaches every other node, not its sender', async () => {
    const server = await redisServer();
    const [a, b, c] = [await node(server, 'gw-a'), await node(server, 'gw-b'), await node(server, 'gw-c')];
    const incoming: BusMessage = { kind: 'to_phone', sessionId: 's1', message: { type: 'incoming', callId: 'c1' } };
    expect(await a.bus.send('gw-b', incoming)).toBe(true);
    await a.bus.broadcast(ONLINE);
    await expect.poll(() => c.got).toEqual([['gw-a', ONLINE]]);
    await expect.poll(() => b.got).toEqual([
      ['gw-a', incoming],
      ['gw-a', ONLINE],
    ]);
    expect(a.got).toEqual([]);
    expect(await a.bus.send('gw-gone', incoming)).toBe(false);
  });

  test('a message that does not parse is dropped and counted; the next good one still arrives', async () => {
    const server = await redisServer();
    const b = await node(server, 'gw-b');
    const raw = new RedisLink(server.url, log);
    cleanup.push(() => raw.close());
    const up = new Promise<void>((resolve) => raw.once('up', resolve));
    raw.start();
    await up;
    const inbox = clusterKeys('bus').inbox('gw-b');
    for (const bad of ['not json', JSON.stringify({ from: 'x', body: { kind: 'phone_online', extension: '' } }), JSON.stringify({ from: 'x', body: { kind: 'shutdown' } }), 'x'.repeat(40_000)]) {
      await raw.client.publish(inbox, bad);
    }
    await raw.client.publish(inbox, JSON.stringify({ from: 'gw-x', body: ONLINE }));
    await expect.poll(() => b.got).toEqual([['gw-x', ONLINE]]);
    expect(b.bus.rejected).toBe(4);
  });

  test('after Redis restarts, the nodes hear each other again by themselves, each message once', async () => {
    const server = await redisServer();
    const [a, b] = [await node(server, 'gw-a'), await node(server, 'gw-b')];
    const down = new Promise<void>((resolve) => a.pub.once('down', () => resolve()));
    await server.kill();
    await down;
    expect(await a.bus.send('gw-b', ONLINE)).toBe(false); // Redis away: said, not thrown
    await server.start();
    await expect.poll(() => a.bus.send('gw-b', ONLINE), { timeout: 8_000 }).toBe(true);
    await a.bus.broadcast({ kind: 'phone_offline', extension: '2001', sessionId: 's1' });
    await expect.poll(() => b.got.at(-1)).toEqual(['gw-a', { kind: 'phone_offline', extension: '2001', sessionId: 's1' }]);
    expect(b.got.filter(([, m]) => m.kind === 'phone_offline')).toHaveLength(1);
  });
});
