/**
 * Calls across two gateway nodes of one cluster (issue 17), both in this process, on a real
 * redis-server: Asterisk reaches node A, the agent's browser is on node B; the call rings, is
 * answered and carries a tone each way, at its frequency and level; devices of one extension on
 * both nodes ring together and one answer wins; groups (ringall, sequential) span the nodes; a
 * late login rings; the caller's keys and a GoAstGateway webphone cross too; a node with Redis down
 * at start is up but not ready, and says why, until Redis is there.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { FRAME_BYTES, type ServerMessage } from '@gag/sdk/protocol';
import { tone } from '@gag/e2e';
import { analyseTone, floatToS16le, s16leToFloat, sineFloat } from '@gag/e2e/tones';
import type { GatewayConfigInput } from '@gag/gateway';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '@gag/testkit/gateway';
import type { TestPhone } from '@gag/testkit/phone';
import { WITH_REDIS, startRedisServer, type RedisServer } from '@gag/testkit/redis-server';
import { parseGroupsConfig } from '../src/config/groups.js';
import { startClickToCall } from './click-fixture.js';
import { LegacyTestPhone } from './legacy-phone.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function redisServer(): Promise<RedisServer> {
  const server = await startRedisServer();
  cleanup.push(() => server.close());
  return server;
}

/** The `cluster` key of node `id` on `redis`. */
const clusterOf = (redis: { url: string }, id: string) => ({ redis_url: redis.url, node_id: id, secret: 'cluster-secret-for-tests-0123456789', link_listen: '127.0.0.1:0', node_ttl_ms: 1_000 });

/** Node `id` of the cluster on `redis`. */
async function node(redis: { url: string }, id: string, overrides: Partial<GatewayConfigInput> = {}, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const gw = await startTestGateway(
    {
      cluster: clusterOf(redis, id),
      ...overrides,
    },
    options,
  );
  cleanup.push(() => gw.stop());
  return gw;
}

/** Until `gw` mirrors `count` phones of other nodes. */
async function mirrored(gw: TestGateway, count: number): Promise<void> {
  await expect.poll(() => gw.gw.registry.all().filter((p) => p.node !== undefined).length, { timeout: 5_000 }).toBe(count);
}

function sendTone(phone: TestPhone, hz: number, frames: number): void {
  const bytes = floatToS16le(sineFloat(hz, 16_000, frames * (FRAME_BYTES / 2), 0.5));
  for (let i = 0; i < frames; i++) phone.ws.send(bytes.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES));
}

