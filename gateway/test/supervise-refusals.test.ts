/**
 * Who may supervise (issue 21): an agent's token, or a supervisor's whose extension the config
 * gives no scope, is refused every supervisor message with `not_supervisor` and stays connected;
 * a supervisor is refused calls outside its scope, calls that do not exist or ring, joining while
 * it talks itself, and a fifth place in a call. A supervising session is not rung; its session
 * closing leaves the call going on.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { FEATURES, type ClientMessage } from '@gag/sdk/protocol';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import type { TestPhone } from '@gag/testkit/phone';
import { agentSpeaks, talkingCall } from './agent-voice.js';
import { closePeers, login } from './supervise-peers.js';

const t = gatewayPerTestOnDemand();
afterEach(closePeers);

const SCOPES = { supervisors: { '9000': { extensions: ['2001'] } } };

/** Every supervisor message, each refused with `code` (the session stays open: a ping is answered after). */
async function refusedAll(phone: TestPhone, callId: string, code: string): Promise<void> {
  const requests: ClientMessage[] = [
    { type: 'board', watch: true },
    { type: 'board', watch: false },
    { type: 'supervise', callId, mode: 'listen' },
    { type: 'supervise', callId, mode: 'whisper' },
    { type: 'supervise', callId, mode: 'barge' },
    { type: 'unsupervise', callId },
  ];
  for (const request of requests) {
    phone.send(request);
    const refused = await phone.next('supervisor_refused');
    expect(refused).toMatchObject({ request: request.type, code });
    if (request.type !== 'board') expect(refused.callId).toBe(callId);
  }
  phone.send({ type: 'ping', id: 7 });
  expect(await phone.next('pong')).toEqual({ type: 'pong', id: 7 });
}

