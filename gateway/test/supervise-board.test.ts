/**
 * The supervisors' board (issue 21): the first picture (the scope's agents, offline ones from
 * the config and the groups, and its live calls), then `board_synced`, then presence from idle
 * to ringing to talking and back with `since`, a group's waiting call, supervisors in a call, a
 * call's end, calls and agents outside the scope never shown, `*`, and unwatching.
 */
import { afterEach, expect, test } from 'vitest';
import type { BoardAgent, BoardCall, ServerMessage } from '@gag/sdk/protocol';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import type { TestPhone } from '@gag/testkit/phone';
import { closePeers, login } from './supervise-peers.js';

const t = gatewayPerTestOnDemand();
afterEach(closePeers);

const GROUPS = new Map([['sales', { strategy: 'ringall' as const, members: ['2001', '2002'], timeout: 30 }]]);
const CONFIG = { supervisors: { '9000': { extensions: ['2003'], groups: ['sales'] } } };

const agentNext = async (sup: TestPhone, extension: string): Promise<BoardAgent> => {
  for (;;) {
    const { agent } = await sup.next('board_agent');
    if (agent.extension === extension) return agent;
  }
};
const callNext = async (sup: TestPhone): Promise<BoardCall> => (await sup.next('board_call')).call;

/** The board's messages up to `board_synced` (its last), in order. */
async function picture(sup: TestPhone): Promise<ServerMessage[]> {
  const synced = await sup.next('board_synced');
  // Everything before it has arrived (one socket, in order): take the board's messages out.
  const board = sup.messages.filter((m) => m.type === 'board_agent' || m.type === 'board_call');
  for (const m of board) sup.messages.splice(sup.messages.indexOf(m), 1);
  return [...board, synced];
}

test('the first picture lists the scope’s agents (offline ones too) and calls, then board_synced; presence follows idle → ringing → talking → idle with since; a group call waits; the call ends', async () => {
  const before = Date.now();
  await t.start(CONFIG, { groups: GROUPS });
  const sup = await login(t, '9000', { supervisor: true });
  sup.send({ type: 'board', watch: true });
  const first = await picture(sup);
  const agents = first.filter((m) => m.type === 'board_agent').map((m) => m.agent);
  expect(agents.map((a) => a.extension).sort()).toEqual(['2001', '2002', '2003']);
  for (const a of agents) expect(a).toMatchObject({ presence: 'offline', callId: null, phones: 0 });
  expect(agents.find((a) => a.extension === '2001')?.groups).toEqual(['sales']);
  expect(agents.find((a) => a.extension === '2003')?.groups).toEqual([]);
  expect(agents[0]!.since).toBeGreaterThanOrEqual(before - 1_000); // offline since the gateway started
  expect(first.filter((m) => m.type === 'board_call')).toEqual([]);
  expect(first.at(-1)).toMatchObject({ type: 'board_synced' });
  expect((first.at(-1) as { serverTime: number }).serverTime).toBeGreaterThanOrEqual(before);

  const agent = await login(t, '2001');
  const idle = await agentNext(sup, '2001');
  expect(idle).toMatchObject({ presence: 'idle', phones: 1, callId: null });
  const fake = await t.asterisk.call('ws-ext-sales', { params: { from: '0311112222', name: 'Tanaka' } });
  const ringingCall = await callNext(sup);
  expect(ringingCall).toMatchObject({ state: 'ringing', group: 'sales', extension: null, agent: null, callerNumber: '0311112222', callerName: 'Tanaka', outbound: false, answeredAt: null, supervisors: [] });
  const ringing = await agentNext(sup, '2001');
  expect(ringing).toMatchObject({ presence: 'ringing', callId: ringingCall.callId });
  expect(ringing.since).toBeGreaterThanOrEqual(idle.since);

  const { callId } = await agent.next('incoming');
  agent.send({ type: 'answer', callId });
  await fake.answered;
  const talkingCall = await callNext(sup);
  expect(talkingCall).toMatchObject({ callId, state: 'talking', group: 'sales', extension: '2001', agent: '2001' });
  expect(talkingCall.answeredAt).toBeGreaterThanOrEqual(talkingCall.startedAt);
  const talking = await agentNext(sup, '2001');
  expect(talking).toMatchObject({ presence: 'talking', callId, since: talkingCall.answeredAt });

  // A second supervisor joins: the board shows it in the call.
  const other = await login(t, '9000', { supervisor: true });
  other.send({ type: 'supervise', callId, mode: 'whisper' });
  await other.next('supervising');
  expect(await callNext(sup)).toMatchObject({ callId, state: 'talking', supervisors: [{ extension: '9000', mode: 'whisper' }] });

  await fake.hangup();
  let ended = await callNext(sup);
  while (ended.state !== 'ended') ended = await callNext(sup); // the supervisor's leaving may come first
  expect(ended).toMatchObject({ callId, state: 'ended' });
  const back = await agentNext(sup, '2001');
  expect(back).toMatchObject({ presence: 'idle', callId: null });
  expect(back.since).toBeGreaterThanOrEqual(talking.since);

  agent.close();
  expect(await agentNext(sup, '2001')).toMatchObject({ presence: 'offline', phones: 0 });
});

test('calls and agents outside the scope are never shown; unwatching stops the updates; "*" lists the agents online', async () => {
  await t.start({ supervisors: { '9000': { extensions: ['2001'] }, '9001': { extensions: ['*'] } } });
  const sup = await login(t, '9000', { supervisor: true });
  sup.send({ type: 'board', watch: true });
  await picture(sup);
  const outsider = await login(t, '2002');
  const far = await t.asterisk.call('ws-ext-2002');
  const { callId } = await outsider.next('incoming');
  outsider.send({ type: 'answer', callId });
  await far.answered;

  const all = await login(t, '9001', { supervisor: true });
  all.send({ type: 'board', watch: true });
  const first = await picture(all);
  expect(first.filter((m) => m.type === 'board_agent').map((m) => m.agent.extension).sort()).toEqual(['2002', '9000', '9001']);
  expect(first.filter((m) => m.type === 'board_call').map((m) => m.call)).toMatchObject([{ callId, state: 'talking', agent: '2002' }]);

  sup.send({ type: 'board', watch: false });
  await login(t, '2001'); // in 9000's scope, but it stopped watching
  await far.hangup();
  expect(await all.next('board_call')).toMatchObject({ call: { callId, state: 'ended' } });
  sup.send({ type: 'ping', id: 1 });
  await sup.next('pong');
  expect(sup.messages.filter((m) => m.type === 'board_agent' || m.type === 'board_call')).toEqual([]);
});
