/**
 * The supervisor's board in the SDK (`@gag/sdk/supervisor`) against a stand-in gateway: the
 * picture kept from `board_agent` / `board_call`, swapped in at `board_synced`, durations on the
 * gateway's clock, the board watched again after a reconnect, and refusals as typed errors.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { browserGlobals } from '@gag/testkit/browser-globals';
import { GagClient } from '../src/client.js';
import { FEATURES, type BoardAgent, type BoardCall } from '../src/protocol.js';
import { SupervisorBoard, SupervisorRefusedError } from '../src/supervisor.js';
import { startGatewayStub, type GatewayStub } from './gateway-stub.js';

let gateway: GatewayStub;
let client: GagClient | undefined;
let board: SupervisorBoard | undefined;

beforeEach(() => {
  browserGlobals();
});
afterEach(async () => {
  board?.dispose();
  board = undefined;
  client?.disconnect();
  client = undefined;
  await gateway.close();
});

const agent = (extension: string, presence: BoardAgent['presence'], since: number, callId: string | null = null): BoardAgent => ({
  extension,
  presence,
  since,
  callId,
  phones: presence === 'offline' ? 0 : 1,
  groups: ['sales'],
});

const call = (callId: string, state: BoardCall['state'], startedAt: number, agentExt: string | null = null): BoardCall => ({
  callId,
  state,
  extension: agentExt,
  group: 'sales',
  callerNumber: '0312345678',
  callerName: null,
  outbound: false,
  startedAt,
  answeredAt: state === 'talking' ? startedAt + 1_000 : null,
  agent: agentExt,
  supervisors: [],
});

async function connectedBoard(features: readonly string[] = [FEATURES.SUPERVISE]): Promise<SupervisorBoard> {
  gateway = await startGatewayStub({ features });
  client = new GagClient({ url: gateway.url, token: 't', ringtone: false });
  board = new SupervisorBoard(client);
  await client.connect();
  return board;
}

/** Answer the next `board` watch with `agents`, `calls` and `board_synced` at `serverTime`. */
async function answerWatch(agents: BoardAgent[], calls: BoardCall[], serverTime: number, watches = 1): Promise<void> {
  await expect.poll(() => gateway.received.filter((m) => m.type === 'board' && m.watch).length).toBe(watches);
  for (const a of agents) gateway.broadcast({ type: 'board_agent', agent: a });
  for (const c of calls) gateway.broadcast({ type: 'board_call', call: c });
  gateway.broadcast({ type: 'board_synced', serverTime });
}

test('watch() resolves with the whole picture once board_synced comes, and updates follow as events', async () => {
  const b = await connectedBoard();
  const seen: string[] = [];
  b.on('agent', (a) => seen.push(`agent ${a.extension} ${a.presence}`));
  b.on('call', (c) => seen.push(`call ${c.callId} ${c.state}`));
  const watching = b.watch();
  expect(b.synced).toBe(false);
  await answerWatch([agent('2001', 'idle', 1_000), agent('2002', 'offline', 2_000)], [call('c1', 'ringing', 5_000)], 10_000);
  await watching;
  expect([b.synced, [...b.agents.keys()], [...b.calls.keys()], seen]).toEqual([true, ['2001', '2002'], ['c1'], []]);

  gateway.broadcast({ type: 'board_call', call: call('c1', 'talking', 5_000, '2001') });
  gateway.broadcast({ type: 'board_agent', agent: agent('2001', 'talking', 6_000, 'c1') });
  gateway.broadcast({ type: 'board_call', call: call('c1', 'ended', 5_000, '2001') });
  await expect.poll(() => seen).toEqual(['call c1 talking', 'agent 2001 talking', 'call c1 ended']);
  expect([b.agents.get('2001')?.presence, b.calls.size]).toEqual(['talking', 0]);
});

test('durations count on the gateway’s clock: the offset comes from board_synced', async () => {
  const b = await connectedBoard();
  const watching = b.watch();
  const gatewayNow = Date.now() + 3_600_000; // the gateway's clock an hour ahead of ours
  await answerWatch([agent('2001', 'talking', gatewayNow - 65_000, 'c1')], [], gatewayNow);
  await watching;
  const talkingMs = b.elapsedMs(b.agents.get('2001')!.since);
  expect(talkingMs).toBeGreaterThanOrEqual(65_000);
  expect(talkingMs).toBeLessThan(66_000);
  expect(b.elapsedMs(b.serverNow() + 5_000)).toBe(0); // a clock step backwards never shows a negative time
});

