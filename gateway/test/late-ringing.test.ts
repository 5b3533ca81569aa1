/**
 * A phone that logs in while a call rings its extension rings too (issue #6: a tab takes a
 * ringing call over from another tab by connecting as a second phone, then the first one leaves).
 * Real sockets on loopback.
 */
import { once } from 'node:events';
import { afterEach, expect, test } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '@gag/testkit/gateway';
import type { TestPhone } from '@gag/testkit/phone';
import { parseGroupsConfig } from '../src/config/groups.js';
import { startClickToCall, type ClickToCall } from './click-fixture.js';
import { LegacyTestPhone } from './legacy-phone.js';

// GoAstGateway's sample: G01 sequential over 201 then 202.
import sample from './fixtures/gag_groups.json' with { type: 'json' };

let started: { stop(): Promise<void>; gw: TestGateway['gw'] } | undefined;
const legacy: LegacyTestPhone[] = [];
async function gateway(...args: Parameters<typeof startTestGateway>): Promise<TestGateway> {
  const t = await startTestGateway(...args);
  started = t;
  return t;
}
afterEach(async () => {
  for (const p of legacy.splice(0)) p.close();
  if (started === undefined) return;
  await started.stop();
  expect(started.gw.router.calls).toHaveLength(0);
  started = undefined;
});

/**
 * Everything the gateway had to say to `phone` by now: a late `incoming` is sent as the phone
 * logs in, so it arrives before the answer to a ping sent after the login.
 */
async function settled(phone: TestPhone, id: number): Promise<void> {
  phone.send({ type: 'ping', id });
  await phone.next('pong');
}

test('a phone that logs in while a call rings its extension rings too, and can answer it', async () => {
  const t = await gateway();
  const first = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001', { params: { from: '0312345678', name: '田中' } });
  const rung = await first.next('incoming');

  const late = await t.phone('2001');
  const incoming = await late.next('incoming');
  expect(incoming).toEqual(rung);

  late.send({ type: 'answer', callId: incoming.callId });
  await call.answered;
  expect(await late.next('answered')).toEqual({ type: 'answered', callId: incoming.callId });
  expect(await first.next('ended')).toEqual({ type: 'ended', callId: rung.callId, reason: 'answered_elsewhere' });
  await call.hangup();
  expect(await late.next('ended')).toMatchObject({ reason: 'remote_hangup' });
  expect(call.commands).toEqual(['ANSWER']);
});

test('the first phone leaving after a second one logged in keeps the call ringing there (a takeover loses no call)', async () => {
  const t = await gateway();
  const first = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001');
  await first.next('incoming');
  const late = await t.phone('2001');
  const { callId } = await late.next('incoming');

  first.ws.close(1000, 'bye');
  await first.closed;
  await settled(late, 1);
  expect(t.gw.router.calls.map((c) => ({ state: c.state, ringing: c.ringing.length }))).toEqual([{ state: 'ringing', ringing: 1 }]);
  expect(call.commands).toEqual([]);

  late.send({ type: 'answer', callId });
  await call.answered;
  expect(call.commands).toEqual(['ANSWER']);
  await call.hangup();
});

test('a phone that logs in while the call is already answered does not ring', async () => {
  const t = await gateway();
  const first = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await first.next('incoming');
  first.send({ type: 'answer', callId });
  await call.answered;

  const late = await t.phone('2001');
  await settled(late, 1);
  expect(late.messages).toEqual([]);
  await call.hangup();
});

test('a late phone of another extension does not ring, and the phones in the call hear nothing new', async () => {
  const t = await gateway();
  const [a, b] = [await t.phone('2001'), await t.phone('2001')];
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await a.next('incoming');
  await b.next('incoming');
  a.send({ type: 'reject', callId });
  await a.next('ended');

  const stranger = await t.phone('2002');
  await settled(stranger, 1);
  await settled(a, 2);
  expect(stranger.messages).toEqual([]);
  expect(a.messages).toEqual([]);
  await call.hangup();
  await b.next('ended');
});

