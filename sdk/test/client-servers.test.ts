/**
 * A client given the nodes of a cluster (issue 17): it connects to the first, and after a drop
 * (its node died) the next attempt goes to the next node, so the phone is back online elsewhere.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { browserGlobals } from '@gag/testkit/browser-globals';
import { GagClient } from '../src/client.js';
import { GagError } from '../src/errors.js';
import type { ReconnectPolicy } from '../src/reconnect-policy.js';
import { startGatewayStub, type GatewayStub } from './gateway-stub.js';

const stubs: GatewayStub[] = [];
let client: GagClient | undefined;
/** Retry at once: the test is about where, not when. */
const NOW: ReconnectPolicy = { nextRetryDelayMs: () => 0 };

beforeEach(() => {
  browserGlobals();
});
afterEach(async () => {
  client?.disconnect();
  client = undefined;
  for (const stub of stubs.splice(0)) await stub.close();
});

test('after its node drops it, the client reconnects to the next node of the list, and round again', async () => {
  const [a, b] = [await startGatewayStub(), await startGatewayStub()];
  stubs.push(a, b);
  client = new GagClient({ url: [a.url, b.url], token: 't', ringtone: false, reconnectPolicy: NOW });
  await client.connect();
  expect([a.connections, b.connections]).toEqual([1, 0]);
  const back = (): Promise<unknown> => new Promise((resolve) => client!.once('connected', resolve));
  let online = back();
  a.dropAll(1001);
  await online;
  expect([a.connections, b.connections]).toEqual([1, 1]);
  online = back();
  b.dropAll(1001);
  await online;
  expect([a.connections, b.connections]).toEqual([2, 1]);
});

test('an empty list or a bad entry is refused at the constructor, naming url', () => {
  expect(() => new GagClient({ url: [], token: 't' })).toThrow(GagError);
  expect(() => new GagClient({ url: [], token: 't' })).toThrow(/^url: an empty list/);
  expect(() => new GagClient({ url: ['wss://gw-a.example.com', 'not a url'], token: 't' })).toThrow(/url: not a URL: not a url/);
});
