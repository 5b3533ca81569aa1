/**
 * Two nodes of a cluster on a real redis-server (issue 17), without routers: a phone logged in on
 * node B appears on node A as a phone A can ring; the call's messages reach the browser on B and
 * its answer comes back; audio crosses both ways over the node link; the phone leaving, the link
 * being cut and the node leaving end what they carried, on both sides, and nothing else.
 */
import { EventEmitter } from 'eventemitter3';
import { afterEach, describe, expect, test } from 'vitest';
import type { ServerMessage, WireFormat } from '@gag/sdk/protocol';
import { WITH_REDIS, startRedisServer, type RedisServer } from '@gag/testkit/redis-server';
import { newPhoneStats } from '../src/browser/audio-out.js';
import { NO_CLAIMS, type Phone, type PhoneEvents } from '../src/browser/phone.js';
import { ClusterNode } from '../src/cluster/cluster-node.js';
import type { RemotePhone } from '../src/cluster/remote-phone.js';
import { createLogger } from '../src/log.js';

const log = createLogger((process.env['GAG_TEST_LOG'] as 'debug' | undefined) ?? 'silent');
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A logged-in browser as the node's router sees it: what it is sent is kept. */
class TestPhone extends EventEmitter<PhoneEvents> implements Phone {
  readonly id: string;
  readonly protocol = 'gag.v1';
  readonly claims = NO_CLAIMS;
  readonly callNotices = true;
  readonly canTakeCall = true;
  readonly formats: readonly WireFormat[] = ['slin16', 'ulaw'];
  readonly remoteAddress = undefined;
  readonly userAgent = undefined;
  readonly connectedAtMs = Date.now();
  readonly log = log;
  readonly stats = newPhoneStats();
  readonly sent: ServerMessage[] = [];
  readonly heard: number[] = [];
  readonly talking: (WireFormat | undefined)[] = [];
  constructor(
    id: string,
    readonly extension: string,
  ) {
    super();
    this.id = id;
  }
  send(message: ServerMessage): void {
    this.sent.push(message);
  }
  sendAudio(frames: Buffer): boolean {
    this.heard.push(frames[0]!);
    return true;
  }
  talkingIn(format: WireFormat | undefined): void {
    this.talking.push(format);
  }
  recheckToken(): Promise<void> {
    return Promise.resolve();
  }
  goAway(): void {}
}

/** Node `id` with its phones. */
async function node(redis: RedisServer, id: string) {
  const phones = new Map<string, TestPhone>();
  const busy: string[] = [];
  const n = new ClusterNode({
    redisUrl: redis.url,
    name: 'nodes',
    nodeId: id,
    secret: 'a-cluster-secret-of-32-characters!',
    linkHost: '127.0.0.1',
    linkPort: 0,
    timing: { ttlMs: 800, refreshMs: 100 },
    log,
    phoneOf: (sessionId) => phones.get(sessionId),
    busyHere: () => false,
    nowBusy: (phone) => busy.push(phone.id),
  });
  const remotes: RemotePhone[] = [];
  n.on('remotePhone', (phone) => remotes.push(phone));
  cleanup.push(() => n.close());
  await n.start();
  await expect.poll(() => n.redis.up).toBe(true);
  const login = (sessionId: string, extension: string): TestPhone => {
    const phone = new TestPhone(sessionId, extension);
    phones.set(sessionId, phone);
    n.localPhone(phone);
    return phone;
  };
  return { node: n, remotes, login, busy };
}

const frame = (n: number): Buffer => Buffer.alloc(640, n);

