/**
 * What the agent is told, and what a reload changes (issue 21): an agent's phone that listed
 * `call_notices` gets `supervised` with the most audible mode (listening only when
 * `supervisor_listen_shown`), and `mode: null` when the last supervisor leaves; one that did not
 * list it never gets the message. A reload that takes the call out of a supervisor's scope ends
 * that supervision with `not_allowed`, and the call goes on. The operations API and /metrics show it.
 */
import { afterEach, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '@gag/sdk/protocol';
import { gatewayPerTestOnDemand, testConfig } from '@gag/testkit/gateway';
import type { TestPhone } from '@gag/testkit/phone';
import { agentSpeaks, talkingCall } from './agent-voice.js';
import { closePeers, login } from './supervise-peers.js';

const t = gatewayPerTestOnDemand();
afterEach(closePeers);

const api = async (path: string): Promise<string> => (await fetch(`${t.gw.browserUrl.replace(/^ws/, 'http')}${path}`)).text();

/** The `supervised` notices `phone` has received since the last call, after a ping round trip (so none is still on its way). */
async function notices(phone: TestPhone): Promise<(string | null)[]> {
  phone.send({ type: 'ping', id: 1 });
  await phone.next('pong');
  const got = phone.messages.filter((m): m is Extract<ServerMessage, { type: 'supervised' }> => m.type === 'supervised');
  for (const m of got) phone.messages.splice(phone.messages.indexOf(m), 1);
  return got.map((m) => m.mode);
}

async function supervise(sup: TestPhone, callId: string, mode: 'listen' | 'whisper' | 'barge'): Promise<void> {
  sup.send({ type: 'supervise', callId, mode });
  await sup.next('supervising');
}

test('the agent is told whisper and barge (the most audible), not listening by default, and null when the last leaves; /api/calls, /monitor and /metrics show them', async () => {
  await t.start({ supervisors: { '9000': { extensions: ['2001'] } } });
  const monitor = new WebSocket(`${t.gw.browserUrl}/monitor`);
  const feed: { type: string; call?: { id: string; supervisors: unknown[] } }[] = [];
  monitor.on('message', (data: Buffer) => feed.push(JSON.parse(data.toString('utf8')) as (typeof feed)[number]));
  await expect.poll(() => feed.length, { timeout: 3_000 }).toBeGreaterThan(0);
  const agent = await login(t, '2001', { callNotices: true });
  const fake = await t.asterisk.call('ws-ext-2001');
  const { callId } = await agent.next('incoming');
  agentSpeaks(agent, 'slin16', 1000, 0.25);
  agent.send({ type: 'answer', callId });
  await fake.answered;
  const a = await login(t, '9000', { supervisor: true });
  const b = await login(t, '9000', { supervisor: true });

  await supervise(a, callId, 'listen');
  expect(await notices(agent)).toEqual([]);
  await supervise(a, callId, 'whisper');
  expect(await notices(agent)).toEqual(['whisper']);
  await supervise(b, callId, 'barge');
  expect(await notices(agent)).toEqual(['barge']);
  const calls = JSON.parse(await api('/api/calls')) as { calls: { id: string; supervisors: unknown[] }[] };
  expect(calls.calls.find((c) => c.id === callId)?.supervisors).toEqual([{ extension: '9000', mode: 'whisper' }, { extension: '9000', mode: 'barge' }]);
  await expect.poll(() => feed.filter((e) => e.type === 'call' && e.call?.id === callId).at(-1)?.call?.supervisors, { timeout: 3_000 }).toEqual([
    { extension: '9000', mode: 'whisper' },
    { extension: '9000', mode: 'barge' },
  ]);
  monitor.close();
  const metrics = await api('/metrics');
  expect(metrics).toMatch(/^gag_supervisions\{mode="whisper"\} 1$/m);
  expect(metrics).toMatch(/^gag_supervisions\{mode="barge"\} 1$/m);
  expect(metrics).toMatch(/^gag_supervisions\{mode="listen"\} 0$/m);

  b.send({ type: 'unsupervise', callId });
  await b.next('supervise_ended');
  expect(await notices(agent)).toEqual(['whisper']);
  await supervise(a, callId, 'listen');
  expect(await notices(agent)).toEqual([null]);

  // A reload that shows listening tells the agent now.
  await t.gw.reload(testConfig({ supervisors: { '9000': { extensions: ['2001'] } }, supervisor_listen_shown: true }), t.gw.groups);
  expect(await notices(agent)).toEqual(['listen']);
  a.send({ type: 'unsupervise', callId });
  await a.next('supervise_ended');
  expect(await notices(agent)).toEqual([null]);
  expect(await api('/metrics')).toMatch(/^gag_supervisions\{mode="listen"\} 0$/m);
  agent.send({ type: 'hangup', callId });
  await fake.ended;
});

test('an agent that did not list call_notices is never sent supervised', async () => {
  await t.start({ supervisors: { '9000': { extensions: ['2001'] } }, supervisor_listen_shown: true });
  const { phone, call, callId } = await talkingCall(t);
  const sup = await login(t, '9000', { supervisor: true });
  for (const mode of ['listen', 'whisper', 'barge'] as const) await supervise(sup, callId, mode);
  sup.send({ type: 'unsupervise', callId });
  await sup.next('supervise_ended');
  expect(await notices(phone)).toEqual([]);
  phone.send({ type: 'hangup', callId });
  await call.ended;
});

test('a reload that takes the call out of the scope ends the supervision with not_allowed, its board drops the call; the call goes on', async () => {
  await t.start({ supervisors: { '9000': { extensions: ['2001'] } } });
  const { phone, call, callId } = await talkingCall(t);
  const sup = await login(t, '9000', { supervisor: true });
  agentSpeaks(sup, 'slin16', 700, 0.3);
  sup.send({ type: 'board', watch: true });
  await sup.next('board_synced');
  await supervise(sup, callId, 'barge');
  await expect.poll(() => sup.audio.length, { timeout: 3_000 }).toBeGreaterThan(10);

  await t.gw.reload(testConfig({ supervisors: { '9000': { extensions: ['2002'] } } }), t.gw.groups);
  expect(await sup.next('supervise_ended')).toEqual({ type: 'supervise_ended', callId, reason: 'not_allowed' });
  await sup.next('board_synced'); // the new picture, with 2002, after the call's end on this board
  const board = sup.messages.filter((m) => m.type === 'board_call' || m.type === 'board_agent');
  expect(board.filter((m) => m.type === 'board_call').map((m) => m.call).at(-1)).toMatchObject({ callId, state: 'ended' });
  expect(board.filter((m) => m.type === 'board_agent').map((m) => m.agent.extension)).toContain('2002');
  sup.send({ type: 'supervise', callId, mode: 'listen' });
  expect(await sup.next('supervisor_refused')).toMatchObject({ code: 'not_allowed' });
  expect(t.gw.router.call(callId)?.supervisors).toEqual([]);
  const frames = call.received.frames;
  await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBeGreaterThan(frames + 25);
  expect(Math.abs(call.received.analyse({ fromMs: frames * 20 }).hz - 1000)).toBeLessThanOrEqual(20);

  // A reload that removes the supervisor altogether: its session stays, and every request is refused.
  await t.gw.reload(testConfig({}), t.gw.groups);
  sup.send({ type: 'board', watch: true });
  expect(await sup.next('supervisor_refused')).toMatchObject({ code: 'not_supervisor' });
  phone.send({ type: 'hangup', callId });
  await call.ended;
});
