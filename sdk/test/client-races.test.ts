/**
 * Races of the connection, from review: each pinned by a test that failed before its fix.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { browserGlobals } from '@gag/testkit/browser-globals';
import type { Call } from '../src/call.js';
import { GagClient } from '../src/client.js';
import { DefaultReconnectPolicy } from '../src/reconnect-policy.js';
import { startGatewayStub, type GatewayStub } from './gateway-stub.js';

const QUICK = new DefaultReconnectPolicy({ delaysMs: [10], jitter: 0 });
let gateway: GatewayStub;
let client: GagClient | undefined;

beforeEach(async () => {
  browserGlobals();
  gateway = await startGatewayStub();
});
afterEach(async () => {
  client?.disconnect();
  client = undefined;
  await gateway.close();
});

test('connect, disconnect and connect again while the first token is still coming open one connection', async () => {
  const tokens: Array<(token: string) => void> = [];
  client = new GagClient({ url: gateway.url, getToken: () => new Promise((resolve) => tokens.push(resolve)), ringtone: false, reconnectPolicy: QUICK });
  const first = client.connect().catch((e: unknown) => e);
  client.disconnect();
  const second = client.connect();
  tokens[1]?.('t2');
  await second;
  tokens[0]?.('t1'); // the first attempt resumes late: it must give up
  expect(await first).toMatchObject({ code: 'GAG_NOT_CONNECTED' });
  await expect.poll(() => gateway.received.length).toBe(1);
  expect(gateway.connections).toBe(1);
  expect(client.state).toBe('online');
});

test('a reconnect whose token fetch fails once keeps trying and comes back online', async () => {
  let calls = 0;
  client = new GagClient({
    url: gateway.url,
    getToken: () => (++calls === 2 ? Promise.reject(new Error('502 from the token endpoint')) : Promise.resolve(`t${calls}`)),
    ringtone: false,
    reconnectPolicy: QUICK,
  });
  await client.connect();
  gateway.dropAll(1001);
  await expect.poll(() => calls, { timeout: 3_000 }).toBeGreaterThanOrEqual(3);
  await expect.poll(() => client?.state, { timeout: 3_000 }).toBe('online');
});

test('a repeated incoming for the same call id is ignored: the first call stays the one to answer', async () => {
  client = new GagClient({ url: gateway.url, token: 't', ringtone: false });
  await client.connect();
  const seen: Call[] = [];
  client.on('incoming', (call) => seen.push(call));
  const incoming = { type: 'incoming', callId: 'c1', extension: '2001', callerNumber: '1', callerName: null, group: null } as const;
  gateway.broadcast(incoming);
  gateway.broadcast(incoming);
  gateway.broadcast({ type: 'ended', callId: 'c1', reason: 'caller_hangup' });
  await expect.poll(() => seen[0]?.state).toBe('ended');
  expect(seen).toHaveLength(1);
  expect(client.calls).toHaveLength(0);
});

test('a repeated welcome is ignored: the client stays online and says connected once', async () => {
  const warned: string[] = [];
  const logger = { debug: () => undefined, info: () => undefined, warn: (_: object, msg: string) => void warned.push(msg), error: () => undefined };
  client = new GagClient({ url: gateway.url, token: 't', ringtone: false, logger });
  const connected: unknown[] = [];
  client.on('connected', (info) => connected.push(info));
  await client.connect();
  gateway.broadcast({ type: 'welcome', protocol: 1, sessionId: 'again', extension: '2002' });
  await expect.poll(() => warned).toEqual(['welcome repeated: ignored']);
  expect(connected).toEqual([{ extension: '2001', sessionId: 's1' }]);
  expect([client.state, client.extension]).toEqual(['online', '2001']);
});

test('disconnect() called from a disconnected listener stops the client: it does not reconnect after all', async () => {
  client = new GagClient({ url: gateway.url, token: 't', ringtone: false, reconnectPolicy: QUICK });
  await client.connect();
  const states: string[] = [];
  client.on('state', (state) => states.push(state));
  client.on('disconnected', () => client?.disconnect());
  gateway.dropAll(1001);
  await expect.poll(() => states).toEqual(['offline']);
  expect(client.state).toBe('offline');
});
