/**
 * The call tap (issue 20): one place where both directions of a talking call pass, for
 * recordings and forks. Real sockets on loopback; a listener attached to the gateway's call.
 */
import { expect, test } from 'vitest';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import type { AudioSource } from '@gag/e2e';
import { gatewayPerTest } from '@gag/testkit/gateway';

const t = gatewayPerTest({ browser_packet_ms: 40 });
/** Frame n of the caller: every sample holds n + 1. */
const numbered: AudioSource = { fill: (frame, n) => frame.fill(n + 1) };

test('a listener hears the caller and the agent as whole frames, the caller’s keys, and ends once with the call; a throwing one is detached and the call goes on', async () => {
  const phone = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await phone.next('incoming');
  const gwCall = t.gw.router.calls[0]!;
  expect(gwCall.tap.active).toBe(false);
  const heard = { caller: [] as Buffer[], agent: [] as Buffer[], dtmf: [] as string[], ends: 0 };
  gwCall.tap.attach({
    audio: (track, frames) => heard[track].push(Buffer.from(frames)),
    dtmf: (_track, digit) => heard.dtmf.push(digit),
    end: () => heard.ends++,
  });
  gwCall.tap.attach({ audio: () => { throw new Error('listener bug'); }, end: () => undefined });
  call.play(numbered);
  phone.send({ type: 'answer', callId });
  await call.answered;

  await expect.poll(() => heard.caller.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(5);
  expect(heard.caller.every((f) => f.length === FRAME_BYTES)).toBe(true);
  const firsts = heard.caller.slice(0, 5).map((f) => f.readInt16LE(0));
  expect(firsts).toEqual(firsts.map((_, i) => firsts[0]! + i)); // in order, none lost
  phone.ws.send(Buffer.alloc(2 * FRAME_BYTES, 7)); // one 40 ms packet
  await expect.poll(() => heard.agent.length, { timeout: 3_000 }).toBe(1);
  expect(heard.agent[0]!.length).toBe(2 * FRAME_BYTES);
  await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(2); // the call's own audio still flows
  call.sendDtmf('5');
  await expect.poll(() => heard.dtmf, { timeout: 3_000 }).toEqual(['5']);
  expect(t.logs.some((l) => l.msg === 'call tap listener failed; detached')).toBe(true);

  phone.send({ type: 'hangup', callId });
  await call.ended;
  expect(heard.ends).toBe(1);
  expect(gwCall.tap.attach({ audio: () => undefined, end: () => undefined })).toBe(false);
});
