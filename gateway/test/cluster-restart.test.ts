/**
 * A node restarted under the same node id (issue 17), on a real redis-server: node A, in a process
 * of its own, holds a call talking with a phone on node B, has a phone of its own, and rings
 * another phone on B; then it is killed with SIGKILL and started again within its TTL (B never
 * sees it die) or after it (B does), or stopped with SIGTERM and started again at once. B stays
 * up throughout, its phones logged in. After A is back, B holds nothing of A's first instance (its
 * phone, its ring), a call reaching A rings the phone on B, is answered there (Asterisk gets
 * ANSWER), and its audio goes both ways frame by frame; a phone on the new A takes a call reaching
 * B, with its audio both ways frame by frame.
 */
import { describe, expect, test } from 'vitest';
import { FakeAsterisk } from '@gag/e2e';
import { mintToken } from '@gag/gateway';
import { TEST_SECRET, type TestGateway } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';
import { WITH_REDIS, type RedisServer } from '@gag/testkit/redis-server';
import type { SessionView } from '../src/http/views.js';
import { talkingCall } from './agent-voice.js';
import { TTL_MS, childNode, cleanup, node, redisServer, type ChildNode } from './cluster-nodes.js';
import { expectUnbrokenAudio, markAudio } from './unbroken-audio.js';

/** A TTL long enough that a node killed and started again is back well within it. */
const LONG_TTL_MS = 4_000;

async function loginOn(browserUrl: string, extension: string): Promise<TestPhone> {
  const phone = await TestPhone.login(browserUrl, await mintToken({ secret: TEST_SECRET, extension, ttlSeconds: 60 }));
  cleanup.push(() => phone.close());
  return phone;
}

function asteriskOf(a: ChildNode): FakeAsterisk {
  const asterisk = new FakeAsterisk({ url: a.asteriskUrl });
  cleanup.push(() => asterisk.close());
  return asterisk;
}

/** The sessions of other nodes that child node `a` mirrors (its `/api/sessions`, from loopback). */
async function mirroredOn(a: ChildNode): Promise<string[]> {
  const res = await fetch(`${a.browserUrl.replace(/^ws/, 'http')}/api/sessions`);
  const { sessions } = (await res.json()) as { sessions: SessionView[] };
  return sessions.filter((s) => s.node !== undefined).map((s) => `${s.node}/${s.extension}/${s.id}`);
}

/** Sessions of node `of` that `gw` mirrors. */
const mirroredFrom = (gw: TestGateway, of: string): string[] =>
  gw.gw.registry
    .all()
    .filter((p) => p.node === of)
    .map((p) => p.id);

/**
 * B up with phones for 2001 and 2003; A in a child process with a phone for 2002, holding a call
 * answered on B's 2001 and a call ringing B's 2003: everything B keeps about A's first instance.
 */
async function clusterWithStateOfA(redis: RedisServer, ttlMs: number) {
  const b = await node(redis, 'gw-b', ttlMs);
  const talker = await b.phone('2001');
  const ringer = await b.phone('2003');
  const a = await childNode(redis, 'gw-a', ttlMs);
  const first = await loginOn(a.browserUrl, '2002');
  await expect.poll(() => mirroredFrom(b, 'gw-a'), { timeout: 5_000 }).toEqual([first.welcome!.sessionId]);
  await expect.poll(() => mirroredOn(a), { timeout: 5_000 }).toHaveLength(2);
  const asterisk = asteriskOf(a);
  const talking = await asterisk.call('ws-ext-2001');
  const { callId } = await talker.next('incoming');
  talker.send({ type: 'answer', callId });
  await talking.answered;
  await asterisk.call('ws-ext-2003');
  await ringer.next('incoming');
  return { a, b, talker, ringer, firstPhoneOfA: first.welcome!.sessionId };
}

/** After A's restart: B keeps nothing of A's first instance, and calls go both ways with their audio. */
async function expectCallsBothWays(a: ChildNode, b: TestGateway, talker: TestPhone, ringer: TestPhone, firstPhoneOfA: string): Promise<void> {
  // The calls of A's first instance ended for B's phones (the talking one with its link, the ringing one with it or its lease).
  await talker.next('ended', 5_000);
  await ringer.next('ended', 5_000);
  // A call reaching the new A rings the phone on B, is answered there, and its audio goes both ways.
  await expect.poll(() => mirroredOn(a), { timeout: 5_000 }).toHaveLength(2);
  const { call, callId } = await talkingCall({ asterisk: asteriskOf(a), phone: () => Promise.resolve(talker) });
  expect(call.commands).toContain('ANSWER');
  await expectUnbrokenAudio(talker, call, markAudio(talker, call));
  talker.send({ type: 'hangup', callId });
  await call.ended;
  await talker.next('ended');
  const onA = await loginOn(a.browserUrl, '2001');
  // B mirrors the new A's phone, and no longer the first instance's.
  await expect.poll(() => mirroredFrom(b, 'gw-a'), { timeout: 5_000 }).toEqual([onA.welcome!.sessionId]);
  expect(mirroredFrom(b, 'gw-a')).not.toContain(firstPhoneOfA);
  // A phone on the new A takes a call reaching B (B's phone of 2001 rings too, and stops when it answers), with its audio both ways.
  const back = await talkingCall({ asterisk: b.asterisk, phone: () => Promise.resolve(onA) });
  expect(back.call.commands).toContain('ANSWER');
  await expectUnbrokenAudio(onA, back.call, markAudio(onA, back.call));
  onA.send({ type: 'hangup', callId: back.callId });
  await back.call.ended;
  expect((await talker.next('ended')).callId).toBe(back.callId);
}

describe.skipIf(!WITH_REDIS)('a node restarted under the same node id', () => {
  test('killed with SIGKILL and started again within its TTL (B never sees it die): calls go both ways', async () => {
    const redis = await redisServer();
    const { a, b, talker, ringer, firstPhoneOfA } = await clusterWithStateOfA(redis, LONG_TTL_MS);
    const killedAt = Date.now();
    await a.stop('SIGKILL');
    const again = await childNode(redis, 'gw-a', LONG_TTL_MS);
    // Back within the TTL: the first instance's liveness never lapsed, so B never saw A die.
    expect(Date.now() - killedAt).toBeLessThan(LONG_TTL_MS / 2);
    await expectCallsBothWays(again, b, talker, ringer, firstPhoneOfA);
  });

  test('killed with SIGKILL and started again after its TTL: calls go both ways', async () => {
    const redis = await redisServer();
    const { a, b, talker, ringer, firstPhoneOfA } = await clusterWithStateOfA(redis, TTL_MS);
    await a.stop('SIGKILL');
    await expect.poll(() => mirroredFrom(b, 'gw-a'), { timeout: TTL_MS * 4 }).toEqual([]); // B saw it die
    const again = await childNode(redis, 'gw-a', TTL_MS);
    await expectCallsBothWays(again, b, talker, ringer, firstPhoneOfA);
  });

  test('stopped with SIGTERM and started again at once: calls go both ways', async () => {
    const redis = await redisServer();
    const { a, b, talker, ringer, firstPhoneOfA } = await clusterWithStateOfA(redis, LONG_TTL_MS);
    await a.stop('SIGTERM');
    const again = await childNode(redis, 'gw-a', LONG_TTL_MS);
    await expectCallsBothWays(again, b, talker, ringer, firstPhoneOfA);
  });
});
