/**
 * The audio check the call specs share, once a call is answered on the page: the page's 1 kHz
 * microphone reaches Asterisk at its level in whole messages of `framesPerMessage` frames with no
 * silent frame, and the caller's 440 Hz reaches the page's playback tap at its level.
 */
import { FRAME_MS } from '@gag/sdk/protocol';
import { rms } from '../src/index.js';
import { TONE_DBFS, expect, type AsteriskCall, type GagAsterisk, type GagPhone } from './fixtures.js';

const WIRE_RATE_HZ = 16_000;
const SAMPLES_PER_FRAME = (WIRE_RATE_HZ * FRAME_MS) / 1000;

/** Both directions of an answered call whose caller plays 440 Hz (slin16). */
export async function expectAudioBothWays(call: AsteriskCall, phone: GagPhone, framesPerMessage = 1): Promise<void> {
  // Browser → Asterisk: the fake microphone's 1 kHz tone at its level, in whole messages, without gaps.
  await call.expectAudio({ hz: 1_000, dbfs: TONE_DBFS });
  await expect.poll(() => call.received.frames, { timeout: 10_000 }).toBeGreaterThanOrEqual(100);
  expect(call.received.oddSizedMessages).toBe(0);
  expect(call.received.frames).toBe(call.received.messages * framesPerMessage);
  const up = call.received.samples({ fromMs: 1_000, toMs: 2_000 });
  for (let i = 0; i + SAMPLES_PER_FRAME <= up.length; i += SAMPLES_PER_FRAME) {
    expect(rms(up.subarray(i, i + SAMPLES_PER_FRAME)), `frame at ${i / WIRE_RATE_HZ} s is silent`).toBeGreaterThan(0.05);
  }
  // Asterisk → browser: the caller's 440 Hz tone at its level, at the playback tap once playout is steady.
  await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });
}

/** A call from 0312345678 playing 440 Hz: rung, answered on the page, {@link expectAudioBothWays}, hung up by the page. */
export async function callWithAudioBothWays(phone: GagPhone, asterisk: GagAsterisk, framesPerMessage = 1): Promise<void> {
  const call = await asterisk.call('2001', { from: '0312345678', play: 440 });
  await phone.expectRinging({ from: '0312345678' });
  await phone.answer();
  await call.expectAnswered();
  await expectAudioBothWays(call, phone, framesPerMessage);
  await phone.hangup();
  await call.expectHangup();
}