describe.skipIf(!WITH_REDIS)('two cluster nodes on a real redis-server', () => {
  test('a phone on B rings from A, answers, and talks both ways over the node link; leaving ends it on A', async () => {
    const redis = await startRedisServer();
    cleanup.push(() => redis.close());
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const browser = b.login('s-b1', '2001');
    await expect.poll(() => a.remotes.map((p) => [p.id, p.extension, p.node])).toEqual([['s-b1', '2001', 'gw-b']]);
    const remote = a.remotes[0]!;
    const fromBrowser: string[] = [];
    remote.on('message', (m) => fromBrowser.push(m.type));
    const heardOnA: number[] = [];
    remote.on('audio', (frames) => heardOnA.push(frames[0]!));
    remote.send({ type: 'incoming', callId: 'c1', extension: '2001', callerNumber: '0312345678', callerName: null, group: null, format: 'slin16' });
    await expect.poll(() => browser.sent.map((m) => m.type)).toEqual(['incoming']);
    browser.emit('message', { type: 'answer', callId: 'c1' });
    await expect.poll(() => fromBrowser).toEqual(['answer']);
    remote.talkingIn('slin16'); // as the call does: its codec, then answered
    remote.send({ type: 'answered', callId: 'c1' });
    await expect.poll(() => browser.talking).toEqual(['slin16']);
    expect(b.busy).toEqual(['s-b1']);
    // Audio both ways, once each side's channel is open.
    await expect.poll(() => (remote.sendAudio(frame(1)), browser.heard.length > 0)).toBe(true);
    await expect.poll(() => (browser.emit('audio', frame(2)), heardOnA.length > 0)).toBe(true);
    for (let i = 10; i < 20; i++) remote.sendAudio(frame(i));
    await expect.poll(() => browser.heard.slice(-10)).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
    expect(heardOnA.every((x) => x === 2)).toBe(true);
    // The browser hangs up; then the phone logs out: A's mirror closes it.
    browser.emit('message', { type: 'hangup', callId: 'c1' });
    await expect.poll(() => fromBrowser).toEqual(['answer', 'hangup']);
    const closed = new Promise<number>((resolve) => remote.once('closed', resolve));
    browser.emit('closed', 1000);
    expect(await closed).toBe(1001);
  });

  test('a cut node link ends the call on it on both sides; the phones stay and ring again', async () => {
    const redis = await startRedisServer();
    cleanup.push(() => redis.close());
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const browser = b.login('s-b1', '2001');
    const other = b.login('s-b2', '2002');
    await expect.poll(() => a.remotes.length).toBe(2);
    const remote = a.remotes.find((p) => p.id === 's-b1')!;
    remote.send({ type: 'incoming', callId: 'c1', extension: '2001', callerNumber: null, callerName: null, group: null, format: 'slin16' });
    remote.talkingIn('slin16'); // as the call does: its codec, then answered
    remote.send({ type: 'answered', callId: 'c1' });
    await expect.poll(() => (remote.sendAudio(frame(1)), browser.heard.length > 0)).toBe(true);
    // A's side: the call is hung up for the browser (the router would hang up Asterisk's leg).
    const hungUp = new Promise<unknown>((resolve) => remote.once('message', resolve));
    remote.link!.close(1011, 'cut for the test');
    expect(await hungUp).toEqual({ type: 'hangup', callId: 'c1' });
    // B's side: the browser is told.
    await expect.poll(() => browser.sent.at(-1)).toEqual({ type: 'ended', callId: 'c1', reason: 'connection_lost' });
    expect(browser.talking).toEqual(['slin16', undefined]);
    // Nothing else: the other phone heard nothing, both phones stay mirrored on A, and the next call gets a new link.
    expect(other.sent).toEqual([]);
    expect(a.node.remotePhones.map((p) => p.id).sort()).toEqual(['s-b1', 's-b2']);
    remote.send({ type: 'incoming', callId: 'c2', extension: '2001', callerNumber: null, callerName: null, group: null, format: 'ulaw' });
    remote.talkingIn('ulaw');
    remote.send({ type: 'answered', callId: 'c2' });
    await expect.poll(() => (remote.sendAudio(Buffer.alloc(160, 5)), browser.heard.at(-1))).toBe(5);
  });

  test('a node that leaves: the other drops its phones and ends the calls it held for them', async () => {
    const redis = await startRedisServer();
    cleanup.push(() => redis.close());
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const browser = b.login('s-b1', '2001');
    await expect.poll(() => a.remotes.length).toBe(1);
    // A call of A rings the browser on B; then A leaves the cluster.
    a.remotes[0]!.send({ type: 'incoming', callId: 'c9', extension: '2001', callerNumber: null, callerName: null, group: null });
    await expect.poll(() => browser.sent.length).toBe(1);
    await a.node.close();
    await expect.poll(() => browser.sent.at(-1), { timeout: 5_000 }).toEqual({ type: 'ended', callId: 'c9', reason: 'connection_lost' });
    const bSeesA = b.node.remotePhones.length;
    expect(bSeesA).toBe(0);
  });
});
