/**
 * The cluster's failures with real processes (issue 17), in real Chromium: each test starts the
 * nodes it needs (processes of their own, stopped after it) around the fixtures' gateway (node B)
 * and the worker's redis-server, and breaks one thing. A node killed with SIGKILL mid-call, the
 * browser's (Asterisk gets HANGUP within 1 s; the page logs in on the next node of its list and
 * rings again within 5 s) or the call's (the page shows the call ended within 1 s); Redis restarted
 * mid-call (the call keeps its audio both ways; a new call works once Redis is back); Redis away
 * when a node starts (`/readyz` says not ready and why, and the node joins once Redis is up); a
 * link between two nodes cut on the wire (the call on it ends on both sides, a call on another
 * link goes on, and the next call opens a new link).
 */
import { expectAudioBothWays } from './audio-both-ways.js';
import { NodeSet, clusterSpec, expectRingable, lastEventAt, phoneOn, readiness, talkingOn, workerRedis } from './cluster-setup.js';
import { TONE_DBFS, expect, test as base } from './fixtures.js';

clusterSpec('e2e-failures');
const redis = workerRedis();
base.beforeAll(() => redis.start());
base.afterAll(() => redis.close());

/** `nodes`: the nodes a test starts, stopped after it (after its pages are closed: list it first). */
const test = base.extend<{ nodes: NodeSet }>({
  nodes: async ({ gag }, use) => {
    const nodes = new NodeSet(gag);
    await use(nodes);
    await nodes.stopAll();
  },
});

test('the page’s node killed (SIGKILL) mid-call: Asterisk on node A gets HANGUP within 1 s; the page logs in on node B and rings again within 5 s', async ({ nodes, openPhone, gag }) => {
  const [a, c] = await Promise.all([nodes.start('gw-a'), nodes.start('gw-c')]);
  const page = await phoneOn(gag, openPhone, '2002', [c.browserUrl, gag.gatewayUrl]);
  await expectRingable(a, '2002', 'gw-c');
  const caller = nodes.caller(a);
  const call = await talkingOn(caller, '2002', page, '0312345678');
  await call.expectAudio({ hz: 1_000 });
  await page.expectAudio({ hz: 440 });

  const killedAt = Date.now();
  await c.kill();
  expect(await call.ended).toMatchObject({ by: 'app-hangup' });
  expect(Date.now() - killedAt, 'ms from the kill to Asterisk’s HANGUP').toBeLessThan(1_000);
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  await page.expectEnded({ reason: 'connection_lost' });

  // The page goes to the next node of its list (B); node A rings it there.
  await expectRingable(a, '2002', 'gw-b');
  const again = await caller.call('2002', { from: '0698765432' });
  await page.expectRinging({ from: '0698765432' });
  expect((await lastEventAt(page, 'gag-incoming')) - killedAt, 'ms from the kill to the page ringing again').toBeLessThan(5_000);
  await again.hangup();
  await page.expectEnded();
});

test('the call’s node killed (SIGKILL) mid-call: the page on node B shows the call ended within 1 s', async ({ nodes, openPhone, gag }) => {
  const a = await nodes.start('gw-a');
  const page = await phoneOn(gag, openPhone, '2001', [gag.gatewayUrl]);
  await expectRingable(a, '2001', 'gw-b');
  await talkingOn(nodes.caller(a), '2001', page, '0312345678');
  await page.expectAudio({ hz: 440 });

  const killedAt = Date.now();
  await a.kill();
  await page.expectEnded({ reason: 'connection_lost' });
  expect((await lastEventAt(page, 'gag-ended')) - killedAt, 'ms from the kill to the page’s gag-ended').toBeLessThan(1_000);
  await page.expectOnline(); // its own node is fine: it stays logged in
});

test('Redis restarted mid-call: the talking call keeps its audio both ways; once Redis is back a new call works', async ({ nodes, phone }) => {
  const a = await nodes.start('gw-a');
  await expectRingable(a, '2001', 'gw-b');
  const caller = nodes.caller(a);
  const call = await talkingOn(caller, '2001', phone, '0312345678');
  await expectAudioBothWays(call, phone);

  await redis.kill();
  await expect.poll(() => readiness(a)).toMatchObject({ status: 503, cluster: expect.stringMatching(/^redis /) });
  await redis.start();
  // The audio since the restart, each way, at its level (a check reads the latest half second).
  const framesAtRestart = call.received.frames;
  await expect.poll(() => call.received.frames).toBeGreaterThanOrEqual(framesAtRestart + 25);
  await call.expectAudio({ hz: 1_000, dbfs: TONE_DBFS });
  await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });
  expect(call.state).toBe('up');
  await phone.hangup();
  await call.expectHangup();
  await phone.expectEnded({ reason: 'hangup' });

  // Redis came back empty: the nodes write their state again by themselves, and a new call rings.
  await expect.poll(async () => (await readiness(a)).status, { timeout: 10_000 }).toBe(200);
  await expectRingable(a, '2001', 'gw-b');
  const next = await talkingOn(caller, '2001', phone, '0698765432');
  await next.expectAudio({ hz: 1_000 });
  await phone.expectAudio({ hz: 440 });
  await next.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
});

test('Redis unreachable when a node starts: it starts, /readyz says not ready and why, and once Redis is up it joins and its call rings the page on node B', async ({ nodes, phone }) => {
  await redis.kill();
  const d = await nodes.start('gw-d');
  expect(await readiness(d)).toMatchObject({ status: 503, cluster: expect.stringMatching(/^redis /) });
  await redis.start();
  await expect.poll(async () => (await readiness(d)).status, { timeout: 10_000 }).toBe(200);
  await expectRingable(d, '2001', 'gw-b');
  const call = await talkingOn(nodes.caller(d), '2001', phone, '0312345678');
  await call.expectAudio({ hz: 1_000 });
  await phone.expectAudio({ hz: 440 });
  await phone.hangup();
  await call.expectHangup();
});

test('a link between two nodes cut on the wire: the call on it ends on both sides, the call on another link goes on, and the next call opens a new link', async ({ nodes, phone, openPhone, gag }) => {
  const [a, c] = await Promise.all([nodes.start('gw-a'), nodes.start('gw-c', { cuttableLink: true })]);
  const onC = await phoneOn(gag, openPhone, '2002', [c.browserUrl]);
  await expectRingable(a, '2001', 'gw-b');
  await expectRingable(a, '2002', 'gw-c');
  const caller = nodes.caller(a);
  const toB = await talkingOn(caller, '2001', phone, '0311111111');
  const toC = await talkingOn(caller, '2002', onC, '0322222222');
  await toC.expectAudio({ hz: 1_000 });
  await onC.expectAudio({ hz: 440 });

  c.link!.cut(); // A ↔ C: every connection reset, new ones refused
  await toC.expectHangup();
  expect(toC.commands).toEqual(['ANSWER', 'HANGUP']);
  await onC.expectEnded({ reason: 'connection_lost' });
  // Nothing else: the call from A to B goes on both ways after the cut, and the page on C stays logged in.
  const framesAtCut = toB.received.frames;
  await expect.poll(() => toB.received.frames).toBeGreaterThanOrEqual(framesAtCut + 25);
  await toB.expectAudio({ hz: 1_000, dbfs: TONE_DBFS });
  await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });
  expect(toB.state).toBe('up');
  await onC.expectOnline();

  c.link!.restore();
  const again = await talkingOn(caller, '2002', onC, '0333333333');
  await onC.expectAudio({ hz: 440 });
  await onC.hangup();
  await again.expectHangup();
  await phone.hangup();
  await toB.expectHangup();
});
