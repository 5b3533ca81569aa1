/**
 * DTMF both ways: keys the caller presses (Asterisk's DTMF_END) reach the page's call; keys the
 * user presses reach Asterisk out of band when the gateway has AMI (the fixtures' gateway: it
 * presses them on the call's channel with PlayDTMF, and no tones go into the audio), and in-band
 * otherwise (dtmf-in-band.spec.ts).
 */
import { FRAME_MS } from '@gag/sdk/protocol';
import { expect, test } from './fixtures.js';
import { answeredThenMuted, expectSilent, levelAt } from './muted-call.js';

test('keys the caller presses reach the page, one dtmf event per key, in order', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001', { from: '0312345678' });
  await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  await phone.expectTalking();
  call.sendDtmf('5#');
  call.sendDtmf('0');
  await phone.expectDtmf('5#0');
  await call.hangup();
});

test('keys pressed on the phone keypad reach Asterisk out of band through the AMI, in order, with no tones in the audio', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001');
  await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  await call.expectAudio({ hz: 1_000 }); // the microphone
  const fromMs = call.received.frames * FRAME_MS;
  await phone.pressKeys('159#');
  await call.expectDtmfOutOfBand('159#');
  await call.expectAudio({ hz: 1_000 }); // the microphone was never replaced by tones
  expect(call.received.dtmf({ fromMs }).digits).toBe(''); // so Asterisk cannot get a key twice
  await phone.hangup();
  await call.expectHangup();
});

test("the SDK's sendDtmf goes out of band too, also while muted, and the microphone stays silent", async ({ phone, asterisk }) => {
  const { call, silentFromMs } = await answeredThenMuted(phone, asterisk);
  await phone.sendDtmf('2*');
  await call.expectDtmfOutOfBand('2*');
  expectSilent(levelAt(call, silentFromMs), 'what Asterisk received since the mute'); // no tones, no microphone
  await call.hangup();
});
