/** Calls through a real Asterisk with the cookbook's main dialplan: caller ID, audio both ways, every way a call ends. */
import { TONE_DBFS } from '../src/playwright/asterisk.js';
import { expect, expectRecordedTone, test } from './fixtures.js';

test('a call through [inhouse] rings the page with the caller and carries audio both ways', async ({ phone, ring, dialEnd }) => {
  const call = await ring('2001', { from: '0312345678', name: 'Tanaka' });
  await phone.expectRinging({ from: '0312345678', name: 'Tanaka' });
  await phone.answer();
  await phone.expectTalking();
  // Asterisk → browser: Playtones(440).
  await phone.expectAudio({ hz: 440 });
  // Browser → Asterisk: the fake microphone's 1 kHz at its level, as the caller's side recorded it.
  await expectRecordedTone(call.rxFile, { hz: 1_000, dbfs: TONE_DBFS });
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
  expect((await dialEnd())['DialStatus']).toBe('ANSWER');
});
