/**
 * The media link between two nodes (issue 17), on loopback: the audio of several calls
 * multiplexed both ways arrives whole, in order, on the right channel; a node without the
 * cluster's secret (or with an old or misdirected header) is refused before any WebSocket exists;
 * a peer that breaks the framing loses its link and only that; a peer that stops reading costs
 * dropped, counted frames, never memory without bound.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { NODE_LINK_PATH, NODE_LINK_SUBPROTOCOL, linkAuthorization } from '../src/cluster/link-auth.js';
import { NodeLinkServer, dialNodeLink, type LinkIdentity } from '../src/cluster/link-server.js';
import { LINK_BAD_MESSAGE, MAX_LINK_BACKLOG_BYTES, type LinkChannel, type NodeLink } from '../src/cluster/node-link.js';
import { createLogger } from '../src/log.js';

const SECRET = 'cluster-secret-for-tests-0123456789';
const log = createLogger('silent');
const identity = (self: string, secret = SECRET): LinkIdentity => ({ self, secret, log });
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Node `id`'s link listener on loopback, and the links it accepts. */
async function listener(id: string): Promise<{ server: NodeLinkServer; address: string; accepted: NodeLink[] }> {
  const server = new NodeLinkServer(identity(id));
  cleanup.push(() => server.close());
  const accepted: NodeLink[] = [];
  server.on('link', (link) => accepted.push(link));
  const port = await server.listen('127.0.0.1', 0);
  return { server, address: `127.0.0.1:${port}`, accepted };
}

/** A 20 ms slin16 frame whose samples all hold `n` (so order and channel can be read back). */
const frame = (n: number): Buffer => Buffer.alloc(640, n & 0xff);

test('three calls’ audio, multiplexed both ways over one link, arrives whole and in order on the right channel', async () => {
  const b = await listener('gw-b');
  const a = await dialNodeLink(identity('gw-a'), 'gw-b', b.address);
  cleanup.push(() => a.close());
  await expect.poll(() => b.accepted.length).toBe(1);
  const atB = b.accepted[0]!;
  expect([a.peer, atB.peer]).toEqual(['gw-b', 'gw-a']);
  const opened = new Map<number, LinkChannel>();
  const heardAtB = new Map<string, number[]>();
  atB.on('open', (chan, channel) => opened.set(chan, channel));
  atB.on('audio', (chan, frames) => {
    const call = opened.get(chan)!.callId;
    heardAtB.set(call, [...(heardAtB.get(call) ?? []), frames[0]!]);
  });
  const heardAtA: number[] = [];
  a.on('audio', (_chan, frames) => heardAtA.push(frames[0]!));
  const chans = ['c1', 'c2', 'c3'].map((callId) => a.openChannel({ sessionId: `s-${callId}`, callId, format: 'slin16' }));
  for (let i = 0; i < 50; i++) chans.forEach((chan, k) => expect(a.send(chan, frame(k * 60 + i))).toBe(true));
  await expect.poll(() => [...heardAtB.values()].map((heard) => heard.length)).toEqual([50, 50, 50]);
  ['c1', 'c2', 'c3'].forEach((call, k) => expect(heardAtB.get(call)).toEqual(Array.from({ length: 50 }, (_, i) => k * 60 + i)));
  expect([...opened.values()].map((c) => c.sessionId)).toEqual(['s-c1', 's-c2', 's-c3']);
  // And back: B's own channel for the browser's side of c2.
  const back = atB.openChannel({ sessionId: 's-c2', callId: 'c2', format: 'ulaw' });
  for (let i = 0; i < 20; i++) atB.send(back, Buffer.alloc(320, i));
  await expect.poll(() => heardAtA).toEqual(Array.from({ length: 20 }, (_, i) => i));
  // A shut channel is told, and audio on it is no longer sent.
  const shut = new Promise<number>((resolve) => atB.once('shut', resolve));
  a.shutChannel(chans[0]!);
  expect(await shut).toBe(chans[0]);
  expect(a.send(chans[0]!, frame(1))).toBe(false);
  expect(a.stats).toMatchObject({ framesOut: 150, framesIn: 20, framesDropped: 0 });
});

