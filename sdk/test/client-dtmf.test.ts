/**
 * Keys out of band: to a gateway that lists the `dtmf` feature the SDK sends `call.sendDtmf`'s
 * digits as a `dtmf` message (the gateway presses them on Asterisk's channel); an older gateway,
 * which would close the connection on a message it does not know, is never sent one.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { browserGlobals } from '@gag/testkit/browser-globals';
import type { Call } from '../src/call.js';
import { GagClient } from '../src/client.js';
import { FEATURES } from '../src/protocol.js';
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

/** A client of a gateway listing `features`, in a call the gateway says is answered. */
async function talkingCall(features: readonly string[]): Promise<Call> {
  gateway = await startGatewayStub({ features });
  client = new GagClient({ url: gateway.url, token: 't', ringtone: false });
  await client.connect();
  const incoming = new Promise<Call>((resolve) => client!.once('incoming', resolve));
  gateway.broadcast({ type: 'incoming', callId: 'c1', extension: '2001', callerNumber: '0312345678', callerName: null, group: null });
  const call = await incoming;
  const talking = new Promise<void>((resolve) => call.once('accepted', resolve));
  gateway.broadcast({ type: 'answered', callId: 'c1' });
  await talking;
  return call;
}

test('to a gateway that lists dtmf, each sendDtmf goes out as one dtmf message with its digits, in order', async () => {
  const call = await talkingCall([FEATURES.PING, FEATURES.DTMF]);
  call.sendDtmf('12#');
  call.sendDtmf('0');
  call.hangup();
  await expect.poll(() => gateway.received.map((m) => m.type)).toEqual(['hello', 'dtmf', 'dtmf', 'hangup']);
  expect(gateway.received.filter((m) => m.type === 'dtmf')).toEqual([
    { type: 'dtmf', callId: 'c1', digits: '12#' },
    { type: 'dtmf', callId: 'c1', digits: '0' },
  ]);
});

test('an older gateway (no dtmf feature) is never sent a dtmf message: the keys stay in-band', async () => {
  const call = await talkingCall([FEATURES.PING]);
  call.sendDtmf('12#');
  call.hangup(); // after the keys on the same socket: had a dtmf gone out, it would be here first
  await expect.poll(() => gateway.received.map((m) => m.type)).toEqual(['hello', 'hangup']);
});
