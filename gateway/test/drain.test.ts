/**
 * Draining for a rolling upgrade (issue 17): new browsers get 503, an idle one is sent away with
 * 1001 (which the SDK retries, on another node), `/readyz` says draining; the call that is up goes
 * on, both ways, until it ends, and its phone is sent away then; only then is the drain over.
 */
import { expect, test } from 'vitest';
import { FRAME_BYTES, PHONE_PATH, SUBPROTOCOL } from '@gag/sdk/protocol';
import { gatewayPerTest } from '@gag/testkit/gateway';
import { TEST_ORIGIN } from '@gag/testkit/phone';
import { talkingCall } from './agent-voice.js';
import { handshake } from './handshake.js';

const t = gatewayPerTest();

test('a draining gateway refuses new browsers, sends idle ones away, and is drained once its last call ends', async () => {
  const { phone, call, callId } = await talkingCall(t);
  const idle = await t.phone('2002');
  let drained = false;
  const drain = t.gw.drain().then(() => (drained = true));
  expect(await idle.closed).toEqual({ code: 1001, reason: 'gateway draining: log in on another node' });
  const refused = await handshake(t.gw.browserUrl, { path: PHONE_PATH, protocols: [SUBPROTOCOL], origin: TEST_ORIGIN });
  expect(refused.status).toBe(503);
  const ready = await fetch(`${t.gw.browserUrl.replace(/^ws/, 'http')}/readyz`);
  expect([ready.status, ((await ready.json()) as { checks: { draining: boolean } }).checks.draining]).toEqual([503, true]);
  // The call goes on, both ways.
  const [heard, got] = [phone.audio.length, call.received.frames];
  await expect.poll(() => phone.audio.length - heard).toBeGreaterThan(10);
  await expect.poll(() => call.received.frames - got).toBeGreaterThan(10);
  expect(phone.audio.at(-1)?.length).toBe(FRAME_BYTES);
  expect(drained).toBe(false);
  // Its end ends the drain, and its phone is sent away too.
  phone.send({ type: 'hangup', callId });
  await drain;
  expect(await phone.closed).toEqual({ code: 1001, reason: 'gateway draining: log in on another node' });
});
