/**
 * `browser_packet_ms` 40 and 60 with a real Asterisk: the page's packets of two or three 20 ms
 * frames go to chan_websocket as they are and it cuts them into its 20 ms frames
 * (docs/chan-websocket.md#media): the caller's side records the page's 1 kHz at its level with no
 * gap; the gateway gathers Asterisk's frames into packets and the page plays Playtones(440) at its level.
 */
import { FRAME_MS } from '@gag/sdk/protocol';
import { rms } from '../src/index.js';
import { TONE_DBFS } from '../src/playwright/asterisk.js';
import { PLAYTONES_DBFS, expect, expectRecordedTone, recordedSoFar, test } from './fixtures.js';

for (const packetMs of [40, 60] as const) {
  test(`${packetMs} ms packets: Asterisk takes the page's packets whole and the page plays Asterisk's frames`, async ({ gag, openPhone, ring }) => {
    await gag.configure({ config: { browser_packet_ms: packetMs } });
    const phone = await openPhone({ extension: '2001' });
    const call = await ring('2001', { from: '0312345678' });
    await phone.expectRinging({ from: '0312345678' });
    await phone.answer();
    await phone.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
    await expectRecordedTone(call.rxFile, { hz: 1_000, dbfs: TONE_DBFS });
    // No gap: every 20 ms of the last second Asterisk recorded carries the tone (once 2.5 s are
    // recorded, so that the second is well after the answer).
    await expect.poll(() => recordedSoFar(call.rxFile).samples.length / recordedSoFar(call.rxFile).rateHz, { timeout: 10_000 }).toBeGreaterThan(2.5);
    const { samples, rateHz } = recordedSoFar(call.rxFile);
    const frame = (rateHz * FRAME_MS) / 1000;
    const lastSecond = samples.subarray(samples.length - rateHz - frame, samples.length - frame);
    for (let i = 0; i + frame <= lastSecond.length; i += frame) {
      expect(rms(lastSecond.subarray(i, i + frame)), `recorded frame at ${i / rateHz} s of the last second`).toBeGreaterThan(0.05);
    }
    await call.hangup();
    await phone.expectEnded({ reason: 'remote_hangup' });
  });
}
