/**
 * The cookbook's other dialplans through a real Asterisk: the JSON format with channel variables,
 * `v(exten=…)` on a shared section, the G.711 and 8 kHz codecs, and Asterisk's v() leak.
 */
import { TONE_DBFS } from '../src/playwright/asterisk.js';
import { OTHER_CODECS } from './test-dialplan.js';
import { PLAYTONES_DBFS, expect, expectRecordedTone, test } from './fixtures.js';

test('[inhouse-json] names the extension and the caller in channel variables, and carries audio both ways', async ({ phone, ring, dialEnd }) => {
  const call = await ring('2001', { context: 'inhouse-json', from: '0312340001', name: 'Suzuki' });
  await phone.expectRinging({ from: '0312340001', name: 'Suzuki' });
  await phone.answer();
  await phone.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
  await expectRecordedTone(call.rxFile, { hz: 1_000, dbfs: TONE_DBFS });
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
  expect((await dialEnd())['DialStatus']).toBe('ANSWER');
});

test('[inhouse-shared] names the extension with v(exten=…) on the shared section', async ({ openPhone, ring }) => {
  const phone = await openPhone({ extension: '2002' });
  const call = await ring('2002', { context: 'inhouse-shared', from: '0312340002' });
  await phone.expectRinging({ from: '0312340002' });
  await phone.answer();
  await phone.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
});

test('a JSON call after a v() call on the same section rings its own extension, though Asterisk leaks the v() parameters', async ({ phone, openPhone, ring, dialEnd }) => {
  // Asterisk keeps the shared section's last URI parameters (?exten=2002&from=…) and sends them
  // again with the next call on that section: the channel variables must win.
  const other = await openPhone({ extension: '2002' });
  const first = await ring('2002', { context: 'inhouse-shared', from: '0312340003' });
  await other.expectRinging({ from: '0312340003' });
  await first.hangup();
  await other.expectEnded({ reason: 'caller_hangup' });
  await dialEnd();

  await ring('2001', { context: 'inhouse-json', from: '0312340004', name: 'Sato' });
  await phone.expectRinging({ from: '0312340004', name: 'Sato' });
  await other.expectNoRing();
});

for (const codec of OTHER_CODECS) {
  test(`c(${codec}) carries audio both ways at its level`, async ({ phone, ring }) => {
    const call = await ring('2001', { context: `inhouse-${codec}`, from: '0312340005' });
    await phone.expectRinging({ from: '0312340005' });
    await phone.answer();
    await phone.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
    await expectRecordedTone(call.rxFile, { hz: 1_000, dbfs: TONE_DBFS });
    await call.hangup();
    await phone.expectEnded({ reason: 'remote_hangup' });
  });
}
