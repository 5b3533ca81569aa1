/**
 * Calls through a real Asterisk with the cookbook's main dialplan (`[inhouse]`): caller ID, audio
 * both ways, every way a call ends with the DIALSTATUS Asterisk reports, and keys from the caller.
 */
import { TONE_DBFS } from '../src/playwright/asterisk.js';
import { PLAYTONES_DBFS, expect, expectRecordedTone, test } from './fixtures.js';

test('a call through [inhouse] rings the page with the caller, carries audio both ways, and the caller hangs up', async ({ phone, ring, dialEnd }) => {
  const call = await ring('2001', { from: '0312345678', name: 'Tanaka' });
  await phone.expectRinging({ from: '0312345678', name: 'Tanaka' });
  await phone.answer();
  await phone.expectTalking();
  // Asterisk → browser: Playtones(440).
  await phone.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
  // Browser → Asterisk: the fake microphone's 1 kHz at its level, as the caller's side recorded it.
  await expectRecordedTone(call.rxFile, { hz: 1_000, dbfs: TONE_DBFS });
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
  expect((await dialEnd())['DialStatus']).toBe('ANSWER');
});

test('the page hanging up ends the call in Asterisk', async ({ phone, ring, dialEnd, ami }) => {
  await ring('2001', { from: '0311112222' });
  await phone.expectRinging({ from: '0311112222' });
  await phone.answer();
  await phone.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
  const hungUp = ami.next((e) => e['Event'] === 'Hangup' && /^Local\/2001@inhouse-[0-9a-f]+;1$/.test(e['Channel'] ?? ''), 'Hangup of the caller');
  await phone.hangup();
  await phone.expectEnded({ reason: 'hangup' });
  await hungUp;
  expect((await dialEnd())['DialStatus']).toBe('ANSWER');
});

test('a reject ends Dial() with NOANSWER', async ({ phone, ring, dialEnd }) => {
  await ring('2001', { from: '0322223333' });
  await phone.expectRinging({ from: '0322223333' });
  await phone.reject();
  await phone.expectEnded({ reason: 'rejected' });
  expect((await dialEnd())['DialStatus']).toBe('NOANSWER');
});

test('a call nobody answers ends after ring_timeout_ms with NOANSWER, like a reject', async ({ phone, ring, dialEnd, gag }) => {
  await gag.configure({ config: { ring_timeout_ms: 1_500 } });
  await ring('2001', { from: '0333334444' });
  await phone.expectRinging({ from: '0333334444' });
  await phone.expectEnded({ reason: 'timeout' });
  expect((await dialEnd())['DialStatus']).toBe('NOANSWER');
});

test('a caller who hangs up while it rings stops the ringing, and Dial() ends with CANCEL', async ({ phone, ring, dialEnd }) => {
  const call = await ring('2001', { from: '0344445555' });
  await phone.expectRinging({ from: '0344445555' });
  await call.hangup();
  await phone.expectEnded({ reason: 'caller_hangup' });
  expect((await dialEnd())['DialStatus']).toBe('CANCEL');
});

test('keys the caller presses (SendDTMF) reach the page in order', async ({ phone, ring }) => {
  await ring('2001', { from: '0355556666', then: 'keys' });
  await phone.expectRinging({ from: '0355556666' });
  await phone.answer();
  await phone.expectDtmf('159#');
});

test('an extension with no phone online is not answered: Dial() ends with NOANSWER at once', async ({ ring, dialEnd }) => {
  await ring('2002', { from: '0366667777' });
  expect((await dialEnd())['DialStatus']).toBe('NOANSWER');
});

test('an unchanged GoAstGateway dialplan ([inhouse-legacy]) still rings the page and carries audio both ways', async ({ phone, ring }) => {
  // No caller ID check: Asterisk may send this section's last v() parameters again (the leak;
  // earlier tests dialled ws-ext-2001 with v(from,…)), which no gateway can tell from real ones.
  const call = await ring('2001', { context: 'inhouse-legacy', from: '0377778888' });
  await phone.expectRinging();
  await phone.answer();
  await phone.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
  await expectRecordedTone(call.rxFile, { hz: 1_000, dbfs: TONE_DBFS });
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
});