describe('not a supervisor', () => {
  test('an agent’s token: board, supervise and unsupervise are each refused with not_supervisor, the session stays, the call goes on, the warn line carries no token', async () => {
    await t.start(SCOPES);
    const { phone, call, callId } = await talkingCall(t);
    const agent = await login(t, '2002');
    expect(agent.welcome?.features).not.toContain(FEATURES.SUPERVISE);
    await refusedAll(agent, callId, 'not_supervisor');
    // The agent in the call itself fares no better.
    await refusedAll(phone, callId, 'not_supervisor');
    expect(agent.audio).toHaveLength(0);
    expect(t.gw.router.call(callId)?.supervisors).toEqual([]);
    const warn = t.logs.find((l) => l.msg === 'supervisor message refused');
    expect(warn).toMatchObject({ level: 40, counts: { not_supervisor: 1 }, supervisorClaim: false });
    expect(JSON.stringify(t.logs)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT anywhere in the log
    const frames = call.received.frames;
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBeGreaterThan(frames + 10);
    phone.send({ type: 'hangup', callId });
    await call.ended;
  });

  test('a supervisor’s token whose extension the config does not name: not_supervisor, and welcome does not list supervise (the default config names none)', async () => {
    await t.start(SCOPES);
    const { phone, call, callId } = await talkingCall(t);
    const stranger = await login(t, '9999', { supervisor: true });
    expect(stranger.welcome?.features).not.toContain(FEATURES.SUPERVISE);
    await refusedAll(stranger, callId, 'not_supervisor');
    const supervisor = await login(t, '9000', { supervisor: true });
    expect(supervisor.welcome?.features).toContain(FEATURES.SUPERVISE);
    phone.send({ type: 'hangup', callId });
    await call.ended;

    await t.start(); // no supervisors key: nobody is a supervisor
    const other = await talkingCall(t);
    const nobody = await login(t, '9000', { supervisor: true });
    expect(nobody.welcome?.features).not.toContain(FEATURES.SUPERVISE);
    await refusedAll(nobody, other.callId, 'not_supervisor');
    other.phone.send({ type: 'hangup', callId: other.callId });
    await other.call.ended;
  });
});

describe('a supervisor refused', () => {
  test('not_allowed for a call outside its scope, no_such_call for an unknown id or a call it is not in, not_talking for a ringing call', async () => {
    await t.start(SCOPES);
    const sup = await login(t, '9000', { supervisor: true });
    const outside = await login(t, '2002');
    const far = await t.asterisk.call('ws-ext-2002');
    const { callId: farId } = await outside.next('incoming');
    outside.send({ type: 'answer', callId: farId });
    await far.answered;
    sup.send({ type: 'supervise', callId: farId, mode: 'listen' });
    expect(await sup.next('supervisor_refused')).toMatchObject({ request: 'supervise', callId: farId, code: 'not_allowed' });

    sup.send({ type: 'supervise', callId: 'no-such-call', mode: 'listen' });
    expect(await sup.next('supervisor_refused')).toMatchObject({ code: 'no_such_call' });
    sup.send({ type: 'unsupervise', callId: farId });
    expect(await sup.next('supervisor_refused')).toMatchObject({ request: 'unsupervise', code: 'no_such_call' });

    const agent = await login(t, '2001');
    const ringing = await t.asterisk.call('ws-ext-2001');
    const { callId } = await agent.next('incoming');
    sup.send({ type: 'supervise', callId, mode: 'listen' });
    expect(await sup.next('supervisor_refused')).toMatchObject({ code: 'not_talking' });
    agent.send({ type: 'answer', callId });
    await ringing.answered;
    sup.send({ type: 'supervise', callId, mode: 'listen' });
    expect(await sup.next('supervising')).toMatchObject({ callId, mode: 'listen' });
    await ringing.hangup();
    await far.hangup();
    expect(await sup.next('supervise_ended')).toEqual({ type: 'supervise_ended', callId, reason: 'call_ended' });
  });

  test('busy while it talks in a call of its own, and for a fifth supervisor of one call', async () => {
    await t.start({ supervisors: { '9000': { extensions: ['*'] } } });
    const { phone, call, callId } = await talkingCall(t);
    const own = await login(t, '9000', { supervisor: true });
    const mine = await t.asterisk.call('ws-ext-9000');
    const { callId: mineId } = await own.next('incoming');
    own.send({ type: 'answer', callId: mineId });
    await mine.answered;
    own.send({ type: 'supervise', callId, mode: 'listen' });
    expect(await own.next('supervisor_refused')).toMatchObject({ code: 'busy' });
    await mine.hangup();

    const four = await Promise.all([1, 2, 3, 4].map(() => login(t, '9000', { supervisor: true })));
    for (const s of four) {
      s.send({ type: 'supervise', callId, mode: 'listen' });
      await s.next('supervising');
    }
    const fifth = await login(t, '9000', { supervisor: true });
    fifth.send({ type: 'supervise', callId, mode: 'listen' });
    expect(await fifth.next('supervisor_refused')).toMatchObject({ code: 'busy' });
    expect(t.gw.router.call(callId)?.supervisors).toHaveLength(4);
    phone.send({ type: 'hangup', callId });
    await call.ended;
    for (const s of four) await s.next('supervise_ended');
  });
});

test('a supervising session is not rung; once it leaves it is; its session closing leaves the call going on', async () => {
  await t.start({ supervisors: { '9000': { extensions: ['2001'] } } });
  const { phone, call, callId } = await talkingCall(t);
  const sup = await login(t, '9000', { supervisor: true });
  agentSpeaks(sup, 'slin16', 700, 0.3);
  sup.send({ type: 'supervise', callId, mode: 'barge' });
  await sup.next('supervising');
  await expect.poll(() => sup.audio.length, { timeout: 3_000 }).toBeGreaterThan(10);
  const unrung = await t.asterisk.call('ws-ext-9000');
  await unrung.ended; // nobody available: the gateway hangs up
  expect(sup.messages.find((m) => m.type === 'incoming')).toBeUndefined();

  sup.send({ type: 'unsupervise', callId });
  await sup.next('supervise_ended');
  const rung = await t.asterisk.call('ws-ext-9000');
  const incoming = await sup.next('incoming');
  sup.send({ type: 'reject', callId: incoming.callId });
  await rung.ended;

  sup.send({ type: 'supervise', callId, mode: 'whisper' });
  await sup.next('supervising');
  sup.close(); // the supervisor's browser goes away mid-whisper
  await expect.poll(() => t.gw.router.call(callId)?.supervisors, { timeout: 3_000 }).toEqual([]);
  const frames = call.received.frames;
  const heard = phone.audio.length;
  await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBeGreaterThan(frames + 25);
  await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThan(heard + 25);
  expect(Math.abs(call.received.analyse({ fromMs: frames * 20 }).hz - 1000)).toBeLessThanOrEqual(20);
  phone.send({ type: 'hangup', callId });
  await call.ended;
});

test('a supervisor’s audio outside a call, or not whole frames of the call’s codec, is refused as any session’s', async () => {
  await t.start(SCOPES);
  const { phone, call, callId } = await talkingCall(t, 'ulaw');
  const sup = await login(t, '9000', { supervisor: true });
  sup.send({ type: 'supervise', callId, mode: 'whisper' });
  await sup.next('supervising');
  sup.ws.send(Buffer.alloc(161)); // a ulaw frame is 160 bytes
  expect((await sup.closed).code).toBe(4001);
  await expect.poll(() => t.gw.router.call(callId)?.supervisors, { timeout: 3_000 }).toEqual([]);
  phone.send({ type: 'hangup', callId });
  await call.ended;
});

test('a call ringing the supervisor’s session stops ringing it when it joins another call (as when a phone answers one)', async () => {
  await t.start(SCOPES);
  const { phone, call, callId } = await talkingCall(t);
  const sup = await login(t, '9000', { supervisor: true });
  const own = await t.asterisk.call('ws-ext-9000');
  const incoming = await sup.next('incoming');
  sup.send({ type: 'supervise', callId, mode: 'listen' });
  await sup.next('supervising');
  expect(await sup.next('ended')).toEqual({ type: 'ended', callId: incoming.callId, reason: 'rejected' });
  await own.ended; // nobody else rang: Asterisk gets HANGUP and the dialplan goes on
  phone.send({ type: 'hangup', callId });
  await call.ended;
});

test('a supervisor moving from a ulaw call to a slin16 one at once: the ulaw frames still on their way are dropped, not refused', async () => {
  await t.start({ supervisors: { '9000': { extensions: ['2001', '2002'] } } });
  const first = await talkingCall(t, 'ulaw');
  const agent = await login(t, '2002');
  const second = await t.asterisk.call('ws-ext-2002', { codec: 'slin16' });
  const { callId } = await agent.next('incoming');
  agent.send({ type: 'answer', callId });
  await second.answered;
  const sup = await login(t, '9000', { supervisor: true });
  sup.send({ type: 'supervise', callId: first.callId, mode: 'whisper' });
  await sup.next('supervising');
  sup.send({ type: 'supervise', callId, mode: 'whisper' });
  sup.ws.send(Buffer.alloc(160)); // a ulaw frame sent before the browser heard of the move
  expect(await sup.next('supervise_ended')).toMatchObject({ callId: first.callId, reason: 'left' });
  expect(await sup.next('supervising')).toMatchObject({ callId, format: 'slin16' });
  sup.send({ type: 'ping', id: 3 });
  expect(await sup.next('pong')).toEqual({ type: 'pong', id: 3 }); // still connected
  sup.ws.send(Buffer.alloc(161)); // neither codec's whole frames: refused as ever
  expect((await sup.closed).code).toBe(4001);
  first.phone.send({ type: 'hangup', callId: first.callId });
  await first.call.ended;
  agent.send({ type: 'hangup', callId });
  await second.ended;
});
