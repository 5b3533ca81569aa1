/**
 * Keys the user presses, with a gateway that has no AMI (`"originate": "none"`, so no `dtmf`
 * feature): they travel in-band, as tone pairs in the audio, and Asterisk's audio carries them,
 * found by the DTMF detector. (With AMI they go out of band: dtmf.spec.ts.)
 */
import { FRAME_MS } from '@gag/sdk/protocol';
import { expect, test } from './fixtures.js';
import { answeredThenMuted, expectSilenceAtAsterisk } from './muted-call.js';

// A gateway of its own, for this file's worker.
test.use({ gagGateway: { originate: 'none' } });

test('keys pressed on the phone keypad reach Asterisk in-band, while the microphone is live', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001');
  await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  await call.expectAudio({ hz: 1_000 }); // the microphone, loud, right up to the first key
  const fromMs = call.received.frames * FRAME_MS;
  await phone.pressKeys('159#');
  await call.expectDtmf('159#', { fromMs });
  const keys = call.received.dtmf({ fromMs }).tones;
  test.info().annotations.push({ type: 'keys at Asterisk', description: JSON.stringify(keys.map((k) => ({ digit: k.digit, ms: Math.round(k.durationMs) }))) });
  await call.expectAudio({ hz: 1_000 }); // and the microphone is back after them
  expect(call.fake.dtmfReceived).toBe(''); // nothing out of band: there is no AMI to press them
  await phone.hangup();
  await call.expectHangup();
});

test("the SDK's sendDtmf reaches Asterisk as the same tones, also while muted, with silence around them", async ({ phone, asterisk }) => {
  const { call, silentFromMs } = await answeredThenMuted(phone, asterisk);
  await phone.sendDtmf('2*');
  await call.expectDtmf('2*', { fromMs: silentFromMs });
  await expectSilenceAtAsterisk(call); // after the keys, silence again: not the microphone
  await call.hangup();
});
