/**
 * The core call flows in Debian's Firefox ESR, over WebDriver BiDi (see fixtures.ts): audio both
 * ways measured at both ends, Reject, and a gateway restart. Firefox's own fake microphone (a
 * 1 kHz sine at amplitude 0.1) and a 48 kHz AudioContext make a different audio path from the
 * Chromium runs (a WAV at amplitude 0.5, 44.1 kHz).
 */
import { FRAME_MS } from '@gag/sdk/protocol';
import { rms } from '../src/index.js';
import { TONE_DBFS } from '../src/playwright/index.js';
import { SINK_RATE_HZ } from './pulse-audio.js';
import { FIREFOX_MIC_DBFS, FIREFOX_MIC_HZ, expect, test } from './fixtures.js';

const WIRE_RATE_HZ = 16_000;
const SAMPLES_PER_FRAME = (WIRE_RATE_HZ * FRAME_MS) / 1000;

test('Firefox: a call rings with the caller, carries audio both ways, and the page hangs up', async ({ phone, asterisk }) => {
  expect(await phone.page.evaluate(() => navigator.userAgent)).toContain('Firefox/');
  const call = await asterisk.call('2001', { from: '0312345678', name: 'Tanaka', play: 440 });
  await phone.expectRinging({ from: '0312345678', name: 'Tanaka' });
  expect(call.commands).toEqual([]);

  await phone.answer();
  await phone.expectTalking();
  await call.expectAnswered();
  // Firefox's AudioContext runs at the sound server's rate: 48 kHz here, 44.1 kHz in the Chromium runs.
  expect(await phone.page.evaluate(() => document.querySelector('gag-phone')?.activeCall?.audio?.sampleRateHz)).toBe(SINK_RATE_HZ);

  // Browser → Asterisk: Firefox's fake microphone, its frequency and level, in whole frames without gaps.
  await call.expectAudio({ hz: FIREFOX_MIC_HZ, dbfs: FIREFOX_MIC_DBFS });
  await expect.poll(() => call.received.frames, { timeout: 10_000 }).toBeGreaterThanOrEqual(100);
  expect(call.received.oddSizedMessages).toBe(0);
  const up = call.received.samples({ fromMs: 1_000, toMs: 2_000 });
  for (let i = 0; i + SAMPLES_PER_FRAME <= up.length; i += SAMPLES_PER_FRAME) {
    expect(rms(up.subarray(i, i + SAMPLES_PER_FRAME)), `frame at ${1 + i / WIRE_RATE_HZ} s is silent`).toBeGreaterThan(0.035);
  }

  // Asterisk → browser: the caller's 440 Hz tone at its level, at the page's playback tap.
  await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });

  await phone.hangup();
  expect(await call.expectHangup()).toMatchObject({ by: 'app-hangup', code: 1000 });
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  expect(await phone.expectEnded({ reason: 'hangup' })).toMatchObject({ callerNumber: '0312345678', callerName: 'Tanaka' });
});

test('Firefox: Reject while ringing hangs the call up in Asterisk without answering', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001', { from: '0355556666' });
  await phone.expectRinging({ from: '0355556666' });
  await phone.reject();
  await call.expectHangup();
  expect(call.commands).toEqual(['HANGUP']);
  await phone.expectEnded({ reason: 'rejected' });
});

test('Firefox: after a gateway restart the page is back by itself, without a reload, and takes calls', async ({ phone, asterisk, gag }) => {
  const before = await phone.page.evaluate(() => performance.timeOrigin);
  await gag.restart();
  // The gateway closed with 1001 (going away): the SDK reconnects with its back-off.
  await expect.poll(async () => (await phone.events()).some((e) => e.type === 'gag-state' && e.detail['state'] === 'reconnecting')).toBe(true);
  // Measured here: back within 0.1–1.5 s; the bound leaves room for a loaded machine.
  await expect.poll(() => phone.connectionState(), { timeout: 10_000, message: 'phone 2001 online again' }).toBe('online');
  expect(await phone.page.evaluate(() => performance.timeOrigin)).toBe(before); // same document: no reload

  const call = await asterisk.call('2001', { from: '0312345678', play: 440 });
  await phone.expectRinging({ from: '0312345678' });
  await phone.answer();
  await call.expectAnswered();
  await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });
  await call.expectAudio({ hz: FIREFOX_MIC_HZ, dbfs: FIREFOX_MIC_DBFS });
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
});
