/**
 * A cluster under faults (issue 17), on a real redis-server: node B in a process of its own is
 * killed with SIGKILL mid-call (the caller on node A gets HANGUP within a second, B's phones stop
 * being rung once its TTL is over); Redis restarted mid-call (the call's audio goes on, every frame
 * both ways, and once Redis is back the nodes have written their state again by themselves: a
 * node that joins then finds the phones and rings them); a ring across nodes whose `ended` is lost
 * while Redis is away ends at the browser once its lease is not renewed; a node that reaches Redis
 * again later than another is not taken for dead by it (their call goes on).
 */
import { createClient } from '@redis/client';
import { describe, expect, test } from 'vitest';
import { GagClient, type Call } from '@gag/sdk';
import { mintToken } from '@gag/gateway';
import { browserGlobals } from '@gag/testkit/browser-globals';
import { TEST_SECRET, type TestGateway } from '@gag/testkit/gateway';
import { TEST_ORIGIN, TestPhone } from '@gag/testkit/phone';
import { WITH_REDIS, type RedisServer } from '@gag/testkit/redis-server';
import { clusterKeys } from '../src/cluster/cluster-keys.js';
import { RING_LEASE } from '../src/cluster/remote-phone.js';
import { talkingCall } from './agent-voice.js';
import { TTL_MS, childNode, cleanup, node, redisServer, remotePhones, type ChildNode } from './cluster-nodes.js';
import { expectUnbrokenAudio, markAudio } from './unbroken-audio.js';

/** Node A in this process, node B in a child process with a phone on it, and a call from A's Asterisk talking with that phone. */
async function talkingToChild(redis: RedisServer): Promise<{ a: TestGateway; b: ChildNode; call: Awaited<ReturnType<typeof talkingCall>>['call'] }> {
  const a = await node(redis, 'gw-a');
  const b = await childNode(redis, 'gw-b');
  const phone = await TestPhone.login(b.browserUrl, await mintToken({ secret: TEST_SECRET, extension: '2001', ttlSeconds: 60 }));
  cleanup.push(() => phone.close());
  await expect.poll(() => remotePhones(a), { timeout: 5_000 }).toBe(1);
  const { call } = await talkingCall({ asterisk: a.asterisk, phone: () => Promise.resolve(phone) });
  return { a, b, call };
}