test('in a sequential group, a member logging in rings only once the plan reaches its step', async () => {
  const t = await gateway({}, { groups: parseGroupsConfig('gag_groups.json', sample) });
  const first = await t.phone('201');
  const call = await t.asterisk.call('ws-ext-G01');
  expect(await first.next('incoming')).toMatchObject({ group: 'G01' });

  const second = await t.phone('202'); // the step rings 201 only
  await settled(second, 1);
  expect(second.messages).toEqual([]);

  const again = await t.phone('201'); // but a second phone of 201 rings
  expect(await again.next('incoming')).toMatchObject({ group: 'G01' });
  await call.hangup();
});

test('a late legacy webphone (slin16 only) does not ring for a ulaw call', async () => {
  const t = await gateway();
  const phone = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001', { codec: 'ulaw' });
  await phone.next('incoming');

  const old = await LegacyTestPhone.connect(t.gw.browserUrl, { token: await t.token('2001') });
  legacy.push(old);
  // The legacy protocol has no ping to wait on: once it is registered, the gateway has decided.
  await expect.poll(() => t.gw.registry.sessionsFor('2001').length).toBe(2);
  expect(t.gw.router.calls[0]?.ringing).toHaveLength(1);
  expect(old.words).toEqual([]);
  await call.hangup();
});

test('a late legacy webphone rings for a slin16 call', async () => {
  const t = await gateway();
  const phone = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001');
  await phone.next('incoming');
  const old = await LegacyTestPhone.connect(t.gw.browserUrl, { token: await t.token('2001') });
  legacy.push(old);
  await old.next('RINGING');
  await call.hangup();
});

test('the call back of a click-to-call rings only its asker, also for a tab logging in while it rings', async () => {
  const c: ClickToCall = await startClickToCall({ backend: 'ami' });
  started = c;
  const asker = await c.phone('2001');
  c.ami!.holdNextCallback(); // the test dials the call back itself, so it can log in meanwhile
  asker.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
  const { dialId } = await asker.next('dialing');
  const call = await c.asterisk.call('ws-ext-2001', { params: { dial: dialId } });
  expect(await asker.next('incoming')).toMatchObject({ outbound: true, dialId });

  const other = await c.phone('2001');
  await settled(other, 1);
  expect(other.messages).toEqual([]);
  await call.hangup();
  await asker.next('ended');
});

test('the monitor hears of every change in who rings: a late phone comes online and rings too, a phone rejects', async () => {
  const t = await gateway();
  const first = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await first.next('incoming');
  // Loopback without admin_token: the monitor is open (docs/click-to-call.md).
  const monitor = new WebSocket(`${t.gw.browserUrl}/monitor`);
  const frames: Array<Record<string, unknown>> = [];
  monitor.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  await once(monitor, 'open', { signal: AbortSignal.timeout(2_000) });
  await expect.poll(() => frames.map((f) => f['type'])).toEqual(['snapshot']);

  const late = await t.phone('2001');
  await late.next('incoming');
  const [firstId, lateId] = t.gw.registry.sessionsFor('2001').map((p) => p.id);
  await expect.poll(() => frames.length).toBe(3);
  // Online first, so a wallboard knows the session its call rings.
  expect(frames[1]).toMatchObject({ type: 'presence', online: true, session: { id: lateId } });
  expect(frames[2]).toMatchObject({ type: 'call', previous: 'ringing', call: { id: callId, state: 'ringing', ringingSessions: [firstId, lateId] } });

  first.send({ type: 'reject', callId });
  await first.next('ended');
  await expect.poll(() => frames.length).toBe(4);
  expect(frames[3]).toMatchObject({ type: 'call', previous: 'ringing', call: { id: callId, state: 'ringing', ringingSessions: [lateId] } });
  monitor.close();
  await call.hangup();
});