test('links without the secret, for another node, with an old timestamp or none are refused with 401 before any WebSocket', async () => {
  const b = await listener('gw-b');
  await expect(dialNodeLink(identity('gw-a', 'wrong-secret'), 'gw-b', b.address)).rejects.toThrow(/refused with HTTP 401/);
  await expect(dialNodeLink(identity('gw-a'), 'gw-c', b.address)).rejects.toThrow(/refused with HTTP 401/);
  const raw = (authorization?: string): Promise<number> =>
    new Promise((resolve) => {
      const ws = new WebSocket(`ws://${b.address}${NODE_LINK_PATH}`, NODE_LINK_SUBPROTOCOL, authorization === undefined ? {} : { headers: { authorization } });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', () => {});
    });
  expect(await raw(linkAuthorization(SECRET, 'gw-a', 'gw-b', Date.now() - 120_000))).toBe(401);
  expect(await raw()).toBe(401);
  expect(await raw('GAG-Node gw-a gw-b 1 zz')).toBe(401);
  expect(Object.fromEntries(b.server.refused)).toEqual({ bad_mac: 1, wrong_node: 1, stale: 1, missing: 1, malformed: 1 });
  expect(b.accepted).toEqual([]);
});

test('a peer that sends audio on a channel it never opened, or broken frames, loses that link with the reason; another link goes on', async () => {
  const b = await listener('gw-b');
  const a = await dialNodeLink(identity('gw-a'), 'gw-b', b.address);
  const c = await dialNodeLink(identity('gw-c'), 'gw-b', b.address);
  cleanup.push(() => a.close(), () => c.close());
  await expect.poll(() => b.accepted.length).toBe(2);
  const closedAtA = new Promise<[number, string]>((resolve) => a.once('closed', (code, reason) => resolve([code, reason])));
  // A sender with a bug: a channel of slin16, then 641 bytes on it (not whole 640-byte frames).
  const chan = a.openChannel({ sessionId: 's1', callId: 'c1', format: 'slin16' });
  a.send(chan, Buffer.alloc(641));
  expect(await closedAtA).toEqual([LINK_BAD_MESSAGE, 'audio on channel 0 is not whole slin16 frames (641 bytes)']);
  // gw-c's link is untouched.
  const fromC = b.accepted.find((l) => l.peer === 'gw-c')!;
  const heard = new Promise<number>((resolve) => fromC.once('audio', (_chan, frames) => resolve(frames.length)));
  c.send(c.openChannel({ sessionId: 's2', callId: 'c2', format: 'slin16' }), frame(7));
  expect(await heard).toBe(640);
  expect(c.open).toBe(true);
});

test('a peer that stops reading: frames past the bounded backlog are dropped and counted, and the link stays open', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => NODE_LINK_SUBPROTOCOL });
  cleanup.push(() => new Promise<void>((resolve) => (wss.clients.forEach((ws) => ws.terminate()), wss.close(() => resolve()))));
  // Never reads: the TCP window and the link's backlog fill up.
  wss.on('connection', (ws) => (ws as unknown as { _socket: { pause(): void } })._socket.pause());
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const a = await dialNodeLink(identity('gw-a'), 'gw-stuck', `127.0.0.1:${(wss.address() as AddressInfo).port}`);
  cleanup.push(() => a.close());
  const chan = a.openChannel({ sessionId: 's1', callId: 'c1', format: 'slin16' });
  const big = Buffer.alloc(1920); // 60 ms packets
  let sent = 0;
  for (let i = 0; i < 40_000 && a.stats.framesDropped < 100; i++) if (a.send(chan, big)) sent++;
  expect(a.stats.framesDropped).toBe(100);
  // One turn's messages wait corked in the link's own backlog (none reach the kernel's buffer
  // before the turn ends): it took frames until that backlog was full, with at most 16 bytes of
  // framing each (channel number, WebSocket header, mask key).
  expect(sent).toBeGreaterThanOrEqual(Math.floor(MAX_LINK_BACKLOG_BYTES / (big.length + 16)));
  expect(sent * big.length).toBeLessThanOrEqual(MAX_LINK_BACKLOG_BYTES + big.length);
  expect(a.open).toBe(true);
});