describe.skipIf(!WITH_REDIS)('calls across two nodes of a cluster', () => {
  test('Asterisk reaches node A, the browser is on node B: it rings, answers, and a tone goes each way at its level', async () => {
    const redis = await redisServer();
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const phone = await b.phone('2001');
    await mirrored(a, 1);
    const call = await a.asterisk.call('ws-ext-2001', { params: { from: '0312345678' } });
    const incoming = await phone.next('incoming');
    expect(incoming).toMatchObject({ extension: '2001', callerNumber: '0312345678' });
    call.play(tone(440, { amplitude: 0.5 }));
    phone.send({ type: 'answer', callId: incoming.callId });
    await call.answered;
    await phone.next('answered');
    // Up: the browser's 1 kHz reaches Asterisk over the node link, whole and at its level.
    await expect.poll(() => (sendTone(phone, 1000, 5), call.received.frames), { timeout: 5_000 }).toBeGreaterThanOrEqual(25);
    expect(call.received.oddSizedMessages).toBe(0);
    const up = analyseTone(call.received.samples().subarray(-16_000 / 4), 16_000);
    expect(Math.abs(up.hz - 1000)).toBeLessThanOrEqual(2);
    expect(up.amplitude).toBeCloseTo(0.5, 1);
    // Down: Asterisk's 440 Hz reaches the browser on B.
    await expect.poll(() => phone.audio.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(25);
    const down = analyseTone(s16leToFloat(Buffer.concat(phone.audio.slice(-20))), 16_000);
    expect(Math.abs(down.hz - 440)).toBeLessThanOrEqual(2);
    expect(down.amplitude).toBeCloseTo(0.5, 1);
    // The browser hangs up: Asterisk gets HANGUP from node A.
    phone.send({ type: 'hangup', callId: incoming.callId });
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    expect(await phone.next('ended')).toEqual({ type: 'ended', callId: incoming.callId, reason: 'hangup' });
    // /metrics: every series labelled with its node, and the link's figures.
    const metrics = await (await fetch(`${a.gw.browserUrl.replace(/^ws/, 'http')}/metrics`)).text();
    const value = (series: string): number => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    expect(value('gag_cluster_remote_phones{node="gw-a"}')).toBe(1);
    expect(value('gag_cluster_redis_up{node="gw-a"}')).toBe(1);
    expect(value('gag_cluster_link_frames_total{direction="out",node="gw-a"}')).toBeGreaterThanOrEqual(25);
    expect(value('gag_cluster_link_frames_total{direction="in",node="gw-a"}')).toBeGreaterThanOrEqual(25);
    expect(value('gag_cluster_link_dropped_frames_total{node="gw-a"}')).toBe(0);
    expect(metrics).toMatch(/^gag_sessions\{protocol="gag.v1",node="gw-a"\} 0$/m); // B's phone is counted by B
  });

  test('an extension’s phones on both nodes ring together; the one on B answers and the one on A hears answered_elsewhere', async () => {
    const redis = await redisServer();
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const onA = await a.phone('2001');
    const onB = await b.phone('2001');
    await mirrored(a, 1);
    const call = await a.asterisk.call('ws-ext-2001');
    const [ringA, ringB] = await Promise.all([onA.next('incoming'), onB.next('incoming')]);
    expect(ringA.callId).toBe(ringB.callId);
    onB.send({ type: 'answer', callId: ringB.callId });
    await call.answered;
    expect(await onA.next('ended')).toEqual<ServerMessage>({ type: 'ended', callId: ringA.callId, reason: 'answered_elsewhere' });
    await onB.next('answered');
    call.hangup();
    expect(await onB.next('ended')).toMatchObject({ callId: ringB.callId, reason: 'remote_hangup' });
  });

  test('Redis down at start: the node starts, /readyz says not ready and why, and it is ready once Redis is up', async () => {
    const redis = await startRedisServer();
    cleanup.push(() => redis.close());
    await redis.kill();
    const a = await node(redis, 'gw-a');
    const ready = async (): Promise<{ status: number; json: unknown }> => {
      const res = await fetch(`${a.gw.browserUrl.replace(/^ws/, 'http')}/readyz`);
      return { status: res.status, json: await res.json() };
    };
    expect(await ready()).toMatchObject({ status: 503, json: { ready: false, checks: { cluster: 'redis ECONNREFUSED' } } });
    await redis.start();
    await expect.poll(async () => (await ready()).status, { timeout: 8_000 }).toBe(200);
    expect((await ready()).json).toMatchObject({ ready: true, checks: { cluster: 'ready' } });
  });

  test('a ringall group with members on both nodes rings them all; sequential goes from a member on A to one on B', async () => {
    const redis = await redisServer();
    const groups = parseGroupsConfig('gag_groups.json', { G02: { strategy: 'ringall', members: ['201', '202'] }, G01: { strategy: 'sequential', members: ['201', '202'], timeout: 1 } });
    const a = await node(redis, 'gw-a', {}, { groups });
    const b = await node(redis, 'gw-b', {}, { groups });
    const onA = await a.phone('201');
    const onB = await b.phone('202');
    await mirrored(a, 1);
    const all = await a.asterisk.call('ws-ext-G02');
    const [ia, ib] = [await onA.next('incoming'), await onB.next('incoming')];
    expect([ia.group, ib.group, ib.callId]).toEqual(['G02', 'G02', ia.callId]);
    onB.send({ type: 'answer', callId: ib.callId });
    await all.answered;
    expect(await onA.next('ended')).toMatchObject({ reason: 'answered_elsewhere' });
    await onB.next('answered');
    onB.send({ type: 'hangup', callId: ib.callId });
    await all.ended;
    await onB.next('ended');
    // Sequential: 201 (on A) for its second, then 202 (on B).
    const seq = await a.asterisk.call('ws-ext-G01');
    const first = await onA.next('incoming');
    expect(await onA.next('ended', 3_000)).toMatchObject({ callId: first.callId, reason: 'timeout' });
    expect(await onB.next('incoming', 3_000)).toMatchObject({ callId: first.callId, group: 'G01' });
    await seq.hangup();
    expect(await onB.next('ended')).toMatchObject({ reason: 'caller_hangup' });
  });

  test('a phone that logs in on B while a call rings its extension on A is rung at once, and hears the caller’s keys', async () => {
    const redis = await redisServer();
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const onA = await a.phone('2001');
    const call = await a.asterisk.call('ws-ext-2001');
    await onA.next('incoming');
    const late = await b.phone('2001');
    const { callId } = await late.next('incoming', 5_000);
    late.send({ type: 'answer', callId });
    await call.answered;
    await late.next('answered');
    call.sendDtmf('5#');
    expect(await late.next('dtmf')).toEqual({ type: 'dtmf', callId, digit: '5' });
    expect(await late.next('dtmf')).toEqual({ type: 'dtmf', callId, digit: '#' });
    await call.hangup();
    expect(await late.next('ended')).toMatchObject({ callId, reason: 'remote_hangup' });
  });

  test('a GoAstGateway webphone (legacy protocol) on B takes a call that reached A, with audio both ways', async () => {
    const redis = await redisServer();
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const legacy = await LegacyTestPhone.connect(b.gw.browserUrl, { token: await b.token('2001') });
    cleanup.push(() => legacy.close());
    await mirrored(a, 1);
    const call = await a.asterisk.call('ws-ext-2001', { params: { from: '0312345678' } });
    call.play(tone(440, { amplitude: 0.5 }));
    await legacy.next('RINGING');
    legacy.send('ANSWER');
    await call.answered;
    await expect.poll(() => legacy.audio.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(20);
    const down = analyseTone(s16leToFloat(Buffer.concat(legacy.audio.slice(-15))), 16_000);
    expect(Math.abs(down.hz - 440)).toBeLessThanOrEqual(2);
    legacy.sendTone(1000, 25);
    await expect.poll(() => call.received.frames, { timeout: 5_000 }).toBeGreaterThanOrEqual(25);
    expect(Math.abs(analyseTone(call.received.samples(), 16_000).hz - 1000)).toBeLessThanOrEqual(2);
    legacy.send('HANGUP');
    expect(await call.ended).toMatchObject({ by: 'app-hangup' });
  });

  test('click-to-call: the phone on A dials, the call back reaches node B, and rings the asking phone marked outbound', async () => {
    const redis = await redisServer();
    const a = await startClickToCall({ backend: 'ami', config: { cluster: clusterOf(redis, 'gw-a') } });
    cleanup.push(() => a.stop());
    const b = await node(redis, 'gw-b');
    a.ami!.asterisk = b.asterisk; // Asterisk sends the call back to the other node
    const phone = await a.phone('2001');
    const other = await a.phone('2001'); // another tab of the same extension: not rung by the asker's call back
    await mirrored(b, 2);
    phone.send({ type: 'dial', requestId: 'r1', number: '03-1234-5678' });
    const originate = await a.ami!.nextOriginate();
    const dialing = await phone.next('dialing');
    const incoming = await phone.next('incoming');
    expect(incoming).toMatchObject({ extension: '2001', outbound: true, dialedNumber: '0312345678', dialId: dialing.dialId, requestId: 'r1' });
    const call = (await originate.call)!;
    call.play(tone(440, { amplitude: 0.5 }));
    phone.send({ type: 'answer', callId: incoming.callId });
    await call.answered;
    await phone.next('answered');
    await expect.poll(() => phone.audio.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(10);
    expect(Math.abs(analyseTone(s16leToFloat(Buffer.concat(phone.audio.slice(-8))), 16_000).hz - 440)).toBeLessThanOrEqual(3);
    expect(other.messages.filter((m) => m.type === 'incoming')).toEqual([]);
    // Claimed on B, so A forgot it: nothing is left pending anywhere.
    await expect.poll(() => a.gw.dialer.pending.length).toBe(0);
    expect(b.gw.dialer.pending).toEqual([]);
    await call.hangup();
    await phone.next('ended');
  });

  test('the click-to-call rate limit counts across nodes: two dials on A and the third on B is refused with when to retry', async () => {
    const redis = await redisServer();
    const clusterConfig = (id: string) => ({ dial_rate_limit_per_min: 2, cluster: clusterOf(redis, id) });
    const a = await startClickToCall({ backend: 'ami', config: clusterConfig('gw-a') });
    cleanup.push(() => a.stop());
    const b = await startClickToCall({ backend: 'ami', config: clusterConfig('gw-b') });
    cleanup.push(() => b.stop());
    const onA = await a.phone('2001');
    const onB = await b.phone('2001');
    for (const requestId of ['r1', 'r2']) {
      onA.send({ type: 'dial', requestId, number: '0312345678' });
      expect(await onA.next('dialing')).toMatchObject({ requestId });
    }
    onB.send({ type: 'dial', requestId: 'r3', number: '0312345678' });
    const refused = await onB.next('dial_failed');
    expect(refused).toMatchObject({ requestId: 'r3', code: 'rate_limited' });
    expect(refused.message).toMatch(/^too many calls: try again in \d+ s$/);
    expect(b.ami!.actions.map((x) => x.get('Action'))).toEqual(['Login']); // nothing was originated from B
  });

  test('/api/calls on any node lists every node’s calls with their node, and DELETE on another node hangs one up', async () => {
    const redis = await redisServer();
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const phone = await b.phone('2001');
    await mirrored(a, 1);
    const call = await a.asterisk.call('ws-ext-2001', { params: { from: '0312345678' } });
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;
    const api = (gw: TestGateway, path: string, init?: RequestInit): Promise<Response> => fetch(`${gw.gw.browserUrl.replace(/^ws/, 'http')}${path}`, init);
    const listed = async (gw: TestGateway): Promise<unknown> => ((await (await api(gw, '/api/calls')).json()) as { calls: unknown }).calls;
    await expect.poll(() => listed(b)).toEqual([expect.objectContaining({ id: callId, node: 'gw-a', state: 'talking', callerNumber: '0312345678', talkingSession: phone.welcome!.sessionId })]);
    expect(await listed(a)).toEqual([expect.objectContaining({ id: callId, node: 'gw-a', state: 'talking' })]);
    // Hung up through B's API: B asks A, which holds the call.
    expect((await api(b, `/api/calls/${callId}`, { method: 'DELETE' })).status).toBe(202);
    expect(await call.ended).toMatchObject({ by: 'app-hangup' });
    expect(await phone.next('ended')).toMatchObject({ callId });
    await expect.poll(() => listed(b)).toEqual([]);
    expect((await api(b, `/api/calls/${callId}`, { method: 'DELETE' })).status).toBe(404);
  });

  test('/monitor on any node streams every node’s calls: the first picture and each change, each naming its node', async () => {
    const redis = await redisServer();
    const a = await node(redis, 'gw-a');
    const b = await node(redis, 'gw-b');
    const phone = await b.phone('2001');
    await mirrored(a, 1);
    const call = await a.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;
    // A dashboard on B, after the answer: A's call is in its first picture.
    const frames: Array<{ type: string; calls?: unknown[]; call?: { id: string; node?: string; state: string } }> = [];
    const feed = new WebSocket(`${b.gw.browserUrl}/monitor`);
    cleanup.push(() => feed.terminate());
    feed.on('message', (data) => frames.push(JSON.parse(String(data))));
    await expect.poll(() => frames[0]?.calls).toEqual([expect.objectContaining({ id: callId, node: 'gw-a', state: 'talking' })]);
    await call.hangup();
    await expect.poll(() => frames.find((f) => f.type === 'call' && f.call?.id === callId && f.call.state === 'ended')?.call).toMatchObject({ node: 'gw-a' });
  });

  test('/monitor on one node shows another node’s click-to-call requests, naming the node', async () => {
    const redis = await redisServer();
    const clusterConfig = (id: string) => ({ cluster: clusterOf(redis, id) });
    const a = await startClickToCall({ backend: 'ami', config: clusterConfig('gw-a') });
    cleanup.push(() => a.stop());
    const b = await node(redis, 'gw-b');
    await expect.poll(async () => ((await (await fetch(`${b.gw.browserUrl.replace(/^ws/, 'http')}/readyz`)).json()) as { ready: boolean }).ready).toBe(true);
    const frames: Array<{ type: string; dial?: { extension: string; result: string; node?: string } }> = [];
    const feed = new WebSocket(`${b.gw.browserUrl}/monitor`);
    cleanup.push(() => feed.terminate());
    feed.on('message', (data) => frames.push(JSON.parse(String(data))));
    await expect.poll(() => frames.length).toBeGreaterThan(0); // the first picture: listening
    const phone = await a.phone('2001');
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    await phone.next('dialing');
    await expect.poll(() => frames.find((f) => f.type === 'dial')?.dial).toMatchObject({ extension: '2001', result: 'accepted', node: 'gw-a' });
  });
});
