/**
 * `browser_packet_ms` (issue #16): the gateway tells gag.v1 browsers its packet time in `welcome`,
 * gathers Asterisk's 20 ms frames into packets of it for them, forwards the browser's packets to
 * Asterisk as they are, and keeps GoAstGateway's webphone at 20 ms. Real sockets on loopback.
 */
import { describe, expect, test } from 'vitest';
import { FRAME_BYTES, frameBytesOf } from '@gag/sdk/protocol';
import type { AudioSource } from '@gag/e2e';
import { gatewayPerTest } from '@gag/testkit/gateway';
import { configError } from './config-error.js';
import { LegacyTestPhone } from './legacy-phone.js';

/** Frame n of the caller: every sample says which frame it is in, so order and loss show. */
const numbered: AudioSource = { fill: (frame, n) => frame.fill(n + 1) };
/** The frame numbers a stream of `numbered` frames carries, in order. */
const frameNumbers = (audio: readonly Buffer[], frameBytes = FRAME_BYTES): number[] => {
  const all = Buffer.concat(audio);
  const out: number[] = [];
  for (let at = 0; at + frameBytes <= all.length; at += frameBytes) out.push(all.readInt16LE(at) - 1);
  return out;
};
const consecutive = (numbers: readonly number[]): boolean => numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);

describe.each([40, 60] as const)('browser_packet_ms %i', (packetMs) => {
  const t = gatewayPerTest({ browser_packet_ms: packetMs });
  const framesPerPacket = packetMs / 20;

  test('welcome says it; the browser gets whole packets of it, in order; its packets reach Asterisk as they are', async () => {
    const phone = await t.phone('2001');
    expect(phone.welcome?.packetMs).toBe(packetMs);
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    call.play(numbered);
    phone.send({ type: 'answer', callId });
    await call.answered;
    await phone.next('answered');

    await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(10);
    expect(phone.audio.every((m) => m.length === framesPerPacket * FRAME_BYTES)).toBe(true);
    expect(consecutive(frameNumbers(phone.audio))).toBe(true);

    const before = { messages: call.received.messages, frames: call.received.frames };
    for (let i = 0; i < 5; i++) phone.ws.send(Buffer.alloc(framesPerPacket * FRAME_BYTES, i + 1));
    await expect.poll(() => call.received.messages - before.messages, { timeout: 3_000 }).toBe(5);
    expect(call.received.frames - before.frames).toBe(5 * framesPerPacket);
    expect(call.received.oddSizedMessages).toBe(0);
  });

  test('a ulaw call is gathered in packets of its own frames', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001', { codec: 'ulaw' });
    const { callId } = await phone.next('incoming');
    call.play(numbered);
    phone.send({ type: 'answer', callId });
    await call.answered;
    await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(5);
    expect(phone.audio.every((m) => m.length === framesPerPacket * frameBytesOf('ulaw'))).toBe(true);
  });

  test("GoAstGateway's webphone still gets 20 ms frames", async () => {
    const phone = await LegacyTestPhone.connect(t.gw.browserUrl, { token: await t.token('2001') });
    try {
      const call = await t.asterisk.call('ws-ext-2001');
      await phone.next('RINGING');
      call.play(numbered);
      phone.send('ANSWER');
      await call.answered;
      await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(10);
      expect(phone.audio.every((m) => m.length === FRAME_BYTES)).toBe(true);
      expect(consecutive(frameNumbers(phone.audio))).toBe(true);
    } finally {
      phone.close();
    }
  });
});

describe('without browser_packet_ms', () => {
  const t = gatewayPerTest();

  test('welcome says 20 and every frame goes on its own', async () => {
    const phone = await t.phone('2001');
    expect(phone.welcome?.packetMs).toBe(20);
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    call.play(numbered);
    phone.send({ type: 'answer', callId });
    await call.answered;
    await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(10);
    expect(phone.audio.every((m) => m.length === FRAME_BYTES)).toBe(true);
    expect(consecutive(frameNumbers(phone.audio))).toBe(true);
  });
});

test('browser_packet_ms takes 20, 40 or 60 only, and says so with the key', () => {
  const error = configError({ browser_packet_ms: 30 });
  expect(error.key).toBe('browser_packet_ms');
  expect(error.fix).toMatch(/20, 40 or 60/);
});
