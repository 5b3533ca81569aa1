/**
 * Who else hears a call (issues 20, 21): the SDK asks for the notices in `hello.features`, and a
 * `recording` or `supervised` notice reaches its call as an event and a property. A supervisor's
 * messages go to the one supervisor port attached.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { browserGlobals } from '@gag/testkit/browser-globals';
import type { Call } from '../src/call.js';
import { GagClient } from '../src/client.js';
import { CLIENT_FEATURES, FEATURES, type ServerMessage } from '../src/protocol.js';
import type { SupervisorServerMessage } from '../src/supervisor-link.js';
import { startGatewayStub, type GatewayStub } from './gateway-stub.js';

let gateway: GatewayStub;
let client: GagClient | undefined;

beforeEach(() => {
  browserGlobals();
});
afterEach(async () => {
  client?.disconnect();
  client = undefined;
  await gateway.close();
});

async function connected(features: readonly string[] = []): Promise<GagClient> {
  gateway = await startGatewayStub({ features });
  client = new GagClient({ url: gateway.url, token: 't', ringtone: false });
  await client.connect();
  return client;
}

async function ringing(c: GagClient): Promise<Call> {
  const incoming = new Promise<Call>((resolve) => c.once('incoming', resolve));
  gateway.broadcast({ type: 'incoming', callId: 'c1', extension: '2001', callerNumber: null, callerName: null, group: null });
  return incoming;
}

test('hello lists call_notices', async () => {
  await connected();
  expect(gateway.received[0]).toMatchObject({ type: 'hello', features: [CLIENT_FEATURES.CALL_NOTICES] });
});

test('recording and supervised notices become the call’s events and properties, in order', async () => {
  const call = await ringing(await connected());
  expect([call.recording, call.supervisor]).toEqual(['off', null]);
  const seen: string[] = [];
  call.on('recording', (state) => seen.push(`recording:${state}`));
  call.on('supervised', (mode) => seen.push(`supervised:${mode}`));
  const notices: ServerMessage[] = [
    { type: 'recording', callId: 'c1', state: 'on' },
    { type: 'supervised', callId: 'c1', mode: 'whisper' },
    { type: 'recording', callId: 'c1', state: 'paused' },
    { type: 'supervised', callId: 'c1', mode: null },
    { type: 'recording', callId: 'other', state: 'on' },
  ];
  for (const notice of notices) gateway.broadcast(notice);
  await expect.poll(() => seen).toEqual(['recording:on', 'supervised:whisper', 'recording:paused', 'supervised:null']);
  expect([call.recording, call.supervisor]).toEqual(['paused', null]);
});

test('a supervisor’s messages reach the attached port; enabled follows welcome.features; detach stops it', async () => {
  const c = await connected([FEATURES.SUPERVISE]);
  const messages: SupervisorServerMessage[] = [];
  const frames: number[] = [];
  let disconnects = 0;
  const link = c.attachSupervisor({ message: (m) => messages.push(m), audio: (f) => frames.push(f.byteLength), disconnected: () => disconnects++ });
  expect(link.enabled).toBe(true);
  expect(link.send({ type: 'board', watch: true })).toBe(true);
  await expect.poll(() => gateway.received.map((m) => m.type)).toEqual(['hello', 'board']);
  gateway.broadcast({ type: 'board_synced', serverTime: 1 });
  gateway.broadcast({ type: 'supervising', callId: 'c9', mode: 'listen', format: 'slin16' });
  await expect.poll(() => messages.map((m) => m.type)).toEqual(['board_synced', 'supervising']);
  link.detach();
  gateway.broadcast({ type: 'supervise_ended', callId: 'c9', reason: 'left' });
  await ringing(c); // sent after it on the same socket: the client has handled the supervise_ended
  expect(messages).toHaveLength(2);
  expect([frames, disconnects]).toEqual([[], 0]);
});

test('without the supervise feature the link is not enabled, and a close tells the port', async () => {
  const c = await connected();
  let disconnects = 0;
  const link = c.attachSupervisor({ message: () => {}, audio: () => {}, disconnected: () => disconnects++ });
  expect(link.enabled).toBe(false);
  const gone = new Promise<void>((resolve) => c.once('disconnected', () => resolve()));
  gateway.dropAll(1001);
  await gone;
  expect(disconnects).toBe(1);
});
