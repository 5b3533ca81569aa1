/** Calls dialled with c(ulaw) and c(alaw): the page encodes and decodes G.711 itself, 160-byte frames both ways. */
import { TONE_DBFS, expect, test } from './fixtures.js';

for (const codec of ['ulaw', 'alaw'] as const) {
  test(`a call dialled with c(${codec}) carries audio both ways in ${codec}`, async ({ phone, asterisk }) => {
    const call = await asterisk.call('2001', { codec, from: '0312345678', play: 440 });
    await phone.expectRinging({ from: '0312345678' });
    await phone.answer();
    await call.expectAnswered();

    // Browser → Asterisk: the fake microphone's 1 kHz tone, encoded by the page, in whole 160-byte frames.
    await call.expectAudio({ hz: 1_000, dbfs: TONE_DBFS });
    expect(call.received.codec).toBe(codec);
    expect(call.received.oddSizedMessages).toBe(0);
    // Asterisk → browser: the 440 Hz tone, decoded by the page.
    await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });

    await phone.hangup();
    await call.expectHangup();
  });
}