describe.skipIf(!WITH_REDIS)('a cluster under faults', () => {
  test('node B killed with SIGKILL mid-call: the caller on A gets HANGUP within a second; B’s phones are not rung after its TTL', async () => {
    const redis = await redisServer();
    const { a, b, call } = await talkingToChild(redis);
    await expect.poll(() => call.received.frames, { timeout: 5_000 }).toBeGreaterThan(10); // talking, both ways
    const killedAt = Date.now();
    b.child.kill('SIGKILL');
    const end = await call.ended;
    expect(Date.now() - killedAt).toBeLessThan(1_000);
    expect(call.commands.at(-1)).toBe('HANGUP');
    expect(end).toMatchObject({ by: 'app-hangup' });
    // Within its TTL (and a heartbeat) B is dead for A: a new call for 2001 finds nobody and is hung up.
    await expect.poll(() => remotePhones(a), { timeout: TTL_MS * 4 }).toBe(0);
    const next = await a.asterisk.call('ws-ext-2001');
    expect(await next.ended).toMatchObject({ by: 'app-hangup' });
    expect(next.commands).toEqual(['HANGUP']);
  });

  test('Redis restarted mid-call: every frame of the call goes on both ways; a new call works once Redis is back', async () => {
    const redis = await redisServer();
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const phone = await b.phone('2001');
    await expect.poll(() => remotePhones(a), { timeout: 5_000 }).toBe(1);
    const { call, callId } = await talkingCall({ asterisk: a.asterisk, phone: () => Promise.resolve(phone) });
    const from = markAudio(phone, call);
    await redis.kill();
    await expect.poll(async () => (await fetch(`${a.gw.browserUrl.replace(/^ws/, 'http')}/readyz`)).status).toBe(503);
    await redis.start();
    await expectUnbrokenAudio(phone, call, from);
    phone.send({ type: 'hangup', callId });
    await call.ended;
    await phone.next('ended');
    // Redis came back empty: the nodes wrote themselves again by themselves, so a node that joins
    // now finds B's phone there, and a call it takes rings it.
    await expect.poll(async () => (await fetch(`${a.gw.browserUrl.replace(/^ws/, 'http')}/readyz`)).status, { timeout: 8_000 }).toBe(200);
    const c = await node(redis, 'gw-c');
    await expect.poll(() => remotePhones(c), { timeout: 8_000 }).toBe(1);
    const again = await c.asterisk.call('ws-ext-2001');
    const { callId: secondId } = await phone.next('incoming');
    phone.send({ type: 'reject', callId: secondId });
    expect(await again.ended).toMatchObject({ by: 'app-hangup' });
  });

  test('a ring across nodes whose `ended` is lost while Redis is away ends at the browser once its lease is not renewed', async () => {
    const redis = await redisServer();
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const phone = await b.phone('2001');
    await expect.poll(() => remotePhones(a), { timeout: 5_000 }).toBe(1);
    const call = await a.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    // Renewed while it rings: still ringing past one lease.
    await expect(phone.next('ended', RING_LEASE.ttlMs + RING_LEASE.refreshMs)).rejects.toThrow();
    await redis.kill();
    await expect.poll(async () => (await fetch(`${a.gw.browserUrl.replace(/^ws/, 'http')}/readyz`)).status).toBe(503);
    const hungUpAt = Date.now();
    await call.hangup(); // node A's `ended` for the phone goes nowhere: the bus is down
    const ended = await phone.next('ended', RING_LEASE.ttlMs + 2_000);
    expect(ended).toMatchObject({ callId, reason: 'connection_lost' });
    expect(Date.now() - hungUpAt).toBeLessThan(RING_LEASE.ttlMs + 1_000);
  });

  test('a node that reaches Redis again later than another after a restart is not taken for dead: their talking call goes on', async () => {
    const redis = await redisServer();
    const { a, b, call } = await talkingToChild(redis);
    await expect.poll(() => call.received.frames, { timeout: 5_000 }).toBeGreaterThan(10);
    // B is frozen through the restart: A is back first, and beats twice (its liveness renewed) without B listed.
    b.child.kill('SIGSTOP');
    cleanup.push(() => b.child.kill('SIGCONT'));
    await redis.kill();
    await redis.start();
    const client = createClient({ url: redis.url });
    await client.connect();
    cleanup.push(() => client.quit());
    const alive = clusterKeys('gag').alive('gw-a');
    await expect.poll(() => client.pTTL(alive), { timeout: 8_000 }).toBeGreaterThan(0);
    // Renewed once more: its TTL seen going down, then back up.
    let lowest = await client.pTTL(alive);
    const renewed = async (): Promise<boolean> => {
      const ttl = await client.pTTL(alive);
      lowest = Math.min(lowest, ttl);
      return ttl > lowest + 20;
    };
    await expect.poll(renewed, { timeout: 5_000, interval: 20 }).toBe(true);
    b.child.kill('SIGCONT');
    const frames = call.received.frames;
    await expect.poll(() => call.received.frames, { timeout: 5_000 }).toBeGreaterThan(frames + 25);
    expect(call.commands).toEqual(['ANSWER']);
    expect(remotePhones(a)).toBe(1);
  });

  test('the SDK given the nodes logs in on another node when its node is killed, and rings there within 5 s', async () => {
    const redis = await redisServer();
    const a = await node(redis, 'gw-a');
    const b = await childNode(redis, 'gw-b');
    const c = await node(redis, 'gw-c');
    browserGlobals({ origin: TEST_ORIGIN });
    const client = new GagClient({ url: [b.browserUrl, c.gw.browserUrl], getToken: () => mintToken({ secret: TEST_SECRET, extension: '2001', ttlSeconds: 60 }), ringtone: false });
    cleanup.push(() => client.disconnect());
    await client.connect();
    await expect.poll(() => remotePhones(a), { timeout: 5_000 }).toBe(1);
    const killedAt = Date.now();
    b.child.kill('SIGKILL');
    // Back online on C, mirrored on A (B's session gone with its TTL): a call to A rings the client again.
    await expect.poll(() => c.gw.registry.all().filter((p) => p.node === undefined).length, { timeout: 5_000 }).toBe(1);
    await expect.poll(() => a.gw.registry.all().filter((p) => p.node === 'gw-c').length, { timeout: 5_000 }).toBe(1);
    const ringing = new Promise<Call>((resolve) => client.once('incoming', resolve));
    const call = await a.asterisk.call('ws-ext-2001');
    await ringing;
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    call.hangup();
  });
});