test('after a reconnect the board is watched again and the fresh picture replaces the old one at board_synced', async () => {
  const b = await connectedBoard();
  const watching = b.watch();
  await answerWatch([agent('2001', 'talking', 1_000, 'c1')], [call('c1', 'talking', 1_000, '2001')], 2_000);
  await watching;
  let syncs = 0;
  b.on('synced', () => syncs++);
  gateway.dropAll(1001);
  await expect.poll(() => b.synced).toBe(false);
  await answerWatch([agent('2001', 'idle', 3_000)], [], 4_000, 2);
  await expect.poll(() => syncs).toBe(1);
  expect([b.agents.get('2001')?.presence, b.calls.size, b.watching]).toEqual(['idle', 0, true]);
});

test('unwatch() sends board watch false, and later board messages change nothing', async () => {
  const b = await connectedBoard();
  const watching = b.watch();
  await answerWatch([agent('2001', 'idle', 1_000)], [], 2_000);
  await watching;
  b.unwatch();
  await expect.poll(() => gateway.received.at(-1)).toEqual({ type: 'board', watch: false });
  gateway.broadcast({ type: 'board_agent', agent: agent('2001', 'ringing', 3_000, 'c2') });
  gateway.broadcast({ type: 'board_synced', serverTime: 4_000 });
  await client!.measureRtt({ timeoutMs: 1 }).catch(() => undefined); // a round trip on the socket: both broadcasts are handled
  expect(b.agents.get('2001')?.presence).toBe('idle');
});

test('a refused watch rejects with SupervisorRefusedError carrying the gateway’s code', async () => {
  const b = await connectedBoard();
  const watching = b.watch();
  await expect.poll(() => gateway.received.some((m) => m.type === 'board')).toBe(true);
  gateway.broadcast({ type: 'supervisor_refused', request: 'board', code: 'not_supervisor', message: 'no scope' });
  const error = await watching.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SupervisorRefusedError);
  expect(error).toMatchObject({ code: 'GAG_SUPERVISOR_REFUSED', reason: 'not_supervisor', request: 'board', name: 'SupervisorRefusedError' });
  expect(b.watching).toBe(false);
});

test('a session whose welcome does not list supervise is refused at once, sending nothing', async () => {
  const b = await connectedBoard([]);
  await expect(b.watch()).rejects.toMatchObject({ reason: 'not_supervisor', request: 'board' });
  await expect(b.supervise('c1', 'listen')).rejects.toMatchObject({ reason: 'not_supervisor', request: 'supervise' });
  expect(gateway.received.map((m) => m.type)).toEqual(['hello']);
});

test('a refused supervise rejects with its reason and call id; no supervision is left', async () => {
  const b = await connectedBoard();
  const joining = b.supervise('c7', 'whisper');
  await expect.poll(() => gateway.received.at(-1)).toEqual({ type: 'supervise', callId: 'c7', mode: 'whisper' });
  gateway.broadcast({ type: 'supervisor_refused', request: 'supervise', callId: 'c7', code: 'not_talking', message: 'only an answered call can be joined' });
  await expect(joining).rejects.toMatchObject({ code: 'GAG_SUPERVISOR_REFUSED', reason: 'not_talking', callId: 'c7' });
  expect(b.supervision).toBeUndefined();
});

test('a joined call whose audio cannot start (no audio output here) is left again, and supervise rejects with GAG_MEDIA', async () => {
  const b = await connectedBoard();
  const joining = b.supervise('c3', 'listen');
  await expect.poll(() => gateway.received.at(-1)).toEqual({ type: 'supervise', callId: 'c3', mode: 'listen' });
  gateway.broadcast({ type: 'supervising', callId: 'c3', mode: 'listen', format: 'slin16' });
  await expect.poll(() => gateway.received.at(-1)).toEqual({ type: 'unsupervise', callId: 'c3' });
  gateway.broadcast({ type: 'supervise_ended', callId: 'c3', reason: 'left' });
  await expect(joining).rejects.toMatchObject({ code: 'GAG_MEDIA' });
  expect(b.supervision).toBeUndefined();
});

test('a supervise the connection drops under rejects with GAG_NOT_CONNECTED', async () => {
  const b = await connectedBoard();
  const joining = b.supervise('c4', 'barge');
  await expect.poll(() => gateway.received.at(-1)?.type).toBe('supervise');
  gateway.dropAll(1001);
  await expect(joining).rejects.toMatchObject({ code: 'GAG_NOT_CONNECTED' });
});
